#include "siren/tasks/video_task.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "siren/device_transfer.h"
#include "siren/errors.h"
#include "siren/exact_text.h"
#include "siren/field_model.h"
#include "siren/grid.h"
#include "siren/image_size.h"
#include "siren/metrics.h"
#include "siren/positional_encoding.h"

namespace siren {

float grid_axis_coordinate(double i, int64_t n) {
  if (n <= 1) return 0.0f;
  return static_cast<float>((i / double(n - 1) - 0.5) * 2.0);
}

VideoTask::VideoTask(const Video& video, double sample_fraction, int64_t summary_every)
    : summary_every_(summary_every) {
  load(video, sample_fraction);
}

void VideoTask::load(const Video& video, double sample_fraction) {
  if (video.frames <= 0 || video.width <= 0 || video.height <= 0)
    throw InvalidInput("the video has no frames or no pixels");
  if (video.pixels.size() != static_cast<size_t>(video.frames) * video.frame_values())
    throw InvalidInput("the video's pixel buffer does not match its frames x height x width x 3");
  if (!(sample_fraction > 0.0 && sample_fraction <= 1.0)) throw InvalidInput("sample_fraction must be in (0, 1]");
  frames_ = video.frames;
  width_ = video.width;
  height_ = video.height;
  fps_ = video.fps;
  sample_fraction_ = sample_fraction;
  t_axis_ = coordinate_grid({frames_}).reshape({-1});
  row_axis_ = coordinate_grid({height_}).reshape({-1});
  col_axis_ = coordinate_grid({width_}).reshape({-1});
  const int64_t n = int64_t{frames_} * height_ * width_;
  const torch::Tensor pixels = torch::from_blob(const_cast<float*>(video.pixels.data()), {n, 3}, torch::kFloat32);
  values_ = ((pixels - 0.5f) / 0.5f).contiguous();  // (vid - 0.5) / 0.5, as Implicit3DWrapper
}

void VideoTask::configure_model(ModelSpec& spec) const {
  spec.in_features = 3;
  spec.out_features = 3;
  if (spec.activation == Activation::ReluPe && spec.pe_frequencies == 0)
    spec.pe_frequencies = reference_pe_frequencies(3, std::min({frames_, height_, width_}));  // 10 for 3-D
}

void VideoTask::to(const torch::Device& device) {
  t_axis_ = t_axis_.to(device);
  row_axis_ = row_axis_.to(device);
  col_axis_ = col_axis_.to(device);
  values_ = values_.to(device);
}

int64_t VideoTask::default_batch_size() const {
  // int(sample_fraction * T*H*W) as the reference (truncation), but never an empty batch.
  return std::max<int64_t>(1, static_cast<int64_t>(sample_fraction_ * static_cast<double>(num_points())));
}

torch::Tensor VideoTask::coords_of(const torch::Tensor& index) const {
  const int64_t plane = int64_t{height_} * width_;
  const torch::Tensor t = index.div(plane, "floor");
  const torch::Tensor in_plane = index - t * plane;
  const torch::Tensor row = in_plane.div(width_, "floor");
  const torch::Tensor col = in_plane - row * width_;
  return torch::stack({t_axis_.index_select(0, t), row_axis_.index_select(0, row), col_axis_.index_select(0, col)}, 1);
}

Batch VideoTask::sample(int64_t batch_size, at::Generator& gen) const {
  const torch::Device device = values_.device();
  if (batch_size >= num_points()) {  // an explicit batch covering the clip: every voxel, in order
    const torch::Tensor index = torch::arange(num_points(), torch::TensorOptions().dtype(torch::kLong).device(device));
    return Batch{coords_of(index), {{"values", values_}}};
  }
  const int64_t count = batch_size > 0 ? batch_size : default_batch_size();
  // torch.randint(0, T*H*W, (count,)): with replacement, from the trainer's generator.
  const torch::Tensor index =
      to_device_async(torch::randint(num_points(), {count}, gen, torch::TensorOptions().dtype(torch::kLong)), device);
  return Batch{coords_of(index), {{"values", values_.index_select(0, index)}}};
}

LossTerms VideoTask::losses(const torch::Tensor&, const torch::Tensor& output, const Batch& batch) const {
  return {{"img_loss", (output - batch.field("values")).pow(2).mean()}};
}

std::map<std::string, double> VideoTask::metrics(const torch::Tensor& output, const Batch& batch) const {
  const double mse = mse_on_unit_range(output, batch.field("values"));
  return {{"batch_psnr", psnr_from_mse(mse)}, {"batch_mse", mse}};
}

std::vector<int> VideoTask::summary_frames() const {
  std::vector<int> frames;
  for (int f : {0, 60, 120, 200})
    if (f < frames_) frames.push_back(f);
  return frames;
}

std::map<std::string, double> VideoTask::summary_metrics(const FieldModel& field) const {
  const torch::Tensor rows = row_axis_.to(torch::kCPU), cols = col_axis_.to(torch::kCPU);
  const torch::Tensor plane = torch::stack(torch::meshgrid({rows, cols}, "ij"), -1).reshape({-1, 2});
  const int64_t pixels = plane.size(0);
  const std::vector<int> frames = summary_frames();
  double mse = 0.0;  // every frame has as many pixels: the mean of theirs is the pooled one
  for (int f : frames) {
    const torch::Tensor coords = torch::cat({torch::full({pixels, 1}, t_axis_[f].item<float>()), plane}, 1).contiguous();
    std::vector<float> out = field.query(std::vector<float>(coords.data_ptr<float>(), coords.data_ptr<float>() + coords.numel()));
    const torch::Tensor predicted = torch::from_blob(out.data(), {pixels, 3}, torch::kFloat32);
    mse += mse_on_unit_range(predicted, values_.narrow(0, int64_t{f} * pixels, pixels).to(torch::kCPU));
  }
  mse /= static_cast<double>(frames.size());
  return {{"psnr", psnr_from_mse(mse)}, {"mse", mse}};
}

std::map<std::string, std::string> VideoTask::metadata() const {
  return {{"frames", std::to_string(frames_)},
          {"width", std::to_string(width_)},
          {"height", std::to_string(height_)},
          {"channels", "3"},
          {"fps", exact_text(fps_)},
          {"sample_fraction", exact_text(sample_fraction_)}};
}

}  // namespace siren
