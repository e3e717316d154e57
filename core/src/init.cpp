#include "siren/init.h"

#include <cmath>

namespace siren {
namespace {

double fan_in(const torch::nn::Linear& layer) { return static_cast<double>(layer->weight.size(1)); }
double fan_out(const torch::nn::Linear& layer) { return static_cast<double>(layer->weight.size(0)); }

void uniform(torch::nn::Linear& layer, double bound, const OptionalGenerator& generator) {
  torch::NoGradGuard no_grad;
  layer->weight.uniform_(-bound, bound, generator);
}

void normal(torch::nn::Linear& layer, double stddev, const OptionalGenerator& generator) {
  torch::NoGradGuard no_grad;
  layer->weight.normal_(0.0, stddev, generator);
}

}  // namespace

void init_linear_default(torch::nn::Linear& layer, const OptionalGenerator& generator) {
  // A uniform draw takes one number from the generator per element whatever its bounds, so the bound of
  // the weights' draw (which the SIREN and baseline inits overwrite) only has to be close to LibTorch's.
  const double bound = 1.0 / std::sqrt(fan_in(layer));
  uniform(layer, bound, generator);
  torch::NoGradGuard no_grad;
  if (layer->bias.defined()) layer->bias.uniform_(-bound, bound, generator);
}

void init_sine_first_layer(torch::nn::Linear& layer, const OptionalGenerator& generator) {
  uniform(layer, 1.0 / fan_in(layer), generator);
}

void init_sine_layer(torch::nn::Linear& layer, double omega0, const OptionalGenerator& generator) {
  uniform(layer, std::sqrt(6.0 / fan_in(layer)) / omega0, generator);
}

void init_truncated_normal_layer(torch::nn::Linear& layer, const OptionalGenerator& generator) {
  const double stddev = std::sqrt(2.0 / (fan_in(layer) + fan_out(layer)));
  const double cut = 2.0 * stddev;
  // Phi(-2) and Phi(2) of the standard normal: uniform on [2 Phi(-2) - 1, 2 Phi(2) - 1], erfinv, scale.
  const double lower = 0.5 * (1.0 + std::erf(-2.0 / std::sqrt(2.0)));
  const double upper = 0.5 * (1.0 + std::erf(2.0 / std::sqrt(2.0)));
  torch::NoGradGuard no_grad;
  layer->weight.uniform_(2.0 * lower - 1.0, 2.0 * upper - 1.0, generator);
  layer->weight.erfinv_().mul_(stddev * std::sqrt(2.0)).clamp_(-cut, cut);
}

void init_baseline_layer(torch::nn::Linear& layer, Activation activation, const OptionalGenerator& generator) {
  switch (activation) {
    case Activation::Relu:
    case Activation::ReluPe:
    case Activation::ReluRbf:
    case Activation::Softplus:  // kaiming_normal(fan_in, relu)
      normal(layer, std::sqrt(2.0 / fan_in(layer)), generator);
      break;
    case Activation::Tanh:
    case Activation::TanhRbf:
    case Activation::Sigmoid:  // xavier_normal, gain 1
      normal(layer, std::sqrt(2.0 / (fan_in(layer) + fan_out(layer))), generator);
      break;
    case Activation::Selu:
      normal(layer, 1.0 / std::sqrt(fan_in(layer)), generator);
      break;
    case Activation::Elu:  // the reference's constant for ELU
      normal(layer, std::sqrt(1.5505188080679277) / std::sqrt(fan_in(layer)), generator);
      break;
    case Activation::Pinn:
      init_truncated_normal_layer(layer, generator);
      break;
    case Activation::Sine:
    case Activation::SineRbf:
      break;  // handled by init_sine_*
  }
}

}  // namespace siren
