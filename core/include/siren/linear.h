#pragma once
// The network's matrix products. On CPU float32 they run BLIS's GEMM when it is enabled (blas/blis.h:
// faster than the wheel's MKL on AMD CPUs), elsewhere (CUDA, other dtypes, SIREN_CPU_GEMM=torch)
// LibTorch's own. affine() and matrix_product() are differentiable to any order: their backward passes
// are made of the same differentiable ops, so gradient and Laplacian losses (create_graph) use them too.
#include <torch/torch.h>

namespace siren {

// a (m, k) · b (k, n).
torch::Tensor matrix_product(const torch::Tensor& a, const torch::Tensor& b);
// x (N, in) · weightᵀ + bias, weight (out, in), bias (out): torch::nn::Linear's function.
torch::Tensor affine(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);
// beta·bias + alpha·(x · weightᵀ), outside autograd (a fused layer's own forward pass).
torch::Tensor addmm_no_grad(const torch::Tensor& bias, const torch::Tensor& x, const torch::Tensor& weight,
                            double beta, double alpha);

}  // namespace siren
