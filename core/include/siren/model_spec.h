#pragma once
// The network family: SIREN and the paper's baselines, as one small config struct (no LibTorch).
#include <cstdint>
#include <string>
#include <vector>

namespace siren {

// SineRbf, TanhRbf: the reference's RBF input layer followed by a sine or tanh network (its PDE scripts'
// `--mode rbf`, whose network type defaults to sine). Pinn: the reference's PINNet (Raissi et al.): a tanh
// network with truncated-normal weights, 20 wide and 8 hidden layers deep, trained with L-BFGS (the preset
// of every task sets those: preset_fit_config).
enum class Activation { Sine, Relu, Tanh, ReluPe, Sigmoid, Softplus, Elu, Selu, ReluRbf, SineRbf, TanhRbf, Pinn };

// Whether the activation's network starts with the RBF input layer (rbf_layer.h).
bool has_rbf_input(Activation a);
// Whether its hidden layers are SIREN's sine layers (with SIREN's initialisation and omega0).
bool is_sine(Activation a);

std::string to_string(Activation a);                   // "sine", "relu", "tanh", "relu-pe", ...
Activation activation_from_string(const std::string&);  // throws InvalidInput listing valid names
const std::vector<std::string>& activation_names();

struct ModelSpec {
  Activation activation = Activation::Sine;
  int in_features = 2;
  int out_features = 1;
  int hidden_features = 256;
  int hidden_layers = 3;  // hidden->hidden layers; total linear layers = hidden_layers + 2
  double first_omega0 = 30.0;
  double hidden_omega0 = 30.0;
  // ReLU+PE: frequencies per coordinate. 0 = the reference's rule, filled in by the task.
  int pe_frequencies = 0;

  void validate() const;  // throws InvalidInput
  // Trainable parameters (weights and biases, plus the RBF layer's centres and widths), without
  // building the network. pe_frequencies 0 counts as the most the reference's rule gives (16).
  int64_t parameter_count() const;
};

}  // namespace siren
