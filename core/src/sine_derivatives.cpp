#include "siren/sine_derivatives.h"

#include "siren/linear.h"
#include "siren/sine.h"

namespace siren {
namespace {

// (D, N, in) stacked per-coordinate derivatives times Wᵀ -> (D, N, out), as one matrix product.
torch::Tensor times_transposed(const torch::Tensor& stacked, const torch::Tensor& weight) {
  const torch::Tensor flat = matrix_product(stacked.reshape({-1, stacked.size(2)}), weight.t());
  return flat.reshape({stacked.size(0), stacked.size(1), weight.size(0)});
}

// (D, N, C) -> (N, C, D), FieldDerivatives' layout.
torch::Tensor points_first(const torch::Tensor& stacked) { return stacked.permute({1, 2, 0}); }

}  // namespace

FieldDerivatives sine_network_derivatives(const std::vector<torch::nn::Linear>& layers, double first_omega0,
                                          double hidden_omega0, const torch::Tensor& coords, DerivativeOrder order) {
  TORCH_CHECK(layers.size() >= 2, "a SIREN has at least one sine layer and the output layer");
  const bool first = order != DerivativeOrder::None;
  const bool second = order == DerivativeOrder::Second;
  const bool summed = order == DerivativeOrder::Laplacian;
  torch::Tensor h = coords;
  torch::Tensor dh, d2h;  // (D, N, width): dh/dx_d and d²h/dx_d² for each coordinate d
  torch::Tensor lap;      // (N, width): sum_d d²h/dx_d², for the Laplacian alone
  const size_t last = layers.size() - 1;
  for (size_t i = 0; i < last; ++i) {
    const double omega = i == 0 ? first_omega0 : hidden_omega0;
    const torch::Tensor& weight = layers[i]->weight;
    const torch::Tensor z = affine(h, weight, layers[i]->bias) * omega;  // as FieldNetwork's unfused forward
    const torch::Tensor s = sine(z);
    if (first) {
      // The first layer: dx/dx_d = e_d, so dz/dx_d = ω W[:, d] at every point (D, 1, width), d²z = 0.
      const torch::Tensor dz = i == 0 ? (weight.t() * omega).unsqueeze(1) : times_transposed(dh, weight) * omega;
      const torch::Tensor c = cosine(z);
      if (second) {
        torch::Tensor next = -s * dz * dz;
        if (i > 0) next = next + c * (times_transposed(d2h, weight) * omega);  // d²z/dx_d² from the layer below
        d2h = next;
      }
      if (summed) {
        // The second-derivative recurrence is linear in d²h, so its sum over d carries as one stream.
        torch::Tensor next = -s * (dz * dz).sum(0);
        if (i > 0) next = next + c * (matrix_product(lap, weight.t()) * omega);
        lap = next;
      }
      dh = c * dz;
    }
    h = s;
  }
  FieldDerivatives field;
  field.value = affine(h, layers[last]->weight, layers[last]->bias);
  if (first) field.jacobian = points_first(times_transposed(dh, layers[last]->weight));
  if (second) field.second = points_first(times_transposed(d2h, layers[last]->weight));
  if (summed) field.laplacian_of_all = matrix_product(lap, layers[last]->weight.t());
  return field;
}

}  // namespace siren
