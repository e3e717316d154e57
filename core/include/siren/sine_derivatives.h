#pragma once
// A SIREN's derivatives w.r.t. its input carried forward layer by layer in closed form. With
// z = ω(Wh + b) and h' = sin z:
//   dh'/dx_d   = cos z · dz/dx_d,                     dz/dx_d = ω W dh/dx_d
//   d²h'/dx_d² = -sin z · (dz/dx_d)² + cos z · d²z/dx_d²,   d²z/dx_d² = ω W d²h/dx_d²
// starting from dh/dx_d = e_d (the first layer's dz/dx_d is ω W[:, d] at every point, its second
// derivative 0) and ending with the linear output layer. One forward pass gives every channel's
// gradient and Hessian diagonal for 2D+1 products per layer (first order: D+1), where autograd needs a
// backward pass per channel and another per channel and coordinate, all kept for the training backward:
// the 10 wavefields of a 5-source Helmholtz inversion go from about 30 such passes to one. Training
// differentiates these tensors with ordinary first-order autograd. The recurrence is linear in d²h, so
// a loss on the Laplacian alone (DerivativeOrder::Laplacian) carries sum_d d²h/dx_d² as one stream:
// D+2 products per layer instead of 2D+1.
#include <torch/torch.h>

#include <vector>

#include "siren/field_derivatives.h"

namespace siren {

// layers: the network's linear layers, all but the last followed by sin(omega (.)) (omega0 of the
// first, hidden_omega0 of the rest). coords (N, D).
FieldDerivatives sine_network_derivatives(const std::vector<torch::nn::Linear>& layers, double first_omega0,
                                          double hidden_omega0, const torch::Tensor& coords, DerivativeOrder order);

}  // namespace siren
