#include "siren/optim/capturable_adam.h"

#include <stdexcept>

namespace siren::optim {
namespace {

using torch::optim::Adam;
using torch::optim::AdamOptions;
using torch::optim::AdamParamState;

AdamParamState& state_of(Adam& adam, const torch::Tensor& parameter) {
  auto& states = adam.state();
  const auto key = parameter.unsafeGetTensorImpl();
  auto found = states.find(key);
  if (found == states.end()) {
    auto fresh = std::make_unique<AdamParamState>();
    fresh->step(0);
    fresh->exp_avg(torch::zeros_like(parameter, torch::MemoryFormat::Preserve));
    fresh->exp_avg_sq(torch::zeros_like(parameter, torch::MemoryFormat::Preserve));
    found = states.emplace(key, std::move(fresh)).first;
  }
  return static_cast<AdamParamState&>(*found->second);
}

std::vector<torch::Tensor>& parameters_of(Adam& adam) { return adam.param_groups().front().params(); }

const AdamOptions& options_of(Adam& adam) {
  return static_cast<const AdamOptions&>(adam.param_groups().front().options());
}

}  // namespace

std::string CapturableAdam::unsupported_reason(const Adam& adam) {
  if (adam.param_groups().size() != 1) return "more than one parameter group";
  const auto& options = static_cast<const AdamOptions&>(adam.param_groups().front().options());
  if (options.amsgrad()) return "AMSGrad";
  return "";
}

CapturableAdam::CapturableAdam(Adam& adam) : adam_(adam) {
  if (const std::string reason = unsupported_reason(adam); !reason.empty())
    throw std::invalid_argument("CapturableAdam does not implement " + reason);
  const auto& parameters = parameters_of(adam_);
  if (parameters.empty()) throw std::invalid_argument("CapturableAdam: no parameters");
  for (const auto& p : parameters) state_of(adam_, p);
  step_ = torch::zeros({}, parameters.front().options().dtype(torch::kFloat64));
  load_step_count();
}

void CapturableAdam::load_step_count() {
  step_.fill_(static_cast<double>(state_of(adam_, parameters_of(adam_).front()).step()));
}

void CapturableAdam::count_replayed_step() {
  for (const auto& p : parameters_of(adam_)) {
    AdamParamState& state = state_of(adam_, p);
    state.step(state.step() + 1);
  }
}

// The arithmetic of torch::optim::Adam::step (LibTorch 2.x), term for term, with the bias corrections and
// the step size as device scalars; they are float64 like torch's host doubles and enter the float32
// operations as 0-dim tensors, which do not change the result's dtype.
void CapturableAdam::step() {
  torch::NoGradGuard no_grad;
  const AdamOptions& options = options_of(adam_);
  const double beta1 = std::get<0>(options.betas()), beta2 = std::get<1>(options.betas());
  step_.add_(1);
  const torch::Tensor bias_correction1 = 1 - torch::pow(beta1, step_);
  const torch::Tensor bias_correction2_sqrt = (1 - torch::pow(beta2, step_)).sqrt();
  const torch::Tensor negative_step_size = -options.lr() / bias_correction1;
  for (const auto& p : parameters_of(adam_)) {
    if (!p.grad().defined()) continue;
    torch::Tensor grad = p.grad();
    if (options.weight_decay() != 0) grad = grad.add(p, options.weight_decay());
    AdamParamState& state = state_of(adam_, p);
    state.exp_avg().mul_(beta1).add_(grad, 1 - beta1);
    state.exp_avg_sq().mul_(beta2).addcmul_(grad, grad, 1 - beta2);
    const torch::Tensor denominator = (state.exp_avg_sq().sqrt() / bias_correction2_sqrt).add_(options.eps());
    p.add_(state.exp_avg() / denominator * negative_step_size);
  }
}

}  // namespace siren::optim
