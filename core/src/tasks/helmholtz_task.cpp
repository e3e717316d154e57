#include "siren/tasks/helmholtz_task.h"

#include <cmath>
#include <cstdio>

#include "siren/device_transfer.h"
#include "siren/errors.h"
#include "siren/operators.h"
#include "siren/positional_encoding.h"
#include "siren/task_options.h"

namespace siren {
namespace {

constexpr int64_t kMetricPoints = 4096;        // analytic comparisons per step: a few ms on one core
constexpr int64_t kMetricCandidateRows = 20'000;  // ~20 % of uniform points qualify: enough for 4096
constexpr double kMetricSourceClearance = 0.1;  // away from the source's Gaussian and H0's log singularity

// Complex numbers as (re, im) column pairs, as the reference's modules.compl_mul / compl_div.
torch::Tensor complex_mul(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::Tensor ar = a.narrow(1, 0, 1), ai = a.narrow(1, 1, 1);
  const torch::Tensor br = b.narrow(1, 0, 1), bi = b.narrow(1, 1, 1);
  return torch::cat({ar * br - ai * bi, ar * bi + ai * br}, 1);
}

torch::Tensor complex_div(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::Tensor ar = a.narrow(1, 0, 1), ai = a.narrow(1, 1, 1);
  const torch::Tensor br = b.narrow(1, 0, 1), bi = b.narrow(1, 1, 1);
  const torch::Tensor denominator = br * br + bi * bi;
  return torch::cat({(ar * br + ai * bi) / denominator, (ai * br - ar * bi) / denominator}, 1);
}

std::string exact(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

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
  torch::Tensor g = reference_gaussian(coords, setup_.source[0], setup_.source[1], kHelmholtzSigma);
  g = torch::where(g < 1e-5, torch::zeros_like(g), g);
  Batch batch;
  batch.coords = to_device_async(coords, device_);
  batch.fields["source"] = to_device_async(torch::cat({g, g}, 1), device_);  // (1 + 1i) * gaussian
  batch.fields["squared_slowness"] =
      to_device_async(squared_slowness(setup_.velocity, coords.select(1, 0), coords.select(1, 1)).unsqueeze(1), device_);
  return batch;
}

torch::Tensor pml_damping(const torch::Tensor& coord, double wavenumber) {
  const double inner = 1.0 - kPmlWidth;
  const torch::Tensor below = torch::clamp(-(coord + inner), 0) / kPmlWidth;
  const torch::Tensor above = torch::clamp(coord - inner, 0) / kPmlWidth;
  return wavenumber * kPmlA0 * (below * below + above * above);
}

torch::Tensor helmholtz_pml_residual(const torch::Tensor& coords, const torch::Tensor& output,
                                     const torch::Tensor& squared_slowness, double wavenumber) {
  const torch::Tensor du = jacobian(output, coords);  // (N, re/im, x/y)
  const torch::Tensor dudx1 = du.select(2, 0), dudx2 = du.select(2, 1);
  // The stretch factors depend on the coordinates: the derivatives below differentiate them too.
  const torch::Tensor sx = pml_damping(coords.select(1, 0), wavenumber).unsqueeze(1);
  const torch::Tensor sy = pml_damping(coords.select(1, 1), wavenumber).unsqueeze(1);
  const torch::Tensor ex = torch::cat({torch::ones_like(sx), -sx / wavenumber}, 1);
  const torch::Tensor ey = torch::cat({torch::ones_like(sy), -sy / wavenumber}, 1);
  const torch::Tensor a = jacobian(complex_mul(complex_div(ey, ex), dudx1), coords).select(2, 0);
  const torch::Tensor b = jacobian(complex_mul(complex_div(ex, ey), dudx2), coords).select(2, 1);
  const torch::Tensor c = complex_mul(complex_mul(ex, ey), squared_slowness * (wavenumber * wavenumber) * output);
  return a + b + c;
}

LossTerms helmholtz_loss_terms(const torch::Tensor& residual, const torch::Tensor& source) {
  const auto n = static_cast<double>(residual.size(0));
  const torch::Tensor on_source = source != 0;
  const torch::Tensor zeros = torch::zeros_like(residual);
  const torch::Tensor on = torch::where(on_source, residual - source, zeros);
  const torch::Tensor off = torch::where(on_source, zeros, residual);
  return {{"diff_constraint_on", on.abs().sum() * (n / 1e3)}, {"diff_constraint_off", off.abs().sum()}};
}

LossTerms HelmholtzTask::losses(const torch::Tensor& coords, const torch::Tensor& output, const Batch& batch) const {
  const torch::Tensor residual =
      helmholtz_pml_residual(coords, output, batch.field("squared_slowness"), setup_.wavenumber);
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
          {"source_x", exact(setup_.source[0])},
          {"source_y", exact(setup_.source[1])},
          {"wavenumber", exact(setup_.wavenumber)},
          {"sidelength", std::to_string(setup_.sidelength)}};
}

}  // namespace siren
