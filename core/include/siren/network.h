#pragma once
// The field network: the reference's FCBlock/SingleBVPNet. in -> hidden, hidden_layers x (hidden ->
// hidden), hidden -> out (purely linear), with sin(omega0 * (Wx + b)) on every sine layer, or one of
// the baselines' activations. Inputs are (points, in_features), outputs (points, out_features).
#include <torch/torch.h>

#include <optional>
#include <vector>

#include "siren/field_derivatives.h"
#include "siren/model_spec.h"
#include "siren/positional_encoding.h"
#include "siren/rbf_layer.h"

namespace siren {

class FieldNetworkImpl : public torch::nn::Module {
 public:
  // Initialised from `generator` when given: the numbers LibTorch's default generator gives after
  // torch::manual_seed(S) when `generator` was made from seed S (see init.h), but owned by the caller, so
  // that fits on other threads cannot draw from it in between. Without one, from the default generator
  // (a network about to be loaded from a file, tests that seed the default generator).
  explicit FieldNetworkImpl(const ModelSpec& spec, std::optional<at::Generator> generator = std::nullopt);

  torch::Tensor forward(const torch::Tensor& coords);
  // Every intermediate tensor in order: input (after encoding), then per layer its pre-activation and
  // activation, then the output. For the activation-statistics tests and plots.
  std::vector<torch::Tensor> forward_with_activations(const torch::Tensor& coords);

  // The output with its derivatives w.r.t. coords (field_derivatives.h): carried forward in closed form
  // through a SIREN's layers when `closed_form` and the network is a plain SIREN (sine_derivatives.h),
  // else by autograd on forward(). Both are differentiable for training.
  FieldDerivatives forward_with_derivatives(const torch::Tensor& coords, DerivativeOrder order, bool closed_form = true);
  bool has_closed_form_derivatives() const { return spec_.activation == Activation::Sine; }
  // d(sum of the outputs)/d coords (N, D), outside training (gradient queries): for a one-output SIREN the
  // forward pass of the gradient node (sine_gradient.h), two products per layer and nothing kept; else a
  // first-order autograd backward pass.
  torch::Tensor input_gradient(const torch::Tensor& coords);

  const ModelSpec& spec() const { return spec_; }
  // Sine layers as one fused autograd node each (sine_layer.h) whenever the coordinates do not require
  // grad; on by default. Off: the reference's separate linear, scale and sin ops everywhere.
  void set_fused_sine_layers(bool fused) { fused_sine_layers_ = fused; }
  bool fused_sine_layers() const { return fused_sine_layers_; }
  int64_t parameter_count() const;
  std::vector<torch::nn::Linear>& layers() { return layers_; }

 private:
  torch::Tensor activate(const torch::Tensor& pre, size_t layer_index) const;
  torch::Tensor encode(const torch::Tensor& coords);

  ModelSpec spec_;
  bool fused_sine_layers_ = true;
  PositionalEncoding encoding_{nullptr};
  RbfLayer rbf_{nullptr};
  std::vector<torch::nn::Linear> layers_;
};
TORCH_MODULE(FieldNetwork);

}  // namespace siren
