// The Helmholtz task (the paper's Sec. 4.3): what it is, its inputs, options and preset.
// No LibTorch here: requests are checked against this before anything is decoded.
#include "siren/task_description.h"
#include "siren/task_kinds.h"
#include "siren/tasks/pde_options.h"

namespace siren {

TaskDescription helmholtz_task_description() {
  TaskDescription d;
  d.kind = kHelmholtzKind;
  d.summary = "solve the Helmholtz equation for a point source: a field (x, y) -> complex wavefield (Sec. 4.3)";
  d.details =
      "No input file: the network learns the time-harmonic wavefield u = (re, im) on [-1,1]^2\n"
      "radiated by a small Gaussian source f = (1+1i) g (sigma 1e-4, peak 1591.5), solving\n"
      "  div(stretched grad u) + m k^2 u = f,  k = 20 (--wavenumber), m = 1/velocity^2,\n"
      "from the equation alone: no data, only its residual at random points (52,900 per step,\n"
      "the last 100 within 0.05 of the source), as the reference's train_helmholtz.py.\n"
      "PML: on |x| > 0.5 or |y| > 0.5 a perfectly matched layer (a0 = 5) stretches the\n"
      "coordinates into the complex plane, so outgoing waves decay there instead of reflecting\n"
      "off the domain's edge; only the inner square [-0.5,0.5]^2 is physical. Loss: the\n"
      "reference's helmholtz_pml, sums of |residual| (x N/1000 on the source), not means.\n"
      "Preset: sine 2->256x3->2, omega_0 30, Adam 2e-5, 50,000 steps, no clipping (many GPU\n"
      "hours on 52,900 points; on a CPU use --sidelength / --steps to try it small). With uniform\n"
      "velocity, progress reports rel_error against the exact solution (i/4) H0^(2)(k r).\n"
      "Baselines (--model), as the reference's --mode: sine-rbf (--mode rbf: its 1024-centre\n"
      "RBF input layer, then the sine network; tanh-rbf, relu-rbf for --model tanh/relu) and\n"
      "pinn (--mode pinn: PINNet of Raissi et al., tanh 2->20x8->2, truncated-normal weights,\n"
      "trained with --optimizer lbfgs: strong-Wolfe line search, history 50, --lr as the first\n"
      "step; one L-BFGS iteration per step, a few loss evaluations each, on one batch held for\n"
      "50,000 of them, the reference's max_iter). --model pinn presets width, depth and\n"
      "L-BFGS; --hidden, --layers, --optimizer override them. A resumed L-BFGS fit starts a\n"
      "fresh history on a new batch (checkpoints hold the weights, not L-BFGS's history).\n"
      "Export images with `siren export ID --format png --option component=real|imag|magnitude\n"
      "--option size=512 -o field.png` (red-white-blue around 0; magnitude in viridis).";
  d.options = {
      velocity_option("velocity", "(the source then moves to -0.35,0, as the reference)"),
      {"source", TaskOptionType::Point, "", -1, 1, {}, "X,Y",
       "the source's position in [-1,1]^2 (default 0,0; -0.35,0 with a non-uniform velocity)"},
      wavenumber_option(),
      sidelength_option(230),
  };
  // train_helmholtz.py: SingleBVPNet(out_features=2, type=sine) = 2 -> 256 x 3 hidden -> 2, omega0 30,
  // Adam lr 2e-5, num_epochs 50,000 (one epoch = one step), clip_grad 0 (off).
  d.preset.task.kind = kHelmholtzKind;
  d.preset.model.in_features = 2;
  d.preset.model.out_features = 2;
  d.preset.train.learning_rate = 2e-5;
  d.preset.train.steps = 50000;
  d.preset.train.batch_size = 0;  // sidelength^2 points
  d.preset.train.clip_grad_norm = 0;
  // PINNet's width (and its depth and L-BFGS: preset_fit_config), listed so that --help shows it.
  d.hidden_features_by_activation = {{Activation::Pinn, 20}};
  d.export_formats = {"png"};  // its registration's exporters, in order
  return d;
}

}  // namespace siren
