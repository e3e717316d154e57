#include "siren/tasks/image_export.h"

#include <algorithm>
#include <cmath>

#include "siren/errors.h"
#include "siren/io/image.h"
#include "siren/tasks/video_task.h"

namespace siren {
namespace {

constexpr int kMaxSide = 1 << 15;
constexpr int64_t kPixelsPerQuery = 1 << 16;  // bounds the coordinate buffer of one query

}  // namespace

const std::vector<ExportOption>& grid_size_options() {
  static const std::vector<ExportOption> options = {
      {"width", "output width in pixels (default: the fitted width, times scale)"},
      {"height", "output height in pixels (default: the fitted height, times scale)"},
      {"scale", "multiply the fitted size, e.g. 2 = 2x super-resolution (default 1)"}};
  return options;
}

GridSize export_grid_size(const FieldModel& model, const ExportOptions& options, int64_t max_samples) {
  const auto& meta = model.info().metadata;
  const double scale = export_double_option(options, "scale", 1.0, 1e-3, 1e3);
  const int width =
      export_int_option(options, "width", static_cast<int>(std::lround(std::stoi(meta.at("width")) * scale)), 1, kMaxSide);
  const int height = export_int_option(
      options, "height", static_cast<int>(std::lround(std::stoi(meta.at("height")) * scale)), 1, kMaxSide);
  check_export_samples(int64_t{width} * height, max_samples,
                       std::to_string(width) + "x" + std::to_string(height) + " pixels");
  return {width, height};
}

std::vector<float> sample_field_grid(const FieldModel& model, int width, int height) {
  if (width <= 0 || height <= 0) throw InvalidInput("grid size must be positive");
  std::vector<float> rows(static_cast<size_t>(height)), cols(static_cast<size_t>(width));
  for (int r = 0; r < height; ++r) rows[static_cast<size_t>(r)] = grid_axis_coordinate(r, height);
  for (int c = 0; c < width; ++c) cols[static_cast<size_t>(c)] = grid_axis_coordinate(c, width);
  const int64_t total = int64_t{width} * height;
  std::vector<float> values, coords;
  values.reserve(static_cast<size_t>(total) * static_cast<size_t>(model.out_features()));
  for (int64_t start = 0; start < total; start += kPixelsPerQuery) {
    const int64_t n = std::min(kPixelsPerQuery, total - start);
    coords.clear();
    for (int64_t p = start; p < start + n; ++p) {
      coords.push_back(rows[static_cast<size_t>(p / width)]);
      coords.push_back(cols[static_cast<size_t>(p % width)]);
    }
    const std::vector<float> out = model.query(coords);
    values.insert(values.end(), out.begin(), out.end());
  }
  return values;
}

TaskExporter image_png_exporter() {
  ExportFormat format{"png", ".png", "the image field sampled on a grid over [-1,1]^2, any resolution",
                      grid_size_options()};
  auto write = [](const FieldModel& model, const ExportOptions& options, const ByteSink& sink, int64_t max_samples) {
    const GridSize size = export_grid_size(model, options, max_samples);
    sink(encode_png(model.render_image(size.width, size.height)));
  };
  return {format, write};
}

}  // namespace siren
