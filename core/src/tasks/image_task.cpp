#include "siren/tasks/image_task.h"

#include "siren/device_transfer.h"
#include "siren/errors.h"
#include "siren/grid.h"
#include "siren/image_size.h"
#include "siren/metrics.h"
#include "siren/positional_encoding.h"

namespace siren {

torch::Tensor normalized_pixels(const Image& image) {
  const auto n = static_cast<int64_t>(image.width) * image.height;
  torch::Tensor t = torch::from_blob(const_cast<float*>(image.pixels.data()), {n, image.channels}, torch::kFloat32);
  return ((t - 0.5f) / 0.5f).contiguous();
}

Image image_from_normalized(const torch::Tensor& values, int width, int height) {
  const torch::Tensor unit = (values.detach().to(torch::kCPU, torch::kFloat32) / 2 + 0.5).clamp(0.0, 1.0).contiguous();
  Image img{width, height, static_cast<int>(unit.size(1)), {}};
  img.pixels.assign(unit.data_ptr<float>(), unit.data_ptr<float>() + unit.numel());
  return img;
}

ImageTask::ImageTask(const Image& image) { load(image); }

void ImageTask::load(const Image& image) {
  if (image.width <= 0 || image.height <= 0) throw InvalidInput("the image has no pixels (0x0)");
  width_ = image.width;
  height_ = image.height;
  channels_ = image.channels;
  coords_ = coordinate_grid({height_, width_});
  values_ = normalized_pixels(image);
}

void ImageTask::configure_model(ModelSpec& spec) const {
  spec.in_features = 2;
  spec.out_features = channels_;
  if (spec.activation == Activation::ReluPe && spec.pe_frequencies == 0)
    spec.pe_frequencies = reference_pe_frequencies(2, std::min(width_, height_));
}

void ImageTask::to(const torch::Device& device) {
  coords_ = coords_.to(device);
  values_ = values_.to(device);
}

Batch ImageTask::sample(int64_t batch_size, at::Generator& gen) const {
  if (batch_size <= 0 || batch_size >= num_points()) return Batch{coords_, {{"values", values_}}};
  const torch::Tensor index =
      to_device_async(torch::randint(num_points(), {batch_size}, gen, torch::TensorOptions().dtype(torch::kLong)),
                      coords_.device());
  return Batch{coords_.index_select(0, index), {{"values", values_.index_select(0, index)}}};
}

LossTerms ImageTask::losses(const torch::Tensor&, const torch::Tensor& output, const Batch& batch) const {
  return {{"img_loss", (output - batch.field("values")).pow(2).mean()}};
}

std::map<std::string, double> ImageTask::metrics(const torch::Tensor& output, const Batch& batch) const {
  const double mse = mse_on_unit_range(output, batch.field("values"));
  return {{"psnr", psnr_from_mse(mse)}, {"mse", mse}};
}

std::map<std::string, std::string> ImageTask::metadata() const {
  return {{"width", std::to_string(width_)},
          {"height", std::to_string(height_)},
          {"channels", std::to_string(channels_)}};
}

}  // namespace siren
