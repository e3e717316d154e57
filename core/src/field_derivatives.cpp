#include "siren/field_derivatives.h"

#include <vector>

#include "siren/operators.h"

namespace siren {

FieldDerivatives FieldDerivatives::channels(int64_t start, int64_t count) const {
  FieldDerivatives part;
  part.value = value.narrow(1, start, count);
  if (jacobian.defined()) part.jacobian = jacobian.narrow(1, start, count);
  if (second.defined()) part.second = second.narrow(1, start, count);
  return part;
}

torch::Tensor FieldDerivatives::laplacian(int64_t first_dim) const {
  TORCH_CHECK(second.defined(), "laplacian needs second derivatives (DerivativeOrder::Second)");
  return second.narrow(2, first_dim, second.size(2) - first_dim).sum(2);
}

FieldDerivatives derivatives_by_autograd(const torch::Tensor& value, const torch::Tensor& coords,
                                         DerivativeOrder order) {
  FieldDerivatives field;
  field.value = value;
  if (order == DerivativeOrder::None) return field;
  field.jacobian = jacobian(value, coords);
  if (order == DerivativeOrder::Second) {
    std::vector<torch::Tensor> diagonal;
    for (int64_t d = 0; d < coords.size(1); ++d)
      diagonal.push_back(jacobian(field.jacobian.select(2, d), coords).select(2, d));
    field.second = torch::stack(diagonal, 2);
  }
  return field;
}

}  // namespace siren
