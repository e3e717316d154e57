#include "siren/tasks/sdf_task.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "siren/device_transfer.h"
#include "siren/errors.h"
#include "siren/exact_text.h"
#include "siren/positional_encoding.h"

namespace siren {

namespace {

// The reference's statistics, in float64 as numpy: the per-axis mean, then one scalar min/max over
// all centred coordinates (keep_aspect_ratio=True).
struct RangeStats {
  double mean[3] = {0, 0, 0};
  double cmin = INFINITY, cmax = -INFINITY;
};

RangeStats range_stats(const std::vector<float>& positions) {
  const size_t n = positions.size() / 3;
  if (n == 0) throw InvalidInput("the point cloud is empty");
  RangeStats s;
  for (size_t i = 0; i < n; ++i)
    for (int d = 0; d < 3; ++d) s.mean[d] += positions[3 * i + d];
  for (double& m : s.mean) m /= static_cast<double>(n);
  for (size_t i = 0; i < n; ++i)
    for (int d = 0; d < 3; ++d) {
      const double c = positions[3 * i + d] - s.mean[d];
      s.cmin = std::min(s.cmin, c);
      s.cmax = std::max(s.cmax, c);
    }
  if (!(s.cmax > s.cmin)) throw InvalidInput("all points of the point cloud coincide; there is no surface to fit");
  return s;
}

}  // namespace

PointNormalization reference_normalization(const std::vector<float>& positions) {
  const RangeStats s = range_stats(positions);
  // ((c - m - cmin) / (cmax - cmin) - 0.5) * 2 = (c - (m + (cmin + cmax) / 2)) / ((cmax - cmin) / 2)
  PointNormalization norm;
  for (int d = 0; d < 3; ++d) norm.center[d] = s.mean[d] + 0.5 * (s.cmin + s.cmax);
  norm.scale = 0.5 * (s.cmax - s.cmin);
  return norm;
}

SdfTask::SdfTask(const OrientedPoints& points, int64_t on_surface_points) : on_surface_points_(on_surface_points) {
  if (on_surface_points_ <= 0) throw InvalidInput("on_surface_points must be positive");
  load(points);
}

void SdfTask::load(const OrientedPoints& points) {
  const int64_t n = points.size();
  if (n == 0) throw InvalidInput("the point cloud is empty");
  if (points.normals.size() != points.positions.size())
    throw InvalidInput("the point cloud has " + std::to_string(points.normals.size() / 3) + " normals for " +
                       std::to_string(n) + " points");
  // Exactly the reference's sequence of float64 operations, then float32 (torch .float()).
  const RangeStats stats = range_stats(points.positions);
  normalization_ = reference_normalization(points.positions);
  positions_ = torch::empty({n, 3}, torch::kFloat32);
  float* out = positions_.data_ptr<float>();
  for (int64_t i = 0; i < n; ++i)
    for (int d = 0; d < 3; ++d) {
      const double c = points.positions[3 * i + d] - stats.mean[d];
      out[3 * i + d] = static_cast<float>(((c - stats.cmin) / (stats.cmax - stats.cmin) - 0.5) * 2.0);
    }
  normals_ = torch::from_blob(const_cast<float*>(points.normals.data()), {n, 3}, torch::kFloat32).clone();
}

void SdfTask::configure_model(ModelSpec& spec) const {
  spec.in_features = 3;
  spec.out_features = 1;
  if (spec.activation == Activation::ReluPe && spec.pe_frequencies == 0)
    spec.pe_frequencies = reference_pe_frequencies(3, 0);  // 10 for 3-D inputs
}

void SdfTask::to(const torch::Device& device) {
  positions_ = positions_.to(device);
  normals_ = normals_.to(device);
}

int64_t SdfTask::steps_per_epoch(int64_t batch_size) const {
  return num_points() / (batch_size > 0 ? batch_size : on_surface_points_);
}

Batch SdfTask::sample(int64_t batch_size, at::Generator& gen) const {
  const int64_t n = batch_size > 0 ? batch_size : on_surface_points_;
  const auto cpu_long = torch::TensorOptions().dtype(torch::kLong);
  const auto cpu_float = torch::TensorOptions().dtype(torch::kFloat32);
  // On-surface: drawn with replacement (np.random.choice); off-surface: U(-1, 1)^3.
  const torch::Tensor index = to_device_async(torch::randint(num_points(), {n}, gen, cpu_long), positions_.device());
  const torch::Tensor off = to_device_async(torch::rand({n, 3}, gen, cpu_float) * 2 - 1, positions_.device());
  const auto options = positions_.options();
  Batch batch;
  batch.coords = torch::cat({positions_.index_select(0, index), off}, 0);
  batch.fields["sdf"] = torch::cat({torch::zeros({n, 1}, options), torch::full({n, 1}, -1.0, options)}, 0);
  batch.fields["normals"] = torch::cat({normals_.index_select(0, index), torch::full({n, 3}, -1.0, options)}, 0);
  return batch;
}

LossTerms sdf_loss_terms(const torch::Tensor& output, const torch::Tensor& gradient, const torch::Tensor& gt_sdf,
                         const torch::Tensor& gt_normals) {
  const torch::Tensor on_surface = gt_sdf != -1;
  const torch::Tensor zeros = torch::zeros_like(output);
  const torch::Tensor sdf_constraint = torch::where(on_surface, output, zeros);
  const torch::Tensor inter_constraint = torch::where(on_surface, zeros, torch::exp(-1e2 * torch::abs(output)));
  const torch::Tensor cosine = torch::cosine_similarity(gradient, gt_normals, /*dim=*/-1, /*eps=*/1e-8).unsqueeze(-1);
  const torch::Tensor normal_constraint = torch::where(on_surface, 1 - cosine, torch::zeros_like(cosine));
  const torch::Tensor grad_constraint = torch::abs(gradient.norm(2, -1) - 1);
  return {{"sdf", torch::abs(sdf_constraint).mean() * 3e3},
          {"inter", inter_constraint.mean() * 1e2},
          {"normal_constraint", normal_constraint.mean() * 1e2},
          {"grad_constraint", grad_constraint.mean() * 5e1}};
}

LossTerms SdfTask::losses_on_field(const torch::Tensor& /*coords*/, const FieldDerivatives& field,
                                   const Batch& batch) const {
  const torch::Tensor g = field.jacobian.select(1, 0);  // (N, 3): the one output's gradient
  // Kept for metrics(), which reads it back only at the progress cadence: reading it here would make the
  // host wait for the device every step (and no CUDA graph could capture the step).
  last_gradient_ = g.detach();
  return sdf_loss_terms(field.value, g, batch.field("sdf"), batch.field("normals"));
}

std::map<std::string, double> SdfTask::metrics(const torch::Tensor& output, const Batch& batch) const {
  const torch::Tensor on_surface = (batch.field("sdf") != -1).squeeze(-1);
  const torch::Tensor surface = output.detach().squeeze(-1).index({on_surface});
  std::map<std::string, double> figures{
      {"surface_sdf", surface.abs().mean().item<double>()}};  // mean |f| on the surface (normalised units)
  // The gradient of the losses_on_field() call that produced `output` (not there for an output made without one).
  if (last_gradient_.defined() && last_gradient_.size(0) == output.size(0)) {
    torch::NoGradGuard no_grad;
    figures["grad_norm_error"] = (last_gradient_.norm(2, -1) - 1).abs().mean().item<double>();  // mean |‖∇f‖ - 1|
    figures["normal_cosine"] =  // mean cos(∇f, n) on the surface
        torch::cosine_similarity(last_gradient_.index({on_surface}), batch.field("normals").index({on_surface}), -1, 1e-8)
            .mean()
            .item<double>();
  }
  return figures;
}

std::map<std::string, std::string> SdfTask::metadata() const {
  return {{"points", std::to_string(num_points())},
          {"on_surface_points", std::to_string(on_surface_points_)},
          {"center_x", exact_text(normalization_.center[0])},
          {"center_y", exact_text(normalization_.center[1])},
          {"center_z", exact_text(normalization_.center[2])},
          {"scale", exact_text(normalization_.scale)}};
}

}  // namespace siren
