#pragma once
// Weight initialisations of the paper's code (modules.py). Biases are never touched: they keep
// PyTorch's nn.Linear default U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as in the reference.
// Every function draws from `generator`, or from LibTorch's default generator when none is given (a fit
// always gives its own: the default one is shared by every thread of the process).
#include <torch/torch.h>

#include <optional>

#include "siren/model_spec.h"

namespace siren {

using OptionalGenerator = std::optional<at::Generator>;

// nn::Linear's own reset_parameters() again, from `generator`: W ~ kaiming_uniform(a = sqrt(5)), that is
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), then b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)). The same number of draws
// in the same order, so a generator seeded with S gives the numbers torch.manual_seed(S) gives PyTorch.
void init_linear_default(torch::nn::Linear& layer, const OptionalGenerator& generator = std::nullopt);
// SIREN first layer: W ~ U(-1/fan_in, 1/fan_in).
void init_sine_first_layer(torch::nn::Linear& layer, const OptionalGenerator& generator = std::nullopt);
// SIREN other layers (last linear one included): W ~ U(-sqrt(6/fan_in)/omega0, +sqrt(6/fan_in)/omega0).
void init_sine_layer(torch::nn::Linear& layer, double omega0, const OptionalGenerator& generator = std::nullopt);
// PINNet (Raissi et al.): W ~ N(0, std = sqrt(2/(fan_in + fan_out))) truncated at +-2 std, drawn as the
// reference does (tf.truncated_normal's distribution by the inverse CDF: one uniform draw per weight).
void init_truncated_normal_layer(torch::nn::Linear& layer, const OptionalGenerator& generator = std::nullopt);
// The baselines' per-activation initialisation (relu: kaiming normal; tanh/sigmoid: xavier normal; pinn:
// truncated normal; ...).
void init_baseline_layer(torch::nn::Linear& layer, Activation activation,
                         const OptionalGenerator& generator = std::nullopt);

}  // namespace siren
