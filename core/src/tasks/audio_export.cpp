#include "siren/tasks/audio_export.h"

#include <algorithm>

#include "siren/errors.h"
#include "siren/io/audio.h"
#include "siren/tasks/audio_task.h"

namespace siren {
namespace {

constexpr int64_t kQueryChunk = 1 << 16;  // samples per query: bounds the coordinate/output buffers

}  // namespace

TaskExporter audio_wav_exporter() {
  ExportFormat format{"wav", ".wav",
                      "the audio field sampled over the fitted duration, as a mono 32-bit float WAV",
                      {{"rate", "sample rate in Hz: another rate resamples the continuous field, e.g. 2x the "
                                "original for super-resolution (default: the original rate)"}}};
  auto write = [](const FieldModel& model, const ExportOptions& options, const ByteSink& sink, int64_t max_samples) {
    const auto& meta = model.info().metadata;
    const int original_rate = std::stoi(meta.at("sample_rate"));
    const int64_t original_samples = std::stoll(meta.at("samples"));
    const double scale = std::stod(meta.at("scale"));
    const double time_scale = std::stod(meta.at("time_scale"));
    const int rate = export_int_option(options, "rate", original_rate, 1, 1 << 20);

    // Sample j sits at j / rate seconds; the fitted samples span (n - 1) / original_rate seconds, which
    // the coordinates map onto [-time_scale, time_scale]. At the original rate the coordinates are exactly
    // the training ones.
    const int64_t samples = (original_samples - 1) * rate / original_rate + 1;  // int64: no overflow, no rounding
    check_export_samples(samples, max_samples, std::to_string(samples) + " audio samples");
    std::vector<float> coords;
    if (rate == original_rate) {
      coords = audio_time_coordinates(samples, time_scale);
    } else {
      coords.resize(static_cast<size_t>(samples));
      const double step =
          original_samples > 1 ? 2.0 * time_scale * original_rate / (double(original_samples - 1) * rate) : 0.0;
      for (int64_t j = 0; j < samples; ++j)
        coords[static_cast<size_t>(j)] = static_cast<float>(-time_scale + double(j) * step);
    }

    Audio audio;
    audio.sample_rate = rate;
    audio.samples.reserve(static_cast<size_t>(samples));
    for (int64_t start = 0; start < samples; start += kQueryChunk) {
      const int64_t n = std::min(kQueryChunk, samples - start);
      const std::vector<float> chunk(coords.begin() + start, coords.begin() + start + n);
      for (float v : model.query(chunk)) audio.samples.push_back(static_cast<float>(v * scale));
    }
    sink(encode_wav(audio));
  };
  return {format, write};
}

}  // namespace siren
