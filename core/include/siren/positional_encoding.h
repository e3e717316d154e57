#pragma once
// NeRF-style positional encoding of the "ReLU P.E." baseline, as the reference's PosEncodingNeRF:
// [c, sin(2^0 pi c_0), cos(2^0 pi c_0), sin(2^0 pi c_1), ..., cos(2^(L-1) pi c_(d-1))].
#include <torch/torch.h>

namespace siren {

class PositionalEncodingImpl : public torch::nn::Module {
 public:
  PositionalEncodingImpl(int in_features, int frequencies);
  torch::Tensor forward(const torch::Tensor& coords);
  int out_features() const { return in_features_ + 2 * in_features_ * frequencies_; }

 private:
  int in_features_;
  int frequencies_;
};
TORCH_MODULE(PositionalEncoding);

// The reference's frequency count: floor(log2(samples / 4)) for 1-D and 2-D (samples = signal length or
// min(H, W)), 10 for 3-D inputs. Never below 1.
int reference_pe_frequencies(int in_features, int64_t samples_per_axis);

}  // namespace siren
