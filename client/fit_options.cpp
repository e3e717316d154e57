#include "fit_options.h"

#include <cstdio>
#include <map>
#include <vector>

#include <CLI/CLI.hpp>

#include "siren/model_spec.h"
#include "siren/task_description.h"

namespace siren::cli {

namespace {

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

std::string preset(const std::string& value) { return " (default: " + value + ")"; }
std::string preset(int64_t value) { return preset(std::to_string(value)); }

// "1024; relu-pe, relu-rbf: 256": the preset width, then those the task presets for particular
// activations (the reference's video baselines).
std::string preset_widths(const TaskDescription& task) {
  const FitConfig& p = task.preset;
  std::map<int, std::vector<std::string>> by_width;
  for (const auto& [activation, width] : task.hidden_features_by_activation)
    if (width != p.model.hidden_features) by_width[width].push_back(to_string(activation));
  std::string text = std::to_string(p.model.hidden_features);
  for (const auto& [width, names] : by_width) {
    text += ";";
    for (size_t i = 0; i < names.size(); ++i) text += (i ? ", " : " ") + names[i];
    text += ": " + std::to_string(width);
  }
  return text;
}

// An option that records its value only when given, leaving the preset in charge otherwise.
template <typename T>
CLI::Option* add_optional(CLI::App& command, const std::string& name, std::optional<T>& target,
                          const std::string& help) {
  return command.add_option_function<T>(
      name, [&target](const T& value) { target = value; }, help);
}

}  // namespace

void add_fit_settings_options(CLI::App& command, const TaskDescription& task, FitSettings& s) {
  const FitConfig& p = task.preset;
  const std::string network = "Network (the paper's Sec. 3)";
  const std::string training = "Training";

  add_optional(command, "--model", s.model,
               "activation of every hidden layer: sine = SIREN, sin(w0 * (Wx + b)); the paper's "
               "baselines relu, tanh, relu-pe (ReLU on a NeRF-style positional encoding), "
               "sigmoid, softplus, elu, selu, relu-rbf / sine-rbf / tanh-rbf (the reference's 1024-centre "
               "RBF input layer, then that network), pinn (PINNet: tanh, 20 wide, 8 hidden layers, "
               "truncated-normal init, L-BFGS)" + preset(to_string(p.model.activation)))
      ->check(CLI::IsMember(activation_names()))
      ->type_name("NAME")
      ->group(network);
  add_optional(command, "--hidden", s.hidden_features,
               "width of every hidden layer (features); unset, the preset's width for the chosen --model" +
                   preset(preset_widths(task)))
      ->type_name("N")->group(network);
  add_optional(command, "--layers", s.hidden_layers,
               "hidden-to-hidden layers; the network has N+2 linear layers (the paper's 3 gives "
               "5); --model pinn presets 8" + preset(p.model.hidden_layers))
      ->type_name("N")->group(network);
  add_optional(command, "--w0", s.omega0,
               "omega_0 of every sine layer (sets --first-w0 and --hidden-w0). Scales the "
               "pre-activations so sin spans many periods over [-1,1]; higher fits finer detail")
      ->type_name("X")->group(network);
  add_optional(command, "--first-w0", s.first_omega0,
               "omega_0 of the first layer: sets the range of frequencies the field starts with "
               "(the paper uses 30)" + preset(number(p.model.first_omega0)))
      ->type_name("X")->group(network);
  add_optional(command, "--hidden-w0", s.hidden_omega0,
               "omega_0 of the hidden layers; the paper's initialisation W ~ U(-sqrt(6/n)/w0, "
               "sqrt(6/n)/w0) keeps activations well distributed for any value" +
                   preset(number(p.model.hidden_omega0)))
      ->type_name("X")->group(network);
  add_optional(command, "--pe-frequencies", s.pe_frequencies,
               "relu-pe only: encoding frequencies per coordinate (default: the reference code's "
               "rule from the signal's sampling rate, Nyquist)")
      ->type_name("N")->group(network);

  const bool counts_epochs = p.train.steps == 0 && p.train.epochs > 0;
  auto* steps = add_optional(command, "--steps", s.steps,
                             "optimiser updates (Adam steps); with --resume, the total including the checkpoint's" +
                                 (counts_epochs ? std::string(" (default: --epochs ") + std::to_string(p.train.epochs) +
                                                      ", the reference's schedule)"
                                                : preset(p.train.steps)))
                    ->type_name("N")->group(training);
  add_optional(command, "--epochs", s.epochs,
               "train N of the reference's epochs instead of --steps: steps = N x the task's steps per epoch, "
               "counted once the input is read (sdf: floor(points / batch), one pass over the cloud; 1 for "
               "tasks that fit one signal per step); progress shows the epoch beside the step" +
                   (counts_epochs ? preset(p.train.epochs) : std::string(" (default: off, --steps counts)")))
      ->type_name("N")->group(training)->excludes(steps);
  add_optional(command, "--lr", s.learning_rate,
               "Adam learning rate, constant (the paper: 1e-4); with lbfgs, the line search's first step" +
                   preset(number(p.train.learning_rate)))
      ->type_name("X")->group(training);
  add_optional(command, "--optimizer", s.optimizer,
               "adam, or lbfgs: L-BFGS as the reference trains PINNet (strong-Wolfe line search, "
               "history 50, --lr as its first step), one iteration per step; a resumed fit starts a "
               "fresh L-BFGS history (default: " + p.train.optimizer + "; --model pinn: lbfgs)")
      ->check(CLI::IsMember({"adam", "lbfgs"}))
      ->type_name("NAME")->group(training);
  add_optional(command, "--batch-size", s.batch_size,
               "sample points per step; 0 = all of them every step (full batch)" +
                   preset(p.train.batch_size))
      ->type_name("N")->group(training);
  add_optional(command, "--seed", s.seed,
               "seeds initialisation and sampling: same seed and settings give the same fit, bit "
               "for bit on CPU" + preset(std::to_string(p.train.seed)))
      ->type_name("N")->group(training);
  add_optional(command, "--checkpoint-every", s.checkpoint_every,
               "steps between resumable checkpoints; 0 = only the final one" +
                   preset(p.train.checkpoint_every))
      ->type_name("N")->group(training);
  add_optional(command, "--clip-grad", s.clip_grad_norm,
               "clip the gradients' global norm to X; 0 = off (the paper does not clip)" +
                   preset(number(p.train.clip_grad_norm)))
      ->type_name("X")->group(training);
  add_optional(command, "--fused-sine", s.fused_sine_layers,
               "speed only: each sine layer as one fused step (one GEMM, one sin/cos pass) where no loss "
               "differentiates the field; same results up to float rounding; off = the reference's "
               "separate ops (default: on)")
      ->type_name("on|off")->group(training);
  add_optional(command, "--closed-form-derivatives", s.closed_form_derivatives,
               "speed and memory only: the field's derivatives that PDE, Poisson and SDF losses use, computed "
               "in closed form through the SIREN's layers (sin' = cos, sin'' = -sin: Jacobians and Laplacians "
               "carried forward, a one-output gradient with its backward pass written out) instead of "
               "autograd's double backward; same values up to float rounding; off = the reference's "
               "autograd (other networks always use it) (default: on)")
      ->type_name("on|off")->group(training);
  add_optional(command, "--device", s.device,
               "where the fit runs: auto = the next free worker's device (a GPU when the server has one), "
               "cpu, cuda (any GPU) or cuda:N (default: auto)")
      ->type_name("DEVICE")->group(training);
  add_optional(command, "--precision", s.precision,
               "products on a GPU: tf32 (TF32 tensor cores, float32 storage), fp32 (IEEE throughout) or bf16 "
               "(autocast: faster, less precise); the CPU always computes in float32" +
                   preset(p.train.precision))
      ->type_name("tf32|fp32|bf16")->group(training);
  add_optional(command, "--cuda-graphs", s.cuda_graphs,
               "speed only: on a GPU, record a training step once as a CUDA graph (after 3 warm-up steps) "
               "and replay it while the batch keeps its shapes; steps that cannot be recorded run as usual "
               "(default: on)")
      ->type_name("on|off")->group(training);
}

}  // namespace siren::cli
