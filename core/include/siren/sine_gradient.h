#pragma once
// A one-output SIREN's value and input gradient as one autograd node with its backward pass written
// out (the SDF losses' eikonal and normal terms, Poisson from gradients). Reverse over reverse, as
// autograd's double backward, but without its graph: with z_i = ω_i(W_i a_i + b_i), a_{i+1} = sin z_i
// and y = w a_L + b, the gradient runs down the layers as
//   u_i = ω_i cos z_i ⊙ p_i,   p_{i-1} = u_i W_i,   p_{L-1} = w,   ∇y = p_{-1},
// and the backward pass runs up that chain (adjoint q of p: ū_i = q W_iᵀ, W̄_i += u_iᵀ q, q ← ω_i cos z_i ⊙ ū_i,
// and z_i's share -ω_i² sin z_i ⊙ p_i ⊙ ū_i), then down the value chain as a plain backward pass. Six
// products of a hidden layer's size per layer, as autograd, against twelve for forward-mode tangents of
// three coordinates (sine_derivatives.h); and a handful of elementwise passes where autograd's graph
// makes a few dozen, each over an (N, width) tensor. Equal to autograd's to float rounding
// (tests/unit/field_derivatives_test.cpp: values, gradients and weight gradients).
#include <torch/torch.h>

#include <vector>

#include "siren/field_derivatives.h"

namespace siren {

// Whether sine_network_gradient computes this: one output channel, float32 coordinates, no autocast
// (its products run in the layers' float32; under autocast the autograd route keeps bf16 products).
bool sine_network_gradient_applies(const std::vector<torch::nn::Linear>& layers, const torch::Tensor& coords);

// value (N, 1) and jacobian (N, 1, D), differentiable w.r.t. every layer's weight and bias (and coords, where
// they require grad) by first-order autograd. layers: as sine_network_derivatives (sine_derivatives.h).
FieldDerivatives sine_network_gradient(const std::vector<torch::nn::Linear>& layers, double first_omega0,
                                       double hidden_omega0, const torch::Tensor& coords);

}  // namespace siren
