#pragma once
// Audio fitting (the reference's train_audio, the paper's Sec. 4.1 / supplement): one coordinate per
// sample, t = linspace(-time_scale, time_scale, n) (the reference scales time to [-100, 100] so that
// omega0 = 30 spans the audio's frequencies), amplitudes divided by max|x|, loss = the MSE of the
// normalised amplitude (the reference's function_mse, "func_loss"), metric "mse" (what the paper reports).
// Options: "time_scale" = half the width of the time axis (default 100).
#include "siren/fit_config.h"
#include "siren/io/audio.h"
#include "siren/task.h"

namespace siren {

constexpr double kDefaultAudioTimeScale = 100.0;

class AudioTask : public Task {
 public:
  explicit AudioTask(const Audio& audio, double time_scale = kDefaultAudioTimeScale);


  std::string kind() const override { return "audio"; }
  void configure_model(ModelSpec& spec) const override;
  void to(const torch::Device& device) override;
  int64_t num_points() const override { return coords_.size(0); }
  Batch sample(int64_t batch_size, at::Generator& gen) const override;
  LossTerms losses(const torch::Tensor& coords, const torch::Tensor& output, const Batch& batch) const override;
  std::map<std::string, double> metrics(const torch::Tensor& output, const Batch& batch) const override;
  std::map<std::string, std::string> metadata() const override;

  int sample_rate() const { return sample_rate_; }
  double scale() const { return scale_; }
  double time_scale() const { return time_scale_; }
  const torch::Tensor& coords() const { return coords_; }  // (n, 1)
  const torch::Tensor& values() const { return values_; }  // (n, 1), max |value| = 1

 private:
  void load(const Audio& audio, double time_scale);

  int sample_rate_ = 0;
  double scale_ = 1.0;  // max |x| of the input: amplitude = value * scale
  double time_scale_ = kDefaultAudioTimeScale;
  torch::Tensor coords_;
  torch::Tensor values_;
};

// numpy.linspace(-time_scale, time_scale, n) in float64 (i * step + start, the last one exactly the end),
// then rounded to float32, as the reference's ImplicitAudioWrapper. n = 1 gives {-time_scale}.
std::vector<float> audio_time_coordinates(int64_t n, double time_scale);

}  // namespace siren
