#include "siren/tasks/image_inpainting_task.h"

#include "siren/device_transfer.h"
#include "siren/errors.h"
#include "siren/metrics.h"
#include "siren/operators.h"
#include "siren/task_kinds.h"
#include "siren/tasks/inpainting_mask.h"

namespace siren {
namespace {

torch::Tensor uniform(int64_t rows, at::Generator& gen) {
  return torch::rand({rows, 2}, gen, torch::TensorOptions().dtype(torch::kFloat32));
}

}  // namespace

InpaintingPrior inpainting_prior_from_name(const std::string& name) {
  if (name == "none") return InpaintingPrior::None;
  if (name == "tv") return InpaintingPrior::TotalVariation;
  if (name == "fh") return InpaintingPrior::FrobeniusHessian;
  throw InvalidInput("unknown inpainting prior \"" + name + "\"; known: none, tv, fh");
}

ImageInpaintingTask::ImageInpaintingTask(const Image& image, torch::Tensor mask, InpaintingOptions options)
    : ImageTask(image), mask_(std::move(mask)), options_(options) {
  if (mask_.dim() != 2 || mask_.size(0) != num_points() || mask_.size(1) != 1)
    throw InvalidInput("the inpainting mask must have one value per pixel");
  observed_pixels_ = observed_pixel_count(mask_);
  if (observed_pixels_ == 0) throw InvalidInput("the inpainting mask observes no pixel: there is nothing to fit");
}

std::string ImageInpaintingTask::kind() const { return kImageInpaintingKind; }

void ImageInpaintingTask::to(const torch::Device& device) {
  ImageTask::to(device);
  mask_ = mask_.to(device);
}

// The reference's ImageDownsampling.forward_bilinear: each coordinate moves by a draw of the triangle
// kernel on [-1, 1], scaled by 1 / (pixels along its axis), so the field is fit to a pixel's
// neighbourhood rather than its centre.
torch::Tensor ImageInpaintingTask::jittered(const torch::Tensor& coords, at::Generator& gen) const {
  const int64_t n = coords.size(0);
  const torch::Tensor below = uniform(n, gen).sqrt() - 1;  // in [-1, 0]
  const torch::Tensor above = 1 - uniform(n, gen).sqrt();  // in [0, 1]
  const torch::Tensor pick_below = uniform(n, gen) < 0.5;
  const torch::Tensor sides = torch::tensor({float(height()), float(width())});  // coords are (row, col)
  const torch::Tensor offset = torch::where(pick_below, below, above) / sides;
  return coords + to_device_async(offset, coords.device());
}

// The reference's prior points: half as many as the pixels, uniform in [-1, 1]^2. (Its model also
// jitters them when downsampling; jittered uniform points are still uniform, so they are not.)
torch::Tensor ImageInpaintingTask::prior_points(at::Generator& gen) const {
  const int64_t count = std::max<int64_t>(1, num_points() / 2);
  return to_device_async(uniform(count, gen) * 2 - 1, coords().device());
}

Batch ImageInpaintingTask::sample(int64_t batch_size, at::Generator& gen) const {
  Batch batch{coords(), {{"values", values()}, {"mask", mask_}}};
  if (batch_size > 0 && batch_size < num_points()) {
    const torch::Tensor index = to_device_async(
        torch::randint(num_points(), {batch_size}, gen, torch::TensorOptions().dtype(torch::kLong)), coords().device());
    batch = Batch{coords().index_select(0, index),
                  {{"values", values().index_select(0, index)}, {"mask", mask_.index_select(0, index)}}};
  }
  if (options_.downsample) batch.coords = jittered(batch.coords, gen);
  if (options_.prior != InpaintingPrior::None) batch.coords = torch::cat({batch.coords, prior_points(gen)}, 0);
  return batch;
}

// The prior on the rows after the first `pixels` (the random points); derivatives are taken w.r.t. the
// whole coordinate tensor, whose pixel rows get zero (each output row depends on its own point only).
torch::Tensor ImageInpaintingTask::prior_loss(const torch::Tensor& coords, const torch::Tensor& output,
                                              int64_t pixels) const {
  const int64_t points = output.size(0) - pixels;
  const torch::Tensor field = output.narrow(0, pixels, points);
  if (options_.prior == InpaintingPrior::TotalVariation)
    return gradient(field, coords).narrow(0, pixels, points).abs().mean();
  // FH: the Frobenius norm of every channel's Hessian together (the reference's hessian(...).norm).
  std::vector<torch::Tensor> hessians;
  for (int64_t c = 0; c < field.size(1); ++c) {
    const torch::Tensor grad = gradient(field.narrow(1, c, 1), coords);
    hessians.push_back(jacobian(grad, coords).narrow(0, pixels, points).reshape({points, -1}));
  }
  return torch::cat(hessians, 1).norm(2, 1).mean();
}

LossTerms ImageInpaintingTask::losses(const torch::Tensor& coords, const torch::Tensor& output,
                                      const Batch& batch) const {
  const torch::Tensor& values = batch.field("values");
  const int64_t pixels = values.size(0);
  const torch::Tensor error = output.narrow(0, 0, pixels) - values;
  // mean over every pixel, observed or not: the reference's image_mse(mask, ...).
  LossTerms terms{{"img_loss", (batch.field("mask") * error.pow(2)).mean()}};
  if (options_.prior != InpaintingPrior::None)
    terms.emplace_back("prior_loss", options_.k1 * prior_loss(coords, output, pixels));
  return terms;
}

std::map<std::string, double> ImageInpaintingTask::metrics(const torch::Tensor& output, const Batch& batch) const {
  const torch::Tensor& values = batch.field("values");
  const torch::Tensor prediction = output.narrow(0, 0, values.size(0));
  const double mse = mse_on_unit_range(prediction, values);
  std::map<std::string, double> out{{"psnr", psnr_from_mse(mse)}, {"mse", mse}};
  const torch::Tensor seen = batch.field("mask").squeeze(1) > 0.5;
  if (seen.any().item<bool>())
    out["psnr_observed"] = psnr_from_mse(mse_on_unit_range(prediction.index({seen}), values.index({seen})));
  return out;
}

std::map<std::string, std::string> ImageInpaintingTask::metadata() const {
  std::map<std::string, std::string> meta = ImageTask::metadata();
  meta["observed_pixels"] = std::to_string(observed_pixels_);
  return meta;
}

}  // namespace siren
