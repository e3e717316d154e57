#include "siren/tasks/helmholtz_export.h"

#include <cmath>

#include "siren/colormap.h"
#include "siren/errors.h"
#include "siren/io/image.h"
#include "siren/tasks/field_plane.h"

namespace siren {
namespace {

constexpr int kDefaultSize = 256;  // the reference's write_helmholtz_summary grid
constexpr int kMaxSize = 1 << 14;
constexpr double kRangeQuantile = 0.99;  // the source's peak would wash out a min/max range

}  // namespace

std::vector<ExportOption> wavefield_image_options() {
  return {{"component", "real, imag or magnitude (default real); real/imag use a red-white-blue map centred on 0, "
                        "magnitude viridis"},
          {"size", "width and height in pixels (default 256); rows are x, columns y"},
          {"range", "the value mapped to the map's ends: +-range for real/imag, [0, range] for magnitude "
                    "(default: the 99th percentile of |values|, so the source's peak does not wash the field out)"}};
}

std::string wavefield_component(const ExportOptions& options) {
  std::string component = "real";
  if (const auto it = options.find("component"); it != options.end() && !it->second.empty()) component = it->second;
  if (component != "real" && component != "imag" && component != "magnitude")
    throw InvalidInput("option component must be real, imag or magnitude, got \"" + component + "\"");
  return component;
}

std::vector<float> wavefield_component_values(const std::vector<float>& field, int pairs, int pair,
                                              const std::string& component) {
  const size_t stride = 2 * static_cast<size_t>(pairs), points = field.size() / stride;
  std::vector<float> values(points);
  for (size_t i = 0; i < points; ++i) {
    const float re = field[i * stride + 2 * pair], im = field[i * stride + 2 * pair + 1];
    values[i] = component == "real" ? re : component == "imag" ? im : std::hypot(re, im);
  }
  return values;
}

Image wavefield_component_image(const std::vector<float>& values, int width, int height, const std::string& component,
                                const ExportOptions& options) {
  const double range = export_double_option(options, "range", abs_quantile(values, kRangeQuantile), 1e-30, 1e30);
  return component == "magnitude" ? colormap_image(values, width, height, Colormap::Viridis, 0, range)
                                  : colormap_image(values, width, height, Colormap::RdBu, -range, range);
}

TaskExporter helmholtz_png_exporter() {
  ExportFormat format{"png", ".png",
                      "one component of the wavefield on a square grid over [-1,1]^2, colour-mapped, any resolution",
                      wavefield_image_options()};
  auto write = [](const FieldModel& model, const ExportOptions& options, const ByteSink& sink, int64_t max_samples) {
    if (model.in_features() != 2 || model.out_features() != 2)
      throw InvalidInput("a helmholtz image needs a field with 2 inputs and 2 outputs (re, im)");
    const std::string component = wavefield_component(options);
    const int size = export_int_option(options, "size", kDefaultSize, 1, kMaxSize);
    check_export_samples(int64_t{size} * size, max_samples,
                         std::to_string(size) + "x" + std::to_string(size) + " pixels");
    const std::vector<float> values = wavefield_component_values(evaluate_field_plane(model, size), 1, 0, component);
    sink(encode_png(wavefield_component_image(values, size, size, component, options)));
  };
  return {format, write};
}

}  // namespace siren
