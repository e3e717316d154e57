#pragma once
// Weight initialisations of the paper's code (modules.py). Biases are never touched: they keep
// PyTorch's nn.Linear default U(-1/sqrt(fan_in), 1/sqrt(fan_in)), as in the reference.
#include <torch/torch.h>

#include "siren/model_spec.h"

namespace siren {

// SIREN first layer: W ~ U(-1/fan_in, 1/fan_in).
void init_sine_first_layer(torch::nn::Linear& layer);
// SIREN other layers (last linear one included): W ~ U(-sqrt(6/fan_in)/omega0, +sqrt(6/fan_in)/omega0).
void init_sine_layer(torch::nn::Linear& layer, double omega0);
// The baselines' per-activation initialisation (relu: kaiming normal; tanh/sigmoid: xavier normal; ...).
void init_baseline_layer(torch::nn::Linear& layer, Activation activation);

}  // namespace siren
