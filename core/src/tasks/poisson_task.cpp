#include "siren/tasks/poisson_task.h"

#include <algorithm>

#include "siren/device_transfer.h"
#include "siren/errors.h"
#include "siren/grid.h"
#include "siren/image_size.h"
#include "siren/metrics.h"
#include "siren/positional_encoding.h"

namespace siren {

PoissonTask::PoissonTask(std::string kind, PoissonGroundTruth truth) : kind_(std::move(kind)) { load(std::move(truth)); }

void PoissonTask::load(PoissonGroundTruth truth) {
  if (truth.width <= 0 || truth.height <= 0) throw InvalidInput("the image has no pixels (0x0)");
  width_ = truth.width;
  height_ = truth.height;
  target_kind_ = truth.target;
  const int64_t n = int64_t{width_} * height_;
  const int64_t columns = target_kind_ == PoissonTarget::Gradients ? 2 : 1;
  if (static_cast<int64_t>(truth.values.size()) != n * columns || static_cast<int64_t>(truth.image.size()) != n)
    throw InvalidInput("Poisson ground truth does not match its " + std::to_string(width_) + "x" +
                       std::to_string(height_) + " size");
  coords_ = coordinate_grid({height_, width_});
  target_ = torch::from_blob(truth.values.data(), {n, columns}, torch::kFloat32).clone();
  image_ = torch::from_blob(truth.image.data(), {n, 1}, torch::kFloat32).clone();
}


void PoissonTask::configure_model(ModelSpec& spec) const {
  spec.in_features = 2;
  spec.out_features = 1;
  if (spec.activation == Activation::ReluPe && spec.pe_frequencies == 0)
    spec.pe_frequencies = reference_pe_frequencies(2, std::min(width_, height_));
}

void PoissonTask::to(const torch::Device& device) {
  coords_ = coords_.to(device);
  target_ = target_.to(device);
  image_ = image_.to(device);
}

Batch PoissonTask::sample(int64_t batch_size, at::Generator& gen) const {
  if (batch_size <= 0 || batch_size >= num_points()) return Batch{coords_, {{"target", target_}, {"image", image_}}};
  // Derivatives of an MLP are per point, so a random subset is a valid (if non-reference) batch.
  const torch::Tensor index =
      to_device_async(torch::randint(num_points(), {batch_size}, gen, torch::TensorOptions().dtype(torch::kLong)),
                      coords_.device());
  return Batch{coords_.index_select(0, index),
               {{"target", target_.index_select(0, index)}, {"image", image_.index_select(0, index)}}};
}

DerivativeOrder PoissonTask::coordinate_derivatives() const {
  return target_kind_ == PoissonTarget::Gradients ? DerivativeOrder::First : DerivativeOrder::Laplacian;
}

LossTerms PoissonTask::losses_on_field(const torch::Tensor& /*coords*/, const FieldDerivatives& field,
                                       const Batch& batch) const {
  const torch::Tensor& target = batch.field("target");
  if (target_kind_ == PoissonTarget::Gradients)
    return {{"gradients_loss", (field.jacobian.squeeze(1) - target).pow(2).sum(-1).mean()}};
  return {{"laplace_loss", (field.laplacian() - target).pow(2).mean()}};
}

std::map<std::string, double> PoissonTask::metrics(const torch::Tensor& output, const Batch& batch) const {
  // Only derivatives are supervised, so Phi carries a free constant, and its scale is whatever the
  // reference's factors (x10 or x1e4, Sobel's x32, the grid spacing) and Sobel's smoothing make it.
  // Comparing Phi with the image therefore needs a scale and an offset. We take the least-squares
  // a * Phi + b: the best any affine display can do, so the PSNR measures the reconstructed shape only
  // (min/max rescaling, the reference's display, can only do worse). A constant offset alone would
  // also charge the reconstruction for the scale the factors imply, which is not the network's error.
  // It costs a few reductions over the detached output: no extra backward.
  const torch::Tensor& image = batch.field("image");
  const AffineMatch fit = affine_match(output, image);
  const double mse = mse_on_unit_range(output.to(torch::kFloat64) * fit.scale + fit.offset, image);
  return {{"psnr", psnr_from_mse(mse)}, {"mse", mse}, {"fit_scale", fit.scale}, {"fit_offset", fit.offset}};
}

std::map<std::string, std::string> PoissonTask::metadata() const {
  return {{"width", std::to_string(width_)},
          {"height", std::to_string(height_)},
          {"channels", "1"},
          {"target", target_kind_ == PoissonTarget::Gradients ? "gradients" : "laplacian"}};
}

}  // namespace siren
