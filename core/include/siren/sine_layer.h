#pragma once
// The fused sine layer: sin(ω0·(x Wᵀ + b)) as one autograd node instead of four (linear, scale, sin
// and the cos its backward needs). The forward pass folds ω0 into the GEMM (one addmm) and computes
// sin and ω0·cos in one elementwise pass (kernels/sine_cosine.h); the backward pass is one elementwise
// product and the weight/input GEMMs. Same function as the reference's layer up to float rounding
// (ω0·x·Wᵀ + ω0·b is summed in another order than ω0·(x·Wᵀ + b)).
//
// First-order only: its backward is not itself differentiable, so it must not be used where a loss
// differentiates the output with respect to the input (Poisson, SDF, PDEs). FieldNetwork only uses it
// when the coordinates do not require grad; the backward refuses to run under create_graph.
#include <torch/torch.h>

namespace siren {

// x (N, in), weight (out, in), bias (out) -> (N, out).
torch::Tensor fused_sine_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                double omega0);

// K independent layers in one call (packed fits, packed_sirens.h): x (K, N, in), weight (K, out, in),
// bias (K, out) -> (K, N, out), item k being fused_sine_linear(x[k], weight[k], bias[k], omega0). Batched
// GEMMs, one elementwise pass over all K.
torch::Tensor packed_fused_sine_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                       double omega0);

// The layers' elementwise pass on a scaled pre-activation z = ω0·(x Wᵀ + b): overwrites z with sin z and
// returns ω0·cos z (the backward pass's factor), in one pass where a kernel of ours runs (float32 on the
// CPU with SLEEF, on CUDA devices), two ATen kernels elsewhere (other dtypes, builds without them).
torch::Tensor sine_and_scaled_cosine_(torch::Tensor& z, double omega0);

}  // namespace siren
