#pragma once
// K SIRENs of one architecture held as stacked tensors, so that one training step updates all of them with
// batched GEMMs (packed fits, packed_fit.h). Member k is exactly the network it was made from: its own
// weights, its own outputs; nothing is shared but the tensors' storage.
#include <torch/torch.h>

#include <vector>

#include "siren/network.h"

namespace siren {

class PackedSirens {
 public:
  // Stacks the weights of plain SIRENs (Activation::Sine) of one spec. The stacked tensors are leaves that
  // require grad, in the order of FieldNetwork::parameters(): weight then bias of each layer.
  explicit PackedSirens(const std::vector<FieldNetwork>& networks);

  // coords (K, N, in) -> (K, N, out): member k's network on coords[k].
  torch::Tensor forward(const torch::Tensor& coords) const;
  // Members [first, first + count) only: coords (count, N, in). `views` receives the slices of the stacked
  // parameters it used (parameters() order), to differentiate with respect to.
  torch::Tensor forward(const torch::Tensor& coords, int64_t first, int64_t count,
                        std::vector<torch::Tensor>& views) const;

  int64_t size() const { return weights_.front().size(0); }
  const ModelSpec& spec() const { return spec_; }
  std::vector<torch::Tensor> parameters() const;
  // Copies member k's weights into `network` (same spec).
  void copy_member_to(int64_t k, FieldNetwork& network) const;
  // Keeps the members at `indices` (int64, in that order) as new leaves.
  void keep(const torch::Tensor& indices);

 private:
  ModelSpec spec_;
  std::vector<torch::Tensor> weights_;  // layer i: (K, out, in)
  std::vector<torch::Tensor> biases_;   // layer i: (K, out)
};

}  // namespace siren
