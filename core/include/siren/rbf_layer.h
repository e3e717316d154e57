#pragma once
// The "RBF-ReLU" baseline's input layer, as the reference's RBFLayer: 1024 Gaussian bumps with
// trainable centres c_k ~ U(-1,1)^d and scales sigma_k = 10, phi_k(x) = exp(-(sigma_k * |x - c_k|^2)^2)
// (the squared distance is scaled, then squared again, exactly as the reference computes it).
#include <torch/torch.h>

#include <optional>

namespace siren {

constexpr int kRbfCentres = 1024;  // the reference's rbf_centers default

class RbfLayerImpl : public torch::nn::Module {
 public:
  // The centres are drawn from `generator` (LibTorch's default one when none is given).
  RbfLayerImpl(int in_features, int centres, std::optional<at::Generator> generator = std::nullopt);
  torch::Tensor forward(const torch::Tensor& coords);
  int out_features() const { return static_cast<int>(centres_.size(0)); }

 private:
  torch::Tensor centres_;  // (centres, in_features)
  torch::Tensor sigmas_;   // (centres)
};
TORCH_MODULE(RbfLayer);

}  // namespace siren
