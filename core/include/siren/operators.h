#pragma once
// Differential operators on the network's input coordinates, built on autograd with create_graph so
// losses on them can be trained through (double/triple backward), as the reference's diff_operators.py.
// Shapes: y (N, C), x (N, D) with x the tensor the network was evaluated on (requires_grad).
#include <torch/torch.h>

namespace siren {

// d(sum_c y_c)/dx -> (N, D). For one-channel y this is the gradient.
torch::Tensor gradient(const torch::Tensor& y, const torch::Tensor& x);
// sum_i d y_i / d x_i for a vector field y (N, D) -> (N, 1).
torch::Tensor divergence(const torch::Tensor& y, const torch::Tensor& x);
// divergence(gradient(y)) -> (N, 1).
torch::Tensor laplacian(const torch::Tensor& y, const torch::Tensor& x);
// dy_c/dx_d -> (N, C, D).
torch::Tensor jacobian(const torch::Tensor& y, const torch::Tensor& x);

}  // namespace siren
