#include "siren/sine.h"

#ifdef SIREN_HAVE_SLEEF
#include "siren/kernels/sine_cosine.h"
#endif

namespace siren {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

bool runs_on_sleef(const torch::Tensor& x) {
#ifdef SIREN_HAVE_SLEEF
  return x.device().is_cpu() && x.scalar_type() == torch::kFloat32;
#else
  return false;
#endif
}

#ifdef SIREN_HAVE_SLEEF
// out = kernel(x) into a fresh tensor: x is read, never copied or overwritten.
torch::Tensor apply_elementwise(void (*kernel)(const float*, float*, int64_t), const torch::Tensor& x) {
  const torch::Tensor in = x.detach().contiguous();
  torch::Tensor out = torch::empty_like(in);
  kernel(in.data_ptr<float>(), out.data_ptr<float>(), in.numel());
  return out;
}
#endif

// Only reached where runs_on_sleef() holds; without SLEEF, LibTorch's own.
torch::Tensor sleef_sin(const torch::Tensor& x) {
#ifdef SIREN_HAVE_SLEEF
  return apply_elementwise(kernels::sine, x);
#else
  return torch::sin(x.detach());
#endif
}

torch::Tensor sleef_cos(const torch::Tensor& x) {
#ifdef SIREN_HAVE_SLEEF
  return apply_elementwise(kernels::cosine, x);
#else
  return torch::cos(x.detach());
#endif
}

struct Sine : public torch::autograd::Function<Sine> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x) {
    ctx->save_for_backward({x});
    return sleef_sin(x);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad) {
    return {grad[0] * cosine(ctx->get_saved_variables()[0])};
  }
};

struct Cosine : public torch::autograd::Function<Cosine> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x) {
    ctx->save_for_backward({x});
    return sleef_cos(x);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad) {
    return {-grad[0] * sine(ctx->get_saved_variables()[0])};
  }
};

}  // namespace

torch::Tensor sine(const torch::Tensor& x) { return runs_on_sleef(x) ? Sine::apply(x) : torch::sin(x); }

torch::Tensor cosine(const torch::Tensor& x) { return runs_on_sleef(x) ? Cosine::apply(x) : torch::cos(x); }

}  // namespace siren
