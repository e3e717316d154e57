#pragma once
// Video fitting (the reference's train_video, the paper's Sec. 4.1): a field (t, row, col) in [-1,1]^3
// -> RGB in [-1,1] on get_mgrid((T, H, W)). Every step draws int(sample_fraction * T*H*W) voxels at
// random WITH replacement (the reference's Implicit3DWrapper, sample_frac 38e-4); a positive
// TrainOptions.batch_size sets that count instead (the full clip, in order, when it is >= T*H*W).
// Loss = the MSE over the drawn voxels ("img_loss"); PSNR/MSE as the image task, on the drawn voxels.
// Options: "sample_fraction" (default 38e-4), "size" = "WxH" or "N" to resize every frame, "max_frames"
// = keep only the first N frames.
#include "siren/fit_config.h"
#include "siren/io/video.h"
#include "siren/task.h"

namespace siren {

constexpr double kDefaultVideoSampleFraction = 38e-4;
constexpr int64_t kDefaultVideoSummaryEvery = 1000;  // train_video.py's steps_til_summary

class VideoTask : public Task {
 public:
  // summary_every: steps between whole-frame PSNRs (summary_metrics), as the reference's summaries.
  explicit VideoTask(const Video& video, double sample_fraction = kDefaultVideoSampleFraction,
                     int64_t summary_every = kDefaultVideoSummaryEvery);


  std::string kind() const override { return "video"; }
  void configure_model(ModelSpec& spec) const override;
  void to(const torch::Device& device) override;
  int64_t num_points() const override { return values_.size(0); }
  Batch sample(int64_t batch_size, at::Generator& gen) const override;
  LossTerms losses(const torch::Tensor& coords, const torch::Tensor& output, const Batch& batch) const override;
  // batch_psnr / batch_mse: on the step's random voxels.
  std::map<std::string, double> metrics(const torch::Tensor& output, const Batch& batch) const override;
  int64_t summary_every() const override { return summary_every_; }
  // psnr / mse as the reference's write_video_summary: frames 0, 60, 120 and 200 (those the clip has),
  // whole, the prediction mapped to [0, 1] and clamped, one mean squared error over them all.
  std::map<std::string, double> summary_metrics(const FieldModel& field) const override;
  // The frames summary_metrics scores.
  std::vector<int> summary_frames() const;
  std::map<std::string, std::string> metadata() const override;

  int frames() const { return frames_; }
  int width() const { return width_; }
  int height() const { return height_; }
  double fps() const { return fps_; }
  double sample_fraction() const { return sample_fraction_; }
  // Voxels drawn per step when TrainOptions.batch_size is 0: int(sample_fraction * T*H*W), at least 1.
  int64_t default_batch_size() const;
  const torch::Tensor& values() const { return values_; }  // (T*H*W, 3) in [-1, 1], row-major (t, row, col)
  // The get_mgrid coordinates (t, row, col) of flat voxel indices (a long tensor) -> (n, 3) float32.
  torch::Tensor coords_of(const torch::Tensor& index) const;

 private:
  void load(const Video& video, double sample_fraction);

  int frames_ = 0, width_ = 0, height_ = 0;
  double fps_ = 0.0;
  double sample_fraction_ = kDefaultVideoSampleFraction;
  int64_t summary_every_ = kDefaultVideoSummaryEvery;
  // The grid is separable: one axis per dimension, gathered per batch instead of a (T*H*W, 3) tensor.
  torch::Tensor t_axis_, row_axis_, col_axis_;
  torch::Tensor values_;
};

// The get_mgrid coordinate of sample i on an axis of n samples ((i / (n - 1) - 0.5) * 2, 0 when n = 1),
// for fractional i too (frame interpolation). Bit-identical to coordinate_grid for integer i.
float grid_axis_coordinate(double i, int64_t n);

}  // namespace siren
