#pragma once
// A field's values together with its derivatives w.r.t. the input coordinates, as the PDE losses use
// them: the Jacobian and the diagonal of each output's Hessian (d²y_c/dx_d², enough for Laplacians).
// Two ways to get them, equal up to float rounding (tests/unit/field_derivatives_test.cpp):
// - autograd on the network's output (operators.h): one backward pass per output channel, and per
//   channel and coordinate for second derivatives, each kept for the training backward;
// - carried forward through a SIREN's layers in closed form (sine_derivatives.h): sin' = cos,
//   sin'' = -sin, a few extra products per layer whatever the number of channels.
#include <torch/torch.h>

namespace siren {

// First: the Jacobian. Second: the Jacobian and each coordinate's second derivative. Laplacian: the
// Jacobian and only their sum, which a SIREN carries as one stream (a product per layer for all the
// coordinates together, where Second takes one per coordinate): losses that use the Laplacian alone.
enum class DerivativeOrder { None, First, Second, Laplacian };

struct FieldDerivatives {
  torch::Tensor value;     // (N, C)
  torch::Tensor jacobian;  // (N, C, D): dy_c/dx_d; defined from DerivativeOrder::First
  torch::Tensor second;    // (N, C, D): d²y_c/dx_d²; defined for DerivativeOrder::Second
  torch::Tensor laplacian_of_all;  // (N, C): sum_d d²y_c/dx_d²; defined for DerivativeOrder::Laplacian

  // Channels [start, start + count) of every tensor it holds.
  FieldDerivatives channels(int64_t start, int64_t count) const;
  // sum_d d²y_c/dx_d² over the coordinates [first_dim, D): (N, C). (Wave: the spatial Laplacian skips t.)
  // From DerivativeOrder::Laplacian only over all coordinates (first_dim 0).
  torch::Tensor laplacian(int64_t first_dim = 0) const;
};

// By autograd (create_graph: losses on them train): `value` is the network's output on `coords`, which
// must require grad.
FieldDerivatives derivatives_by_autograd(const torch::Tensor& value, const torch::Tensor& coords,
                                         DerivativeOrder order);

}  // namespace siren
