#include "siren/packed_sirens.h"

#include "siren/linear.h"
#include "siren/sine_layer.h"

namespace siren {

PackedSirens::PackedSirens(const std::vector<FieldNetwork>& given) {
  std::vector<FieldNetwork> networks = given;  // holders of the same modules: layers() is not const
  if (networks.empty()) throw std::invalid_argument("PackedSirens: no networks");
  spec_ = networks.front()->spec();
  if (spec_.activation != Activation::Sine) throw std::invalid_argument("PackedSirens: plain SIRENs only");
  const size_t depth = networks.front()->layers().size();
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < depth; ++i) {
    std::vector<torch::Tensor> w, b;
    for (FieldNetwork& network : networks) {
      auto& layers = network->layers();
      w.push_back(layers[i]->weight);
      b.push_back(layers[i]->bias);
    }
    weights_.push_back(torch::stack(w).requires_grad_(true));
    biases_.push_back(torch::stack(b).requires_grad_(true));
  }
}

namespace {

torch::Tensor packed_forward(const ModelSpec& spec, const torch::Tensor& coords, const std::vector<torch::Tensor>& params) {
  torch::Tensor h = coords;
  const size_t last = params.size() / 2 - 1;
  for (size_t i = 0; i < last; ++i)
    h = packed_fused_sine_linear(h, params[2 * i], params[2 * i + 1], i == 0 ? spec.first_omega0 : spec.hidden_omega0);
  return batched_affine(h, params[2 * last], params[2 * last + 1]);
}

}  // namespace

torch::Tensor PackedSirens::forward(const torch::Tensor& coords) const {
  return packed_forward(spec_, coords, parameters());
}

torch::Tensor PackedSirens::forward(const torch::Tensor& coords, int64_t first, int64_t count,
                                    std::vector<torch::Tensor>& views) const {
  views.clear();
  for (const torch::Tensor& p : parameters()) views.push_back(p.narrow(0, first, count));
  return packed_forward(spec_, coords, views);
}

std::vector<torch::Tensor> PackedSirens::parameters() const {
  std::vector<torch::Tensor> out;
  for (size_t i = 0; i < weights_.size(); ++i) {
    out.push_back(weights_[i]);
    out.push_back(biases_[i]);
  }
  return out;
}

void PackedSirens::copy_member_to(int64_t k, FieldNetwork& network) const {
  torch::NoGradGuard no_grad;
  auto& layers = network->layers();
  for (size_t i = 0; i < weights_.size(); ++i) {
    layers[i]->weight.copy_(weights_[i][k]);
    layers[i]->bias.copy_(biases_[i][k]);
  }
}

void PackedSirens::keep(const torch::Tensor& indices) {
  torch::NoGradGuard no_grad;
  for (auto* tensors : {&weights_, &biases_})
    for (torch::Tensor& t : *tensors) t = t.index_select(0, indices).requires_grad_(true);
}

}  // namespace siren
