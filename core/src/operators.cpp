#include "siren/operators.h"

#include <vector>

namespace siren {
namespace {

torch::Tensor grad_of_sum(const torch::Tensor& y, const torch::Tensor& x) {
  TORCH_CHECK(x.requires_grad(), "differential operators need coordinates that require grad");
  if (!y.requires_grad()) return torch::zeros_like(x);  // y does not depend on anything trainable
  auto grads = torch::autograd::grad({y}, {x}, {torch::ones_like(y)}, /*retain_graph=*/true,
                                     /*create_graph=*/true, /*allow_unused=*/true);
  // A field that does not depend on x (e.g. a constant) has zero derivative, not an undefined one.
  return grads[0].defined() ? grads[0] : torch::zeros_like(x);
}

}  // namespace

torch::Tensor gradient(const torch::Tensor& y, const torch::Tensor& x) { return grad_of_sum(y, x); }

torch::Tensor divergence(const torch::Tensor& y, const torch::Tensor& x) {
  torch::Tensor div = torch::zeros({y.size(0), 1}, y.options());
  for (int64_t i = 0; i < y.size(-1); ++i) div = div + grad_of_sum(y.select(-1, i), x).narrow(-1, i, 1);
  return div;
}

torch::Tensor laplacian(const torch::Tensor& y, const torch::Tensor& x) { return divergence(gradient(y, x), x); }

torch::Tensor jacobian(const torch::Tensor& y, const torch::Tensor& x) {
  std::vector<torch::Tensor> rows;
  for (int64_t c = 0; c < y.size(-1); ++c) rows.push_back(grad_of_sum(y.select(-1, c), x));
  return torch::stack(rows, 1);
}

}  // namespace siren
