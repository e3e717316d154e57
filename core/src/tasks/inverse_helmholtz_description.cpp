// The inverse Helmholtz task (full-waveform inversion, the paper's Sec. 4.3): what it is, its input,
// options and preset. No LibTorch here: requests are checked against this before anything is decoded.
#include "siren/task_description.h"
#include "siren/task_kinds.h"
#include "siren/tasks/pde_options.h"

namespace siren {

TaskDescription inverse_helmholtz_task_description() {
  TaskDescription d;
  d.kind = kInverseHelmholtzKind;
  d.summary = "recover a velocity model from receiver measurements of several sources (Helmholtz inversion, Sec. 4.3)";
  d.details =
      "Input: a MATLAB .mat file (as the reference's data_cylinder_5.mat: 5 sources, 30\n"
      "receivers) with source (S x 2), receivers (R x 2) and rec_val (R x S complex): the\n"
      "wavefield of each source (a Gaussian, as the helmholtz task's) recorded at each receiver.\n"
      "One network (x, y) -> 2S+1 outputs learns the S complex wavefields and the squared\n"
      "slowness m = 1/velocity^2 = clamp(q, -0.999) + 1 from its last output q (m = 1 beyond\n"
      "|x|,|y| > 0.75), as the reference's train_inverse_helmholtz.py. Loss (sums, the\n"
      "reference's helmholtz_pml): every wavefield's PML Helmholtz residual with its own source\n"
      "(k = 20), plus data_term = sum |u(receivers) - rec_val| x N. Each step draws 13,225\n"
      "points (the receivers first, 100 around each source last).\n"
      "Two stages, as the reference's workflow: --pretrain-steps N first fits the wavefields in\n"
      "a known medium (--pretrain-velocity, uniform: the reference's --pretrain run, whose\n"
      "data_term pulls m to that medium and ignores the receivers), then inverts. Default 0:\n"
      "invert from the start, the script's default. Progress reports receiver_misfit\n"
      "(|u - data| / |data| at the receivers). Preset: sine 2->256x3->2S+1 (11 for 5 sources),\n"
      "omega_0 30, Adam 2e-5, 80,000 steps (a GPU job: a CPU manages small tries only, e.g.\n"
      "--sidelength 24 --hidden 32 --layers 2 --steps 200 --pretrain-steps 50 --lr 1e-4).\n"
      "Export: the recovered velocity (default, `siren render`) with `siren export ID --format\n"
      "png --option size=256 -o velocity.png` (viridis; sources white, receivers black);\n"
      "the wavefields with --format wavefield-png --option component=real|imag|magnitude\n"
      "[--option source=K] (all sources side by side unless one is named).";
  d.inputs = {{"data", InputMedia::File, "MATLAB .mat (v5; v7.3 where libmatio has HDF5) with source, receivers, rec_val"}};
  d.options = {
      sidelength_option(115),
      wavenumber_option(),
      {"pretrain_steps", TaskOptionType::Integer, "0", 0, 1'000'000'000, {}, "N",
       "steps that fit the wavefields in the known --pretrain-velocity medium before inverting (default 0, the "
       "script's default; the reference's two-stage workflow pretrains in a separate --pretrain run)"},
      velocity_option("pretrain_velocity", "(here: the known medium of the pretraining steps; the reference's is uniform)"),
  };
  // train_inverse_helmholtz.py: SingleBVPNet(in_features=2, out_features=2 * 5 + 1, type=sine) = 2 -> 256 x 3
  // hidden -> 11, omega0 30, Adam lr 2e-5, num_epochs 80,000 (one epoch = one step), clip_grad 0 (off).
  d.preset.task.kind = kInverseHelmholtzKind;
  d.preset.model.in_features = 2;
  d.preset.model.out_features = 11;  // the reference's 5 sources; a fit sets 2 S + 1 from its data
  d.preset.train.learning_rate = 2e-5;
  d.preset.train.steps = 80000;
  d.preset.train.batch_size = 0;  // sidelength^2 points
  d.preset.train.clip_grad_norm = 0;
  d.export_formats = {"png", "wavefield-png"};  // its registration's exporters, in order
  return d;
}

}  // namespace siren
