#include "siren/tasks/poisson_task.h"

#include <algorithm>

#include "siren/device_transfer.h"
#include "siren/errors.h"
#include "siren/grid.h"
#include "siren/image_size.h"
#include "siren/io/input_bundle.h"
#include "siren/metrics.h"
#include "siren/operators.h"
#include "siren/positional_encoding.h"

namespace siren {
namespace {

const std::string kBackground = "background";
const std::string kForeground = "foreground";

void check_options(const std::string& kind, const TaskSpec& spec) {
  for (const auto& [key, value] : spec.options)
    if (key != "size")
      throw InvalidInput("unknown " + kind + " task option \"" + key + "\"; known options: size (WxH, N or original)");
}

// The "size" option as ImageTask's, plus "original" to keep the input's size against the preset's.
Image sized(const Image& image, const TaskSpec& spec) {
  const auto it = spec.options.find("size");
  if (it == spec.options.end() || it->second.empty() || it->second == "original") return image;
  const ImageSize size = parse_image_size(it->second);
  return resize_image(image, size.width, size.height);
}

Image decode_named(const std::string& bytes, const std::string& what) {
  try {
    return decode_image(bytes);
  } catch (const InvalidInput& e) {
    throw InvalidInput(what + ": " + e.what());
  }
}

PoissonGroundTruth composite_input(const TaskSpec& spec, const std::string& bytes) {
  if (bytes.empty()) throw InvalidInput("the input is empty (0 bytes); poisson-composite needs a background and a foreground image");
  if (!InputBundle::looks_like_bundle(bytes))
    throw InvalidInput(
        "poisson-composite needs two images, a background and a foreground, packed in one input bundle "
        "(io/input_bundle.h); `siren fit poisson-composite BACKGROUND --foreground FOREGROUND` packs them. "
        "Got a single file");
  const InputBundle bundle = InputBundle::unpack(bytes);
  for (const std::string& name : bundle.names())
    if (name != kBackground && name != kForeground)
      throw InvalidInput("poisson-composite: unexpected file \"" + name + "\" in the input bundle; expected \"" +
                         kBackground + "\" and \"" + kForeground + "\"");
  for (const std::string& name : {kBackground, kForeground})
    if (!bundle.contains(name))
      throw InvalidInput("poisson-composite: the input bundle has no \"" + name + "\" image" +
                         (name == kForeground ? " (pass --foreground FILE)" : ""));
  const Image background = sized(decode_named(bundle.file(kBackground), "the background image"), spec);
  const Image foreground = decode_named(bundle.file(kForeground), "the foreground image");
  return composite_ground_truth(background, foreground);
}

PoissonGroundTruth ground_truth(const std::string& kind, const TaskSpec& spec, const std::string& bytes) {
  check_options(kind, spec);
  if (kind == kPoissonCompositeKind) return composite_input(spec, bytes);
  const Image image = sized(decode_image(bytes), spec);
  if (kind == kPoissonGradKind) return gradient_ground_truth(image);
  if (kind == kPoissonLaplKind) return laplacian_ground_truth(image);
  throw InvalidInput("unknown Poisson task kind \"" + kind + "\"");
}

}  // namespace

PoissonTask::PoissonTask(const std::string& kind, const TaskSpec& spec, const std::string& input_bytes)
    : kind_(kind) {
  load(ground_truth(kind, spec, input_bytes));
}

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

LossTerms PoissonTask::losses(const torch::Tensor& coords, const torch::Tensor& output, const Batch& batch) const {
  const torch::Tensor& target = batch.field("target");
  if (target_kind_ == PoissonTarget::Gradients)
    return {{"gradients_loss", (gradient(output, coords) - target).pow(2).sum(-1).mean()}};
  return {{"laplace_loss", (laplacian(output, coords) - target).pow(2).mean()}};
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
