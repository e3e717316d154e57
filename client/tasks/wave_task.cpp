#include "tasks/task_command.h"

namespace siren::cli {

TaskCommand wave_task_command() {
  TaskCommand task;
  task.name = "wave";
  task.summary = "solve the wave equation from an initial pulse: a field (t, x, y) -> pressure (Sec. 4.3)";
  task.input_help = "";  // no input file: the initial condition and medium are options
  task.footer =
      "No input file: the network learns u(t, x, y) with u_tt = (u_xx + u_yy) / m (m =\n"
      "1/velocity^2) from the equation alone, starting from a Gaussian pulse u(0) (sigma 5e-4,\n"
      "peak 0.02) at rest (u_t(0) = 0), as the reference's train_wave_equation.py. Each step\n"
      "draws 115,600 points (x, y) in [-1,1]^2 (1000 within 0.25 of the source). The first\n"
      "2000 steps pretrain the initial condition (t within +-0.001, every point on it; the\n"
      "reference's --pretrain, --pretrain-steps 0 = its default without); after that t is\n"
      "drawn from [0, T] with T growing linearly, 0.4 after 100,000 steps, and the last 2000\n"
      "points sit at t = 0 on the initial condition. Loss: the reference's wave_pml, sums:\n"
      "|u - u0| x N/10 and |u_t| x N/100 at t = 0, |u_tt - lap(u)/m| everywhere. Preset: sine\n"
      "3->512x3->1, omega_0 30, Adam 2e-5, 100,000 steps (a GPU-days job; on a CPU try\n"
      "--sidelength 60 --hidden 64 --steps 3000 --pretrain-steps 500). Progress reports\n"
      "initial_error (mean |u - u0| at t = 0) and time_window (how far in time it reaches).\n"
      "Export time slices with `siren export ID --format png --option t=0,0.1,0.2 --option\n"
      "size=256 -o wave.png` (side by side, red-white-blue around 0; default: 5 times over\n"
      "the window trained so far).";
  task.add_options = [](CLI::App& command, const FitConfig&, TaskOptions& options) {
    add_task_option(command, options, "--velocity", "velocity", "uniform|square|circle",
                    "the medium: uniform (default, the reference's); square = velocity 2 in |x|,|y| < 0.3; "
                    "circle = velocity 2 within 0.1 of the centre");
    add_task_option(command, options, "--source", "source", "X,Y",
                    "the initial pulse's centre in [-1,1]^2 (default 0,0)");
    add_task_option(command, options, "--sidelength", "sidelength", "N",
                    "points per step = N^2 (default 340, the reference's: 115,600); --batch-size sets the "
                    "points per step directly");
    add_task_option(command, options, "--pretrain-steps", "pretrain_steps", "N",
                    "steps that fit only the initial condition before the time window opens (default 2000)");
  };
  return task;
}

}  // namespace siren::cli
