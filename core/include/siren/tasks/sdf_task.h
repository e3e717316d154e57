#pragma once
// Signed distance fields from oriented point clouds (the reference's train_sdf, paper Sec. 4.2).
// Input: .xyz text (x y z nx ny nz per line) or PLY (with normals, or a mesh to sample from), see
// io/point_cloud.h. Points are normalised into [-1,1]^3 exactly as the reference's PointCloud;
// each step draws `on_surface_points` surface points with replacement plus as many uniform
// off-surface points in [-1,1]^3, and the loss is the reference's `sdf` loss (4 terms).
// Options: "on_surface_points" (default 1400, the reference's --batch_size; TrainOptions.batch_size
// > 0 overrides it), "mesh_samples" (points sampled on a mesh without normals, default 250,000).
#include <array>

#include "siren/fit_config.h"
#include "siren/io/point_cloud.h"
#include "siren/task.h"

namespace siren {

constexpr int64_t kDefaultOnSurfacePoints = 1400;
constexpr int64_t kMaxOptionPoints = 100'000'000;  // on_surface_points, mesh_samples

// The reference's normalisation: subtract the mean, then one scalar range over all coordinates,
// c' = ((c - cmin) / (cmax - cmin) - 0.5) * 2. Equivalently c' = (c - center) / scale.
struct PointNormalization {
  std::array<double, 3> center{0, 0, 0};  // input-unit point that maps to the origin
  double scale = 1;                       // input units per normalised unit
};
PointNormalization reference_normalization(const std::vector<float>& positions);

class SdfTask : public Task {
 public:
  explicit SdfTask(const OrientedPoints& points, int64_t on_surface_points = kDefaultOnSurfacePoints);


  std::string kind() const override { return "sdf"; }
  void configure_model(ModelSpec& spec) const override;
  void to(const torch::Device& device) override;
  int64_t num_points() const override { return positions_.size(0); }
  // The reference's PointCloud length: floor(points / batch), batch = on_surface_points unless batch_size > 0.
  int64_t steps_per_epoch(int64_t batch_size) const override;
  Batch sample(int64_t batch_size, at::Generator& gen) const override;
  bool needs_coordinate_gradients() const override { return true; }
  // ∇f: from a SIREN by the gradient node of sine_gradient.h, else by autograd (the trainer's choice).
  DerivativeOrder coordinate_derivatives() const override { return DerivativeOrder::First; }
  LossTerms losses_on_field(const torch::Tensor& coords, const FieldDerivatives& field,
                            const Batch& batch) const override;
  std::map<std::string, double> metrics(const torch::Tensor& output, const Batch& batch) const override;
  std::map<std::string, std::string> metadata() const override;

  const torch::Tensor& positions() const { return positions_; }  // (N, 3) normalised
  const torch::Tensor& normals() const { return normals_; }      // (N, 3) as given
  const PointNormalization& normalization() const { return normalization_; }
  int64_t on_surface_points() const { return on_surface_points_; }

 private:
  void load(const OrientedPoints& points);

  int64_t on_surface_points_ = kDefaultOnSurfacePoints;
  PointNormalization normalization_;
  torch::Tensor positions_;
  torch::Tensor normals_;
  // ∇f (detached) of the last losses_on_field() call, for metrics(), which only sees the detached output:
  // the trainer calls losses_on_field() then metrics() on the same batch (on a GPU, only at the progress cadence).
  mutable torch::Tensor last_gradient_;
};

// The reference's `sdf` loss on a batch whose gt "sdf" is 0 on-surface and -1 off-surface:
// sdf 3e3, inter 1e2, normal_constraint 1e2, grad_constraint 5e1, each a mean over all points.
LossTerms sdf_loss_terms(const torch::Tensor& output, const torch::Tensor& gradient, const torch::Tensor& gt_sdf,
                         const torch::Tensor& gt_normals);

}  // namespace siren
