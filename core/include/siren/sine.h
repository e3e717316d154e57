#pragma once
// sin and cos as differentiable ops (to any order: sin' = cos, cos' = -sin, each made of the other), for
// the autograd sine layers that gradient and Laplacian losses differentiate through. On the CPU in
// float32 they run SLEEF's 1-ULP kernels (kernels/sine_cosine.h); ATen's own CPU sine in the PyTorch
// wheel is MKL VML's, which takes its slow generic path on AMD CPUs. Elsewhere: torch::sin / torch::cos.
#include <torch/torch.h>

namespace siren {

torch::Tensor sine(const torch::Tensor& x);
torch::Tensor cosine(const torch::Tensor& x);

}  // namespace siren
