#include "siren/network.h"

#include "siren/init.h"
#include "siren/linear.h"
#include "siren/sine.h"
#include "siren/sine_derivatives.h"
#include "siren/sine_gradient.h"
#include "siren/sine_layer.h"

namespace siren {

FieldNetworkImpl::FieldNetworkImpl(const ModelSpec& spec, std::optional<at::Generator> generator) : spec_(spec) {
  spec_.validate();
  int in = spec_.in_features;
  if (spec_.activation == Activation::ReluPe) {
    encoding_ = register_module("encoding", PositionalEncoding(in, std::max(spec_.pe_frequencies, 1)));
    in = encoding_->out_features();
  } else if (has_rbf_input(spec_.activation)) {
    rbf_ = register_module("rbf", RbfLayer(in, kRbfCentres, generator));
    in = rbf_->out_features();
  }
  const int depth = spec_.hidden_layers + 2;
  for (int i = 0; i < depth; ++i) {
    const int fan_in = i == 0 ? in : spec_.hidden_features;
    const int fan_out = i == depth - 1 ? spec_.out_features : spec_.hidden_features;
    // nn::Linear's own init gives the bias PyTorch's default U(+-1/sqrt(fan_in)), which the paper keeps.
    // It draws from the default generator and takes no other: with a generator of our own, that init is
    // drawn again from it, in the same order, and the default generator's numbers are thrown away.
    layers_.push_back(register_module("linear" + std::to_string(i), torch::nn::Linear(fan_in, fan_out)));
    if (generator) init_linear_default(layers_.back(), generator);
  }
  // In the reference's order (FCBlock: net.apply(init) over every layer, then the first-layer init
  // over layer 0), so that under the same seed the weights are the very numbers PyTorch draws: the
  // generator is LibTorch's, shared with Python's torch.
  for (int i = 0; i < depth; ++i) {
    if (is_sine(spec_.activation)) init_sine_layer(layers_[i], spec_.hidden_omega0, generator);
    else init_baseline_layer(layers_[i], spec_.activation, generator);
  }
  // After an RBF layer too: the reference's first-layer init, on 1024 inputs (U(+-1/1024)).
  if (is_sine(spec_.activation)) init_sine_first_layer(layers_[0], generator);
}

torch::Tensor FieldNetworkImpl::activate(const torch::Tensor& pre, size_t layer_index) const {
  switch (spec_.activation) {
    case Activation::Sine:
    case Activation::SineRbf: {
      // omega0 multiplies the whole pre-activation, bias included, as in the reference.
      const double omega0 = layer_index == 0 ? spec_.first_omega0 : spec_.hidden_omega0;
      return sine(pre * omega0);
    }
    case Activation::Relu:
    case Activation::ReluPe:
    case Activation::ReluRbf: return torch::relu(pre);
    case Activation::Tanh:
    case Activation::TanhRbf:
    case Activation::Pinn: return torch::tanh(pre);
    case Activation::Sigmoid: return torch::sigmoid(pre);
    case Activation::Softplus: return torch::softplus(pre);
    case Activation::Elu: return torch::elu(pre);
    case Activation::Selu: return torch::selu(pre);
  }
  return pre;
}

torch::Tensor FieldNetworkImpl::encode(const torch::Tensor& coords) {
  if (encoding_) return encoding_->forward(coords);
  if (rbf_) return rbf_->forward(coords);
  return coords;
}

torch::Tensor FieldNetworkImpl::forward(const torch::Tensor& coords) {
  torch::Tensor h = encode(coords);
  const size_t last = layers_.size() - 1;
  // The fused layers have no second derivative: only when nothing differentiates w.r.t. the coordinates.
  const bool fused = fused_sine_layers_ && is_sine(spec_.activation) && !coords.requires_grad();
  for (size_t i = 0; i < last; ++i) {
    if (fused) {
      h = fused_sine_linear(h, layers_[i]->weight, layers_[i]->bias, i == 0 ? spec_.first_omega0 : spec_.hidden_omega0);
    } else {
      h = activate(affine(h, layers_[i]->weight, layers_[i]->bias), i);
    }
  }
  return affine(h, layers_[last]->weight, layers_[last]->bias);
}

FieldDerivatives FieldNetworkImpl::forward_with_derivatives(const torch::Tensor& coords, DerivativeOrder order,
                                                           bool closed_form) {
  if (closed_form && has_closed_form_derivatives()) {
    // Products per hidden layer, backward pass included: forward-mode tangents (sine_derivatives.h) 3(D+1)
    // whatever the outputs; reverse over reverse 3 + 3C, as the one node of sine_gradient.h for C = 1 or
    // as autograd's graph. So a one-output gradient takes the node, and where it cannot (autocast) a
    // gradient of 3 or more coordinates (SDF) is cheaper by autograd than by tangents.
    if (order == DerivativeOrder::First && sine_network_gradient_applies(layers_, coords))
      return sine_network_gradient(layers_, spec_.first_omega0, spec_.hidden_omega0, coords);
    if (order != DerivativeOrder::First || coords.size(-1) < 3)
      return sine_network_derivatives(layers_, spec_.first_omega0, spec_.hidden_omega0, coords, order);
  }
  const torch::AutoGradMode differentiable(true);  // autograd derivatives even for an evaluation under no_grad
  const torch::Tensor x = coords.requires_grad() ? coords : coords.detach().requires_grad_(true);
  return derivatives_by_autograd(forward(x), x, order);
}

torch::Tensor FieldNetworkImpl::input_gradient(const torch::Tensor& coords) {
  if (has_closed_form_derivatives() && sine_network_gradient_applies(layers_, coords)) {
    const torch::NoGradGuard no_grad;
    return sine_network_gradient(layers_, spec_.first_omega0, spec_.hidden_omega0, coords).jacobian.select(1, 0);
  }
  const torch::AutoGradMode with_grad(true);
  const torch::Tensor x = coords.detach().clone().requires_grad_(true);
  const torch::Tensor y = forward(x);
  // A plain first-order backward: siren::gradient builds the double-backward graph training needs.
  const auto g = torch::autograd::grad({y}, {x}, {torch::ones_like(y)}, /*retain_graph=*/false,
                                       /*create_graph=*/false, /*allow_unused=*/true);
  return g[0].defined() ? g[0] : torch::zeros_like(x);
}

std::vector<torch::Tensor> FieldNetworkImpl::forward_with_activations(const torch::Tensor& coords) {
  std::vector<torch::Tensor> out;
  torch::Tensor h = encode(coords);
  out.push_back(h);
  const size_t last = layers_.size() - 1;
  for (size_t i = 0; i < last; ++i) {
    torch::Tensor pre = affine(h, layers_[i]->weight, layers_[i]->bias);
    if (is_sine(spec_.activation)) pre = pre * (i == 0 ? spec_.first_omega0 : spec_.hidden_omega0);
    out.push_back(pre);
    h = is_sine(spec_.activation) ? torch::sin(pre) : activate(pre, i);
    out.push_back(h);
  }
  out.push_back(affine(h, layers_[last]->weight, layers_[last]->bias));
  return out;
}

int64_t FieldNetworkImpl::parameter_count() const {
  int64_t count = 0;
  for (const auto& p : parameters()) count += p.numel();
  return count;
}

}  // namespace siren
