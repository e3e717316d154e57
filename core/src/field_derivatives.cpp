#include "siren/field_derivatives.h"

#include <vector>

#include "siren/operators.h"

namespace siren {

FieldDerivatives FieldDerivatives::channels(int64_t start, int64_t count) const {
  FieldDerivatives part;
  part.value = value.narrow(1, start, count);
  if (jacobian.defined()) part.jacobian = jacobian.narrow(1, start, count);
  if (second.defined()) part.second = second.narrow(1, start, count);
  if (laplacian_of_all.defined()) part.laplacian_of_all = laplacian_of_all.narrow(1, start, count);
  return part;
}

torch::Tensor FieldDerivatives::laplacian(int64_t first_dim) const {
  if (!second.defined() && laplacian_of_all.defined()) {
    TORCH_CHECK(first_dim == 0, "a Laplacian over some of the coordinates needs DerivativeOrder::Second");
    return laplacian_of_all;
  }
  TORCH_CHECK(second.defined(), "laplacian needs second derivatives (DerivativeOrder::Second or Laplacian)");
  return second.narrow(2, first_dim, second.size(2) - first_dim).sum(2);
}

FieldDerivatives derivatives_by_autograd(const torch::Tensor& value, const torch::Tensor& coords,
                                         DerivativeOrder order) {
  FieldDerivatives field;
  field.value = value;
  if (order == DerivativeOrder::None) return field;
  field.jacobian = jacobian(value, coords);
  if (order == DerivativeOrder::First) return field;
  // Autograd has no cheaper route to the sum: one pass per coordinate either way (the reference's).
  std::vector<torch::Tensor> diagonal;
  for (int64_t d = 0; d < coords.size(1); ++d)
    diagonal.push_back(jacobian(field.jacobian.select(2, d), coords).select(2, d));
  if (order == DerivativeOrder::Laplacian) {
    field.laplacian_of_all = torch::stack(diagonal, 2).sum(2);
  } else {
    field.second = torch::stack(diagonal, 2);
  }
  return field;
}

}  // namespace siren
