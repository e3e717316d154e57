// The wave-equation task (the paper's Sec. 4.3): what it is, its inputs, options and preset.
// No LibTorch here: requests are checked against this before anything is decoded.
#include "siren/task_description.h"
#include "siren/task_kinds.h"
#include "siren/tasks/pde_options.h"

namespace siren {

TaskDescription wave_task_description() {
  TaskDescription d;
  d.kind = kWaveKind;
  d.summary = "solve the wave equation from an initial pulse: a field (t, x, y) -> pressure (Sec. 4.3)";
  d.details =
      "No input file: the network learns u(t, x, y) with u_tt = (u_xx + u_yy) / m (m =\n"
      "1/velocity^2) from the equation alone, starting from a Gaussian pulse u(0) (sigma 5e-4,\n"
      "peak 0.02) at rest (u_t(0) = 0), as the reference's train_wave_equation.py. Each step\n"
      "draws 115,600 points (x, y) in [-1,1]^2 (1000 within 0.25 of the source), t from\n"
      "[0, T] with T growing linearly, 0.4 after 100,000 steps, and the last 2000 points at\n"
      "t = 0 on the initial condition. Like the reference's default run there is no\n"
      "pretraining; --pretrain-steps N (2000 = the reference's --pretrain) first fits only\n"
      "the initial condition for N steps (t within +-0.001, every point on it) and opens the\n"
      "window after them. Loss: the reference's wave_pml, sums:\n"
      "|u - u0| x N/10 and |u_t| x N/100 at t = 0, |u_tt - lap(u)/m| everywhere. Preset: sine\n"
      "3->512x3->1, omega_0 30, Adam 2e-5, 100,000 steps (a GPU-days job; on a CPU try\n"
      "--sidelength 60 --hidden 64 --steps 3000). Progress reports\n"
      "initial_error (mean |u - u0| at t = 0) and time_window (how far in time it reaches).\n"
      "Baselines (--model): sine-rbf (the reference's --mode rbf: its 1024-centre RBF input\n"
      "layer, then the 512-wide sine network; tanh-rbf, relu-rbf for --model tanh/relu) and\n"
      "pinn: PINNet of Raissi et al. (tanh 3->20x8->1, truncated-normal weights) trained with\n"
      "--optimizer lbfgs (strong-Wolfe line search, history 50, --lr as the first step), one\n"
      "L-BFGS iteration per step, as train_helmholtz.py's --mode pinn (the reference's wave\n"
      "script accepts --mode pinn but builds its plain sine MLP with Adam; PINNet here is an\n"
      "addition). --model pinn presets width, depth and L-BFGS. Like the reference's L-BFGS,\n"
      "it holds one batch for 50,000 iterations (its max_iter), so the time window is the one\n"
      "of the step that drew the batch (only t = 0 for the first); Adam draws every step.\n"
      "Export time slices with `siren export ID --format png --option t=0,0.1,0.2 --option\n"
      "size=256 -o wave.png` (side by side, red-white-blue around 0; default: 5 times over\n"
      "the window trained so far).";
  d.options = {
      velocity_option(),
      {"source", TaskOptionType::Point, "0,0", -1, 1, {}, "X,Y", "the initial pulse's centre in [-1,1]^2 (default 0,0)"},
      sidelength_option(340),
      {"pretrain_steps", TaskOptionType::Integer, "0", 0, 1'000'000'000, {}, "N",
       "steps that fit only the initial condition before the time window opens (default 0, the reference's "
       "default; 2000 = its --pretrain)"},
  };
  // train_wave_equation.py: SingleBVPNet(in_features=3, out_features=1, type=sine, hidden_features=512,
  // num_hidden_layers=3), omega0 30, Adam lr 2e-5, num_epochs 100,000 (one epoch = one step), no clipping,
  // --pretrain off (the pretrain_steps option's default 0).
  d.preset.task.kind = kWaveKind;
  d.preset.model.in_features = 3;
  d.preset.model.out_features = 1;
  d.preset.model.hidden_features = 512;
  d.preset.train.learning_rate = 2e-5;
  d.preset.train.steps = 100000;
  d.preset.train.batch_size = 0;  // sidelength^2 points
  d.preset.train.clip_grad_norm = 0;
  // PINNet's width (and its depth and L-BFGS: preset_fit_config), listed so that --help shows it.
  d.hidden_features_by_activation = {{Activation::Pinn, 20}};
  d.export_formats = {"png"};  // its registration's exporters, in order
  return d;
}

}  // namespace siren
