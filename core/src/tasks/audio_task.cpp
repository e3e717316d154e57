#include "siren/tasks/audio_task.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "siren/device_transfer.h"
#include "siren/errors.h"
#include "siren/exact_text.h"
#include "siren/positional_encoding.h"

namespace siren {

std::vector<float> audio_time_coordinates(int64_t n, double time_scale) {
  std::vector<float> t(static_cast<size_t>(std::max<int64_t>(n, 0)));
  const double start = -time_scale, stop = time_scale;
  const double step = n > 1 ? (stop - start) / double(n - 1) : 0.0;
  for (int64_t i = 0; i < n; ++i) t[static_cast<size_t>(i)] = static_cast<float>(double(i) * step + start);
  if (n > 1) t.back() = static_cast<float>(stop);
  return t;
}

AudioTask::AudioTask(const Audio& audio, double time_scale) { load(audio, time_scale); }

void AudioTask::load(const Audio& audio, double time_scale) {
  if (audio.samples.empty()) throw InvalidInput("the audio has no samples (0 frames)");
  if (audio.sample_rate <= 0) throw InvalidInput("the audio has no sample rate");
  if (!(time_scale > 0.0 && std::isfinite(time_scale))) throw InvalidInput("time_scale must be positive");
  double peak = 0.0;
  for (float v : audio.samples) peak = std::max(peak, double(std::fabs(v)));
  if (!(peak > 0.0)) throw InvalidInput("the audio is silent (every sample is 0): there is nothing to fit");
  sample_rate_ = audio.sample_rate;
  time_scale_ = time_scale;
  // The reference divides the float32 samples by the float32 max |x| (numpy keeps float32).
  const float peak32 = static_cast<float>(peak);
  scale_ = peak32;
  const auto n = static_cast<int64_t>(audio.samples.size());
  const std::vector<float> t = audio_time_coordinates(n, time_scale);
  coords_ = torch::from_blob(const_cast<float*>(t.data()), {n, 1}, torch::kFloat32).clone();
  values_ = (torch::from_blob(const_cast<float*>(audio.samples.data()), {n, 1}, torch::kFloat32) / peak32).contiguous();
}

void AudioTask::configure_model(ModelSpec& spec) const {
  spec.in_features = 1;
  spec.out_features = 1;
  // PosEncodingNeRF with fn_samples = len(data): floor(log2(n / 4)) frequencies (16 for gt_bach.wav).
  if (spec.activation == Activation::ReluPe && spec.pe_frequencies == 0)
    spec.pe_frequencies = reference_pe_frequencies(1, num_points());
}

void AudioTask::to(const torch::Device& device) {
  coords_ = coords_.to(device);
  values_ = values_.to(device);
}

Batch AudioTask::sample(int64_t batch_size, at::Generator& gen) const {
  if (batch_size <= 0 || batch_size >= num_points()) return Batch{coords_, {{"values", values_}}};
  const torch::Tensor index =
      to_device_async(torch::randint(num_points(), {batch_size}, gen, torch::TensorOptions().dtype(torch::kLong)),
                      coords_.device());
  return Batch{coords_.index_select(0, index), {{"values", values_.index_select(0, index)}}};
}

LossTerms AudioTask::losses(const torch::Tensor&, const torch::Tensor& output, const Batch& batch) const {
  return {{"func_loss", (output - batch.field("values")).pow(2).mean()}};
}

std::map<std::string, double> AudioTask::metrics(const torch::Tensor& output, const Batch& batch) const {
  torch::NoGradGuard no_grad;
  const torch::Tensor error = output.to(torch::kFloat64) - batch.field("values").to(torch::kFloat64);
  const double mse = error.pow(2).mean().item<double>();
  return {{"mse", mse}};
}

std::map<std::string, std::string> AudioTask::metadata() const {
  return {{"sample_rate", std::to_string(sample_rate_)},
          {"samples", std::to_string(num_points())},
          {"scale", exact_text(scale_)},
          {"time_scale", exact_text(time_scale_)}};
}

}  // namespace siren
