#include "siren/tasks/wave_export.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "siren/colormap.h"
#include "siren/errors.h"
#include "siren/io/image.h"
#include "siren/tasks/field_plane.h"
#include "siren/tasks/wave_task.h"

namespace siren {
namespace {

constexpr int kDefaultSize = 256;
constexpr int kMaxSize = 1 << 14;
constexpr int kMaxSlices = 64;
constexpr int kDefaultSlices = 5;
constexpr double kRangeQuantile = 0.99;

// The time window the model was trained on, from its steps and pretraining phase (0 if unknown).
double trained_window(const FieldModel& model) {
  const auto& meta = model.info().metadata;
  const auto it = meta.find("pretrain_steps");
  const int64_t pretrain = it == meta.end() ? kWavePretrainSteps : std::strtoll(it->second.c_str(), nullptr, 10);
  return wave_time_window(model.info().steps, pretrain);
}

std::vector<float> parse_times(const ExportOptions& options, const FieldModel& model) {
  std::vector<float> times;
  const auto it = options.find("t");
  if (it == options.end() || it->second.empty()) {
    const double window = trained_window(model);
    if (window <= 0) return {0.0f};
    for (int i = 0; i < kDefaultSlices; ++i) times.push_back(static_cast<float>(window * i / (kDefaultSlices - 1)));
    return times;
  }
  std::stringstream in(it->second);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const double t = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !std::isfinite(t) || std::abs(t) > 1e6)
      throw InvalidInput("option t must be a time or a comma-separated list of times, e.g. 0,0.1,0.2; got \"" +
                         it->second + "\"");
    times.push_back(static_cast<float>(t));
  }
  if (times.empty() || times.size() > kMaxSlices)
    throw InvalidInput("option t must list 1 to " + std::to_string(kMaxSlices) + " times, got \"" + it->second + "\"");
  return times;
}

}  // namespace

TaskExporter wave_png_exporter() {
  ExportFormat format{
      "png", ".png", "time slices of the wavefield u(t, x, y) side by side, colour-mapped, any resolution",
      {{"t", "a time or comma-separated times, one slice each, left to right (default: 5 times spread over "
             "the window the model was trained on, 0 to 0.4 (steps - pretrain_steps) / 100,000)"},
       {"size", "width and height of each slice in pixels (default 256); rows are x, columns y"},
       {"range", "the value mapped to the map's ends, +-range (default: the 99th percentile of |u| over all "
                 "slices)"}}};
  auto write = [](const FieldModel& model, const ExportOptions& options, const ByteSink& sink, int64_t max_samples) {
    if (model.in_features() != 3 || model.out_features() != 1)
      throw InvalidInput("a wave image needs a field with 3 inputs (t, x, y) and 1 output");
    const std::vector<float> times = parse_times(options, model);
    const int size = export_int_option(options, "size", kDefaultSize, 1, kMaxSize);
    const auto slices = static_cast<int>(times.size());
    check_export_samples(int64_t{size} * size * slices, max_samples,
                         std::to_string(slices) + " slice(s) of " + std::to_string(size) + "x" + std::to_string(size));
    std::vector<std::vector<float>> planes;
    std::vector<float> all;
    for (float t : times) {
      planes.push_back(evaluate_field_plane(model, size, {t}));
      all.insert(all.end(), planes.back().begin(), planes.back().end());
    }
    const double range = export_double_option(options, "range", abs_quantile(all, kRangeQuantile), 1e-30, 1e30);
    // Tiles side by side: one wide image, row r = row r of every slice in turn.
    const int width = size * slices;
    std::vector<float> strip(static_cast<size_t>(width) * size);
    for (int s = 0; s < slices; ++s)
      for (int r = 0; r < size; ++r)
        std::copy_n(planes[s].begin() + static_cast<std::ptrdiff_t>(r) * size, size,
                    strip.begin() + static_cast<std::ptrdiff_t>(r) * width + static_cast<std::ptrdiff_t>(s) * size);
    sink(encode_png(colormap_image(strip, width, size, Colormap::RdBu, -range, range)));
  };
  return {format, write};
}

}  // namespace siren
