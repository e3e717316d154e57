#pragma once
// The network's matrix products. On CPU float32 they run BLIS's GEMM when it is enabled (blas/blis.h:
// faster than the wheel's MKL on AMD CPUs), elsewhere (CUDA, other dtypes, Intel CPUs, SIREN_CPU_GEMM=torch)
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

// The same for K independent products at once (packed fits, packed_sirens.h), on BLIS the K products
// split between threads with each on one thread (small products gain nothing from more), elsewhere
// torch::bmm. First-order differentiable only.
// a (K, m, k) · b (K, k, n).
torch::Tensor batched_matrix_product(const torch::Tensor& a, const torch::Tensor& b);
// x (K, N, in) · weight[k]ᵀ + bias[k], weight (K, out, in), bias (K, out).
torch::Tensor batched_affine(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);
// beta·bias[k] + alpha·(x[k] · weight[k]ᵀ), outside autograd.
torch::Tensor batched_addmm_no_grad(const torch::Tensor& bias, const torch::Tensor& x, const torch::Tensor& weight,
                                    double beta, double alpha);

}  // namespace siren
