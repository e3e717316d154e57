#include "siren/linear.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>

#include "siren/blas/blis.h"

namespace siren {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

bool runs_on_blis(const torch::Tensor& a, const torch::Tensor& b) {
  return blas::blis_enabled() && a.device().is_cpu() && b.device().is_cpu() && a.scalar_type() == torch::kFloat32 &&
         b.scalar_type() == torch::kFloat32 && a.dim() == 2 && b.dim() == 2 && a.numel() > 0 && b.numel() > 0;
}

// A matrix BLIS can read in place: row- or column-major with a leading dimension that covers the other
// extent (zero strides of expanded tensors and other overlapping layouts are copied first).
torch::Tensor blis_operand(const torch::Tensor& t) {
  const bool row_major = t.stride(1) == 1 && t.stride(0) >= std::max<int64_t>(1, t.size(1));
  const bool column_major = t.stride(0) == 1 && t.stride(1) >= std::max<int64_t>(1, t.size(0));
  return row_major || column_major ? t : t.contiguous();
}

// c <- alpha·a·b + beta·c; c is a fresh contiguous (m, n) tensor. (Asking BLIS for the transpose
// instead, cᵀ = bᵀ·aᵀ, was measured slower here: image step 4.9 s against 4.4 s.)
void blis_gemm(const torch::Tensor& a_in, const torch::Tensor& b_in, torch::Tensor& c, float alpha, float beta) {
  const torch::Tensor a = blis_operand(a_in), b = blis_operand(b_in);
  blas::sgemm(a.size(0), b.size(1), a.size(1), alpha, a.data_ptr<float>(), a.stride(0), a.stride(1),
              b.data_ptr<float>(), b.stride(0), b.stride(1), beta, c.data_ptr<float>(), c.stride(0), c.stride(1));
}

// Every row of the contiguous (m, n) tensor c set to bias (n), rows in parallel (ATen's broadcast copy
// runs on one thread).
void fill_rows(torch::Tensor& c, const torch::Tensor& bias) {
  const torch::Tensor row = bias.contiguous();
  const float* source = row.data_ptr<float>();
  float* out = c.data_ptr<float>();
  const int64_t n = c.size(1);
  at::parallel_for(0, c.size(0), /*grain_size=*/2048, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) std::memcpy(out + r * n, source, sizeof(float) * n);
  });
}

struct BlisMm : public torch::autograd::Function<BlisMm> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& a, const torch::Tensor& b) {
    ctx->save_for_backward({a, b});
    torch::Tensor c = torch::empty({a.size(0), b.size(1)}, a.options());
    blis_gemm(a, b, c, 1.0f, 0.0f);
    return c;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad) {
    const auto saved = ctx->get_saved_variables();
    torch::Tensor grad_a, grad_b;
    if (ctx->needs_input_grad(0)) grad_a = matrix_product(grad[0], saved[1].t());
    if (ctx->needs_input_grad(1)) grad_b = matrix_product(saved[0].t(), grad[0]);
    return {grad_a, grad_b};
  }
};

struct BlisLinear : public torch::autograd::Function<BlisLinear> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                               const torch::Tensor& bias) {
    ctx->save_for_backward({x, weight});
    return addmm_no_grad(bias, x, weight, 1.0, 1.0);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad) {
    const auto saved = ctx->get_saved_variables();
    torch::Tensor grad_x, grad_weight, grad_bias;
    if (ctx->needs_input_grad(0)) grad_x = matrix_product(grad[0], saved[1]);
    if (ctx->needs_input_grad(1)) grad_weight = matrix_product(grad[0].t(), saved[0]);
    if (ctx->needs_input_grad(2)) grad_bias = grad[0].sum(0);
    return {grad_x, grad_weight, grad_bias};
  }
};

bool runs_batched_on_blis(const torch::Tensor& a, const torch::Tensor& b) {
  return blas::blis_enabled() && a.device().is_cpu() && b.device().is_cpu() && a.scalar_type() == torch::kFloat32 &&
         b.scalar_type() == torch::kFloat32 && a.dim() == 3 && b.dim() == 3 && a.numel() > 0 && b.numel() > 0;
}

// blis_operand for every item of a (K, rows, cols) tensor.
torch::Tensor batched_blis_operand(const torch::Tensor& t) {
  const bool row_major = t.stride(2) == 1 && t.stride(1) >= std::max<int64_t>(1, t.size(2));
  const bool column_major = t.stride(1) == 1 && t.stride(2) >= std::max<int64_t>(1, t.size(1));
  return row_major || column_major ? t : t.contiguous();
}

// c[i] <- alpha·a[i]·b[i] + beta·c[i] for every item; c a fresh contiguous (K, m, n) tensor. The items are
// split between the threads, each product on the thread that takes it.
void batched_blis_gemm(const torch::Tensor& a_in, const torch::Tensor& b_in, torch::Tensor& c, float alpha, float beta) {
  const torch::Tensor a = batched_blis_operand(a_in), b = batched_blis_operand(b_in);
  const float* a_data = a.data_ptr<float>();
  const float* b_data = b.data_ptr<float>();
  float* c_data = c.data_ptr<float>();
  const int64_t m = a.size(1), n = b.size(2), k = a.size(2);
  at::parallel_for(0, a.size(0), /*grain_size=*/1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i)
      blas::sgemm_on_this_thread(m, n, k, alpha, a_data + i * a.stride(0), a.stride(1), a.stride(2),
                                 b_data + i * b.stride(0), b.stride(1), b.stride(2), beta, c_data + i * c.stride(0),
                                 c.stride(1), c.stride(2));
  });
}

struct BatchedBlisMm : public torch::autograd::Function<BatchedBlisMm> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& a, const torch::Tensor& b) {
    ctx->save_for_backward({a, b});
    torch::Tensor c = torch::empty({a.size(0), a.size(1), b.size(2)}, a.options());
    batched_blis_gemm(a, b, c, 1.0f, 0.0f);
    return c;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad) {
    const auto saved = ctx->get_saved_variables();
    torch::Tensor grad_a, grad_b;
    if (ctx->needs_input_grad(0)) grad_a = batched_matrix_product(grad[0], saved[1].transpose(1, 2));
    if (ctx->needs_input_grad(1)) grad_b = batched_matrix_product(saved[0].transpose(1, 2), grad[0]);
    return {grad_a, grad_b};
  }
};

struct BatchedAffine : public torch::autograd::Function<BatchedAffine> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight,
                               const torch::Tensor& bias) {
    ctx->save_for_backward({x, weight});
    return batched_addmm_no_grad(bias, x, weight, 1.0, 1.0);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad) {
    const auto saved = ctx->get_saved_variables();
    torch::Tensor grad_x, grad_weight, grad_bias;
    if (ctx->needs_input_grad(0)) grad_x = batched_matrix_product(grad[0], saved[1]);
    if (ctx->needs_input_grad(1)) grad_weight = batched_matrix_product(grad[0].transpose(1, 2), saved[0]);
    if (ctx->needs_input_grad(2)) grad_bias = grad[0].sum(1);
    return {grad_x, grad_weight, grad_bias};
  }
};

}  // namespace

torch::Tensor batched_matrix_product(const torch::Tensor& a, const torch::Tensor& b) {
  if (!runs_batched_on_blis(a, b)) return torch::bmm(a, b);
  return BatchedBlisMm::apply(a, b);
}

torch::Tensor batched_affine(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  if (!runs_batched_on_blis(x, weight)) return torch::baddbmm(bias.unsqueeze(1), x, weight.transpose(1, 2));
  return BatchedAffine::apply(x, weight, bias);
}

torch::Tensor batched_addmm_no_grad(const torch::Tensor& bias, const torch::Tensor& x, const torch::Tensor& weight,
                                    double beta, double alpha) {
  torch::NoGradGuard no_grad;
  if (!runs_batched_on_blis(x, weight))
    return torch::baddbmm(bias.unsqueeze(1), x, weight.transpose(1, 2), beta, alpha);
  torch::Tensor c = torch::empty({x.size(0), x.size(1), weight.size(1)}, x.options());
  c.copy_(bias.unsqueeze(1).expand_as(c));
  batched_blis_gemm(x, weight.transpose(1, 2), c, static_cast<float>(alpha), static_cast<float>(beta));
  return c;
}

torch::Tensor matrix_product(const torch::Tensor& a, const torch::Tensor& b) {
  if (!runs_on_blis(a, b)) return torch::mm(a, b);
  return BlisMm::apply(a, b);
}

torch::Tensor affine(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  if (!runs_on_blis(x, weight) || !bias.defined()) return torch::nn::functional::linear(x, weight, bias);
  return BlisLinear::apply(x, weight, bias);
}

torch::Tensor addmm_no_grad(const torch::Tensor& bias, const torch::Tensor& x, const torch::Tensor& weight,
                            double beta, double alpha) {
  torch::NoGradGuard no_grad;
  if (!runs_on_blis(x, weight)) return torch::addmm(bias, x, weight.t(), beta, alpha);
  torch::Tensor c = torch::empty({x.size(0), weight.size(0)}, x.options());
  fill_rows(c, bias);
  blis_gemm(x, weight.t(), c, static_cast<float>(alpha), static_cast<float>(beta));
  return c;
}

}  // namespace siren
