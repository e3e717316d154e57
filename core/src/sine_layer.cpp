#include "siren/sine_layer.h"

#include "siren/linear.h"

#ifdef SIREN_HAVE_SLEEF
#include "siren/kernels/sine_cosine.h"
#endif
#ifdef SIREN_HAVE_CUDA_KERNELS
#include <c10/cuda/CUDAStream.h>

#include "siren/kernels/sine_cosine_cuda.h"
#endif

namespace siren {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

struct FusedSineLinear : public torch::autograd::Function<FusedSineLinear> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                               const torch::Tensor& bias, double omega0) {
    // z = ω0·b + ω0·(x Wᵀ) in one GEMM call.
    torch::Tensor z = addmm_no_grad(bias, x, weight, /*beta=*/omega0, /*alpha=*/omega0);
    torch::Tensor scaled_cosine = sine_and_scaled_cosine_(z, omega0);
    ctx->save_for_backward({x, weight, scaled_cosine});
    return z;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    TORCH_CHECK(!torch::GradMode::is_enabled(),
                "the fused sine layer has no second derivative; input derivatives (create_graph) need the "
                "autograd layers (FieldNetwork uses them whenever the coordinates require grad)");
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& x = saved[0];
    const torch::Tensor& weight = saved[1];
    const torch::Tensor& scaled_cosine = saved[2];
    // The backward's products run in the forward's dtype (bf16 under autocast, which the backward pass
    // does not see), each gradient returned in its input's dtype.
    const auto computed_in = scaled_cosine.scalar_type();
    // d loss / d pre-activation (before the ω0 scale): grad ⊙ ω0·cos(z).
    const torch::Tensor grad_pre = grad_outputs[0].to(computed_in) * scaled_cosine;
    torch::Tensor grad_x, grad_weight, grad_bias;
    if (ctx->needs_input_grad(0)) grad_x = matrix_product(grad_pre, weight.to(computed_in)).to(x.scalar_type());
    if (ctx->needs_input_grad(1))
      grad_weight = matrix_product(grad_pre.t(), x.to(computed_in)).to(weight.scalar_type());
    if (ctx->needs_input_grad(2)) grad_bias = grad_pre.sum(0).to(weight.scalar_type());
    return {grad_x, grad_weight, grad_bias, torch::Tensor()};
  }
};

// The same layer for K networks at once: batched GEMMs (bmm), the same elementwise pass.
struct PackedFusedSineLinear : public torch::autograd::Function<PackedFusedSineLinear> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                               const torch::Tensor& bias, double omega0) {
    torch::Tensor z = batched_addmm_no_grad(bias, x, weight, /*beta=*/omega0, /*alpha=*/omega0);
    torch::Tensor scaled_cosine = sine_and_scaled_cosine_(z, omega0);
    ctx->save_for_backward({x, weight, scaled_cosine});
    return z;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    TORCH_CHECK(!torch::GradMode::is_enabled(), "the packed sine layer has no second derivative");
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& x = saved[0];
    const torch::Tensor& weight = saved[1];
    const auto computed_in = saved[2].scalar_type();  // as FusedSineLinear's backward
    const torch::Tensor grad_pre = grad_outputs[0].to(computed_in) * saved[2];
    torch::Tensor grad_x, grad_weight, grad_bias;
    if (ctx->needs_input_grad(0))
      grad_x = batched_matrix_product(grad_pre, weight.to(computed_in)).to(x.scalar_type());
    if (ctx->needs_input_grad(1))
      grad_weight = batched_matrix_product(grad_pre.transpose(1, 2), x.to(computed_in)).to(weight.scalar_type());
    if (ctx->needs_input_grad(2)) grad_bias = grad_pre.sum(1).to(weight.scalar_type());
    return {grad_x, grad_weight, grad_bias, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor sine_and_scaled_cosine_(torch::Tensor& z, double omega0) {
#ifdef SIREN_HAVE_CUDA_KERNELS
  if (z.is_cuda() && z.scalar_type() == torch::kFloat32 && z.is_contiguous()) {
    torch::Tensor cosine = torch::empty_like(z);
    kernels::sine_cosine_inplace_cuda(z.data_ptr<float>(), cosine.data_ptr<float>(), z.numel(),
                                      static_cast<float>(omega0), c10::cuda::getCurrentCUDAStream(z.get_device()).stream());
    return cosine;
  }
#endif
#ifdef SIREN_HAVE_SLEEF
  if (z.device().is_cpu() && z.scalar_type() == torch::kFloat32 && z.is_contiguous()) {
    torch::Tensor cosine = torch::empty_like(z);
    kernels::sine_cosine_inplace(z.data_ptr<float>(), cosine.data_ptr<float>(), z.numel(), static_cast<float>(omega0));
    return cosine;
  }
#endif
  torch::Tensor cosine = torch::cos(z).mul_(omega0);
  z.sin_();
  return cosine;
}

torch::Tensor packed_fused_sine_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                       double omega0) {
  if (!torch::GradMode::is_enabled() || !(x.requires_grad() || weight.requires_grad() || bias.requires_grad())) {
    torch::Tensor z = batched_addmm_no_grad(bias, x, weight, omega0, omega0);
    return z.sin_();
  }
  return PackedFusedSineLinear::apply(x.contiguous(), weight, bias, omega0);
}

torch::Tensor fused_sine_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                double omega0) {
  if (!torch::GradMode::is_enabled() || !(x.requires_grad() || weight.requires_grad() || bias.requires_grad())) {
    // Inference (queries, renders, evaluation): the sine alone, no cosine to keep.
    torch::Tensor z = addmm_no_grad(bias, x, weight, omega0, omega0);
#ifdef SIREN_HAVE_SLEEF
    // SLEEF's 1-ULP sine, as the training pass; ATen's sin in the wheel is MKL VML's, slower on AMD CPUs.
    if (z.device().is_cpu() && z.scalar_type() == torch::kFloat32 && z.is_contiguous()) {
      kernels::sine_inplace(z.data_ptr<float>(), z.numel());
      return z;
    }
#endif
    return z.sin_();
  }
  return FusedSineLinear::apply(x, weight, bias, omega0);
}

}  // namespace siren
