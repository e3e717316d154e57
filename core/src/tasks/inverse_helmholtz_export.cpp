#include "siren/tasks/inverse_helmholtz_export.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

#include "siren/colormap.h"
#include "siren/errors.h"
#include "siren/grid.h"
#include "siren/io/image.h"
#include "siren/tasks/field_plane.h"
#include "siren/tasks/helmholtz_export.h"
#include "siren/tasks/inverse_helmholtz_task.h"

namespace siren {
namespace {

constexpr int kDefaultSize = 256;  // the reference's write_helmholtz_summary grid
constexpr int kMaxSize = 1 << 14;

int source_count(const FieldModel& model, const std::string& what) {
  if (model.in_features() != 2 || model.out_features() < 3 || model.out_features() % 2 == 0)
    throw InvalidInput(what + " needs a field with 2 inputs and 2 S + 1 outputs (S wavefields and the slowness), got " +
                       std::to_string(model.in_features()) + " -> " + std::to_string(model.out_features()));
  return (model.out_features() - 1) / 2;
}

// The q-quantile of the values (0 <= q <= 1).
double quantile(std::vector<float> values, double q) {
  const auto k = static_cast<size_t>(q * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

// "x,y;x,y" (the task's metadata) -> points; malformed entries are skipped (markers are decoration).
std::vector<std::array<double, 2>> parse_points(const std::string& text) {
  std::vector<std::array<double, 2>> points;
  std::stringstream entries(text);
  std::string entry;
  while (std::getline(entries, entry, ';')) {
    std::array<double, 2> p{};
    char comma = 0;
    std::stringstream in(entry);
    if (in >> p[0] >> comma >> p[1] && comma == ',') points.push_back(p);
  }
  return points;
}

// A small filled square at each point (rows are x, columns y, as the field's grid).
void mark(Image& image, const std::vector<std::array<double, 2>>& points, float value) {
  const int radius = std::max(1, image.width / 128);
  for (const auto& p : points) {
    const int row = static_cast<int>(std::lround((p[0] + 1) / 2 * (image.height - 1)));
    const int col = static_cast<int>(std::lround((p[1] + 1) / 2 * (image.width - 1)));
    for (int r = std::max(0, row - radius); r <= std::min(image.height - 1, row + radius); ++r)
      for (int c = std::max(0, col - radius); c <= std::min(image.width - 1, col + radius); ++c)
        for (int ch = 0; ch < image.channels; ++ch)
          image.pixels[(static_cast<size_t>(r) * image.width + c) * image.channels + ch] = value;
  }
}

std::string metadata_value(const FieldModel& model, const std::string& key) {
  const auto& metadata = model.info().metadata;
  const auto it = metadata.find(key);
  return it == metadata.end() ? "" : it->second;
}

}  // namespace

TaskExporter inverse_helmholtz_velocity_exporter() {
  ExportFormat format{
      "png", ".png", "the recovered velocity 1/sqrt(m) on a square grid over [-1,1]^2, viridis, any resolution",
      {{"size", "width and height in pixels (default 256); rows are x, columns y"},
       {"min", "the velocity at the map's low end (default: the 1st percentile, as the reference's summaries)"},
       {"max", "the velocity at the map's high end (default: the 99th percentile)"},
       {"markers", "on (default): sources white, receivers black; off: the velocity alone"}}};
  auto write = [](const FieldModel& model, const ExportOptions& options, const ByteSink& sink, int64_t max_samples) {
    const int sources = source_count(model, "an inverse-helmholtz velocity image");
    const int size = export_int_option(options, "size", kDefaultSize, 1, kMaxSize);
    std::string markers = "on";
    if (const auto it = options.find("markers"); it != options.end() && !it->second.empty()) markers = it->second;
    if (markers != "on" && markers != "off") throw InvalidInput("option markers must be on or off, got \"" + markers + "\"");
    check_export_samples(int64_t{size} * size, max_samples, std::to_string(size) + "x" + std::to_string(size) + " pixels");
    const std::vector<float> field = evaluate_field_plane(model, size);
    const int outputs = 2 * sources + 1;
    const int64_t pixels = int64_t{size} * size;
    torch::Tensor q = torch::from_blob(const_cast<float*>(field.data()), {pixels, outputs}).narrow(1, outputs - 1, 1);
    const torch::Tensor axis = coordinate_grid({size}).reshape({-1});
    const torch::Tensor coords = torch::stack({axis.repeat_interleave(size), axis.repeat({size})}, 1);
    const torch::Tensor velocity = torch::rsqrt(inverted_squared_slowness(coords, q)).contiguous();
    const std::vector<float> values(velocity.data_ptr<float>(), velocity.data_ptr<float>() + pixels);
    const double lo = export_double_option(options, "min", quantile(values, 0.01), -1e30, 1e30);
    double hi = export_double_option(options, "max", quantile(values, 0.99), -1e30, 1e30);
    if (!(hi > lo)) hi = lo + std::max(1e-6, std::abs(lo) * 1e-6);  // a uniform medium: one colour
    Image image = colormap_image(values, size, size, Colormap::Viridis, lo, hi);
    if (markers == "on") {
      mark(image, parse_points(metadata_value(model, "sources")), 1.0f);
      mark(image, parse_points(metadata_value(model, "receivers")), 0.0f);
    }
    sink(encode_png(image));
  };
  return {format, write};
}

TaskExporter inverse_helmholtz_wavefield_exporter() {
  std::vector<ExportOption> options = wavefield_image_options();
  options.push_back({"source", "the source whose wavefield to show, 0-based (default: all, side by side)"});
  ExportFormat format{"wavefield-png", ".png",
                      "one component of the sources' wavefields side by side, colour-mapped, any resolution", options};
  auto write = [](const FieldModel& model, const ExportOptions& options, const ByteSink& sink, int64_t max_samples) {
    const int sources = source_count(model, "an inverse-helmholtz wavefield image");
    const std::string component = wavefield_component(options);
    const int size = export_int_option(options, "size", kDefaultSize, 1, kMaxSize);
    int first = 0, count = sources;
    if (const auto it = options.find("source"); it != options.end() && !it->second.empty()) {
      first = export_int_option(options, "source", 0, 0, sources - 1);
      count = 1;
    }
    check_export_samples(int64_t{size} * size, max_samples, std::to_string(size) + "x" + std::to_string(size) + " pixels");
    const std::vector<float> field = evaluate_field_plane(model, size);
    // The field minus its slowness column, as (re, im) pairs.
    std::vector<float> pairs;
    pairs.reserve(field.size());
    const size_t outputs = 2 * static_cast<size_t>(sources) + 1;
    for (size_t i = 0; i < field.size(); i += outputs) pairs.insert(pairs.end(), field.begin() + i, field.begin() + i + outputs - 1);
    // One image, the sources' planes side by side: row r = row r of every plane in turn, one shared range.
    const int width = size * count;
    std::vector<float> strip(static_cast<size_t>(width) * size);
    for (int s = 0; s < count; ++s) {
      const std::vector<float> plane = wavefield_component_values(pairs, sources, first + s, component);
      for (int r = 0; r < size; ++r)
        std::copy_n(plane.begin() + static_cast<std::ptrdiff_t>(r) * size, size,
                    strip.begin() + static_cast<std::ptrdiff_t>(r) * width + static_cast<std::ptrdiff_t>(s) * size);
    }
    sink(encode_png(wavefield_component_image(strip, width, size, component, options)));
  };
  return {format, write};
}

}  // namespace siren
