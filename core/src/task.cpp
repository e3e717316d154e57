#include "siren/task.h"

#include <stdexcept>

namespace siren {

LossTerms Task::losses(const torch::Tensor& coords, const torch::Tensor& output, const Batch& batch) const {
  if (coordinate_derivatives() == DerivativeOrder::None)
    throw std::logic_error("the " + kind() + " task implements no losses");
  return losses_on_field(coords, derivatives_by_autograd(output, coords, coordinate_derivatives()), batch);
}

LossTerms Task::losses_on_field(const torch::Tensor& /*coords*/, const FieldDerivatives& /*field*/,
                                const Batch& /*batch*/) const {
  throw std::logic_error("the " + kind() + " task names coordinate derivatives but implements no losses_on_field");
}

}  // namespace siren
