#include "siren/rbf_layer.h"

namespace siren {

RbfLayerImpl::RbfLayerImpl(int in_features, int centres, std::optional<at::Generator> generator) {
  centres_ = register_parameter("centres", torch::empty({centres, in_features}).uniform_(-1.0, 1.0, generator));
  sigmas_ = register_parameter("sigmas", torch::full({centres}, 10.0));
}

torch::Tensor RbfLayerImpl::forward(const torch::Tensor& coords) {
  // |x - c|^2 expanded as |x|^2 - 2 x.c + |c|^2: the reference's broadcast difference would hold a
  // (points, 1024, d) tensor, 0.5 GB for a 256^2 image.
  const torch::Tensor squared = (coords.pow(2).sum(-1, true) - 2.0 * coords.matmul(centres_.t()) +
                                 centres_.pow(2).sum(-1).unsqueeze(0))
                                    .clamp_min(0.0);
  return torch::exp(-(squared * sigmas_.unsqueeze(0)).pow(2));
}

}  // namespace siren
