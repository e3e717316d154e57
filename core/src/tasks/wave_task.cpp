#include "siren/tasks/wave_task.h"

#include <cmath>
#include <cstdio>

#include "siren/device_transfer.h"
#include "siren/errors.h"
#include "siren/exact_text.h"
#include "siren/positional_encoding.h"
#include "siren/task_options.h"

namespace siren {

double wave_time_window(int64_t step, int64_t pretrain_steps) {
  if (step <= pretrain_steps) return 0.0;
  return kWaveMaxTime * static_cast<double>(step - pretrain_steps) / static_cast<double>(kWaveWindowSteps);
}

WaveTask::WaveTask(const WaveSetup& setup) : setup_(setup) {
  if (setup_.sidelength < 1) throw InvalidInput("wave sidelength must be positive");
  if (setup_.pretrain_steps < 0) throw InvalidInput("wave pretrain_steps must not be negative");
}

void WaveTask::configure_model(ModelSpec& spec) const {
  spec.in_features = 3;
  spec.out_features = 1;
  if (spec.activation == Activation::ReluPe && spec.pe_frequencies == 0)
    spec.pe_frequencies = reference_pe_frequencies(3, setup_.sidelength);  // 10 for 3-D inputs
}

Batch WaveTask::sample(int64_t batch_size, at::Generator& gen) const {
  return sample_at_step(setup_.pretrain_steps + kWaveWindowSteps, batch_size, gen);
}

Batch WaveTask::sample_at_step(int64_t step, int64_t batch_size, at::Generator& gen) const {
  const int64_t n = batch_size > 0 ? batch_size : num_points();
  const int64_t on_source = std::min(kWaveSourceSamples, n);
  const bool pretraining = step < setup_.pretrain_steps;
  const auto cpu_float = torch::TensorOptions().dtype(torch::kFloat32);
  // The reference's order of draws: source radii and angles, then (x, y), then t.
  const torch::Tensor source = sample_disk(on_source, kWaveSourceRadius, setup_.source[0], setup_.source[1], gen);
  torch::Tensor xy = torch::rand({n, 2}, gen, cpu_float) * 2 - 1;
  xy.narrow(0, n - on_source, on_source).copy_(source);  // make sure we spatially sample the source
  torch::Tensor t = pretraining ? (torch::rand({n, 1}, gen, cpu_float) * 2 - 1) * kWavePretrainTime
                                : torch::rand({n, 1}, gen, cpu_float) * wave_time_window(step, setup_.pretrain_steps);
  torch::Tensor u0 = reference_gaussian(xy, setup_.source[0], setup_.source[1], kWaveSigma) *
                     (2 * M_PI * kWaveSigma / 50);  // / (50 gaussian(0))
  torch::Tensor dirichlet;
  if (pretraining) {
    dirichlet = torch::ones({n, 1}, torch::kBool);
  } else {
    const int64_t at_start = std::min(2 * kWaveSourceSamples, n);
    t.narrow(0, n - at_start, at_start).zero_();  // always train the initial condition
    dirichlet = t == 0;
    u0 = torch::where(dirichlet, u0, torch::zeros_like(u0));
  }
  u0 = torch::where(u0 < 1e-5, torch::zeros_like(u0), u0);
  Batch batch;
  batch.coords = to_device_async(torch::cat({t, xy}, 1), device_);
  batch.fields["initial"] = to_device_async(u0, device_);
  batch.fields["dirichlet"] = to_device_async(dirichlet, device_);
  batch.fields["squared_slowness"] =
      to_device_async(squared_slowness(setup_.velocity, xy.select(1, 0), xy.select(1, 1)).unsqueeze(1), device_);
  return batch;
}

LossTerms wave_loss_terms(const FieldDerivatives& field, const torch::Tensor& initial, const torch::Tensor& dirichlet,
                          const torch::Tensor& squared_slowness) {
  const torch::Tensor& output = field.value;
  const auto n = static_cast<double>(output.size(0));
  // Coordinates (t, x, y). The reference takes the whole Hessian and reads its diagonal: the same values.
  const torch::Tensor dudt = field.jacobian.select(2, 0);  // (N, 1)
  const torch::Tensor dudt2 = field.second.select(2, 0);   // (N, 1)
  const torch::Tensor laplacian = field.laplacian(1);      // (N, 1): u_xx + u_yy
  // The reference turns the PDE term off when every point is on the initial condition (pretraining). The
  // same choice made on the device: asking the host (dirichlet.all().item()) would stall a GPU every step
  // and keep the step out of a CUDA graph. Pretraining steps compute the second derivatives they then discard.
  const torch::Tensor pde_on = dirichlet.logical_not().any();
  const torch::Tensor residual = torch::where(pde_on, dudt2 - laplacian / squared_slowness, torch::zeros_like(dudt2));
  // Sums over the boundary points by mask rather than masked_select, whose size the host would read back.
  const auto boundary_sum = [&](const torch::Tensor& x) {
    return torch::where(dirichlet, x.abs(), torch::zeros_like(x)).sum();
  };
  return {{"dirichlet", boundary_sum(output - initial) * (n / 1e1)},
          {"neumann", boundary_sum(dudt) * (n / 1e2)},
          {"diff_constraint_hom", residual.abs().sum()}};
}

LossTerms WaveTask::losses_on_field(const torch::Tensor& /*coords*/, const FieldDerivatives& field,
                                    const Batch& batch) const {
  return wave_loss_terms(field, batch.field("initial"), batch.field("dirichlet"), batch.field("squared_slowness"));
}

std::map<std::string, double> WaveTask::metrics(const torch::Tensor& output, const Batch& batch) const {
  const torch::Tensor mask = batch.field("dirichlet");
  const torch::Tensor error = (output.detach() - batch.field("initial")).masked_select(mask).abs();
  return {{"initial_error", error.numel() > 0 ? error.mean().item<double>() : 0.0},
          {"time_window", batch.coords.select(1, 0).max().item<double>()}};
}

std::map<std::string, std::string> WaveTask::metadata() const {
  return {{"velocity", velocity_name(setup_.velocity)},
          {"source_x", exact_text(setup_.source[0])},
          {"source_y", exact_text(setup_.source[1])},
          {"sidelength", std::to_string(setup_.sidelength)},
          {"pretrain_steps", std::to_string(setup_.pretrain_steps)}};
}

}  // namespace siren
