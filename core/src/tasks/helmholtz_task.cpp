#include "siren/tasks/helmholtz_task.h"

#include <cmath>
#include <cstdio>

#include "siren/device_transfer.h"
#include "siren/errors.h"
#include "siren/exact_text.h"
#include "siren/positional_encoding.h"
#include "siren/task_options.h"

namespace siren {

namespace {

constexpr int64_t kMetricPoints = 4096;        // analytic comparisons per step: a few ms on one core
constexpr int64_t kMetricCandidateRows = 20'000;  // ~20 % of uniform points qualify: enough for 4096
constexpr double kMetricSourceClearance = 0.1;  // away from the source's Gaussian and H0's log singularity

}  // namespace

HelmholtzTask::HelmholtzTask(const HelmholtzSetup& setup) : setup_(setup) {
  if (setup_.sidelength < 1) throw InvalidInput("helmholtz sidelength must be positive");
  if (!(setup_.wavenumber > 0)) throw InvalidInput("helmholtz wavenumber must be positive");
}

void HelmholtzTask::configure_model(ModelSpec& spec) const {
  spec.in_features = 2;
  spec.out_features = 2;
  if (spec.activation == Activation::ReluPe && spec.pe_frequencies == 0)
    spec.pe_frequencies = reference_pe_frequencies(2, setup_.sidelength);
}

Batch HelmholtzTask::sample(int64_t batch_size, at::Generator& gen) const {
  const int64_t n = batch_size > 0 ? batch_size : num_points();
  const int64_t on_source = std::min(kHelmholtzSourceSamples, n);
  const auto cpu_float = torch::TensorOptions().dtype(torch::kFloat32);
  torch::Tensor coords = torch::rand({n, 2}, gen, cpu_float) * 2 - 1;
  // Always include coordinates where the source is nonzero (the reference's comment).
  coords.narrow(0, n - on_source, on_source)
      .copy_(sample_disk(on_source, kHelmholtzSourceRadius, setup_.source[0], setup_.source[1], gen));
  Batch batch;
  batch.coords = to_device_async(coords, device_);
  batch.fields["source"] = to_device_async(helmholtz_source_term(coords, setup_.source), device_);
  batch.fields["squared_slowness"] =
      to_device_async(squared_slowness(setup_.velocity, coords.select(1, 0), coords.select(1, 1)).unsqueeze(1), device_);
  return batch;
}

LossTerms HelmholtzTask::losses_on_field(const torch::Tensor& coords, const FieldDerivatives& field,
                                         const Batch& batch) const {
  const torch::Tensor residual =
      helmholtz_pml_residual(coords, field, batch.field("squared_slowness"), setup_.wavenumber);
  return helmholtz_loss_terms(residual, batch.field("source"));
}

std::array<double, 2> helmholtz_free_space_solution(double r, double wavenumber, double sigma) {
  const double z = wavenumber * r;
  const double j0 = std::cyl_bessel_j(0.0, z), y0 = std::cyl_neumann(0.0, z);
  // (i/4)(1 + i)(J0 - i Y0) = ((Y0 - J0) + i (J0 + Y0)) / 4
  const double scale = std::exp(-0.5 * sigma * wavenumber * wavenumber) / 4;
  return {scale * (y0 - j0), scale * (j0 + y0)};
}

std::map<std::string, double> HelmholtzTask::metrics(const torch::Tensor& output, const Batch& batch) const {
  if (setup_.velocity != Velocity::Uniform) return {};  // no closed form with an inclusion
  const int64_t rows = std::min(kMetricCandidateRows, output.size(0));
  const torch::Tensor u = output.detach().narrow(0, 0, rows).to(torch::kCPU, torch::kFloat32).contiguous();
  const torch::Tensor p = batch.coords.detach().narrow(0, 0, rows).to(torch::kCPU, torch::kFloat32).contiguous();
  const float* uv = u.data_ptr<float>();
  const float* pv = p.data_ptr<float>();
  const double inner = 1.0 - kPmlWidth;
  double error = 0, norm = 0;
  int64_t used = 0;
  for (int64_t i = 0; i < rows && used < kMetricPoints; ++i) {
    const double x = pv[2 * i], y = pv[2 * i + 1];
    const double r = std::hypot(x - setup_.source[0], y - setup_.source[1]);
    if (std::abs(x) >= inner || std::abs(y) >= inner || r <= kMetricSourceClearance) continue;
    const auto exact_u = helmholtz_free_space_solution(r, setup_.wavenumber);
    const double dr = uv[2 * i] - exact_u[0], di = uv[2 * i + 1] - exact_u[1];
    error += dr * dr + di * di;
    norm += exact_u[0] * exact_u[0] + exact_u[1] * exact_u[1];
    ++used;
  }
  if (used == 0 || norm == 0) return {};
  return {{"rel_error", std::sqrt(error / norm)}};
}

std::map<std::string, std::string> HelmholtzTask::metadata() const {
  return {{"velocity", velocity_name(setup_.velocity)},
          {"source_x", exact_text(setup_.source[0])},
          {"source_y", exact_text(setup_.source[1])},
          {"wavenumber", exact_text(setup_.wavenumber)},
          {"sidelength", std::to_string(setup_.sidelength)}};
}

}  // namespace siren
