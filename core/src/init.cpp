#include "siren/init.h"

#include <cmath>

namespace siren {
namespace {

double fan_in(const torch::nn::Linear& layer) { return static_cast<double>(layer->weight.size(1)); }
double fan_out(const torch::nn::Linear& layer) { return static_cast<double>(layer->weight.size(0)); }

void uniform(torch::nn::Linear& layer, double bound) {
  torch::NoGradGuard no_grad;
  layer->weight.uniform_(-bound, bound);
}

void normal(torch::nn::Linear& layer, double stddev) {
  torch::NoGradGuard no_grad;
  layer->weight.normal_(0.0, stddev);
}

}  // namespace

void init_sine_first_layer(torch::nn::Linear& layer) { uniform(layer, 1.0 / fan_in(layer)); }

void init_sine_layer(torch::nn::Linear& layer, double omega0) {
  uniform(layer, std::sqrt(6.0 / fan_in(layer)) / omega0);
}

void init_baseline_layer(torch::nn::Linear& layer, Activation activation) {
  switch (activation) {
    case Activation::Relu:
    case Activation::ReluPe:
    case Activation::ReluRbf:
    case Activation::Softplus:  // kaiming_normal(fan_in, relu)
      normal(layer, std::sqrt(2.0 / fan_in(layer)));
      break;
    case Activation::Tanh:
    case Activation::Sigmoid:  // xavier_normal, gain 1
      normal(layer, std::sqrt(2.0 / (fan_in(layer) + fan_out(layer))));
      break;
    case Activation::Selu:
      normal(layer, 1.0 / std::sqrt(fan_in(layer)));
      break;
    case Activation::Elu:  // the reference's constant for ELU
      normal(layer, std::sqrt(1.5505188080679277) / std::sqrt(fan_in(layer)));
      break;
    case Activation::Sine:
      break;  // handled by init_sine_*
  }
}

}  // namespace siren
