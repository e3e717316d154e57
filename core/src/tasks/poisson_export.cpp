#include "siren/tasks/poisson_export.h"

#include <algorithm>

#include "siren/errors.h"
#include "siren/io/image.h"
#include "siren/tasks/image_export.h"

namespace siren {
namespace {

Image gray_image(int width, int height, std::vector<float> pixels) {
  Image image{width, height, 1, std::move(pixels)};
  for (float& v : image.pixels) v = std::clamp(v, 0.0f, 1.0f);
  return image;
}

Image min_max_image(std::vector<float> field, int width, int height) {
  const auto [lo, hi] = std::minmax_element(field.begin(), field.end());
  const float min = *lo, range = *hi - *lo;
  for (float& v : field) v = range > 0 ? (v - min) / range : 0.5f;
  return gray_image(width, height, std::move(field));
}

Image affine_image(const FieldModel& model, std::vector<float> field, int width, int height) {
  const auto& metrics = model.info().metrics;
  const auto scale = metrics.find("fit_scale"), offset = metrics.find("fit_offset");
  if (scale == metrics.end() || offset == metrics.end())
    throw InvalidInput("this model stores no affine match (fit_scale / fit_offset); export with range=minmax");
  for (float& v : field) v = static_cast<float>((scale->second * v + offset->second) / 2 + 0.5);
  return gray_image(width, height, std::move(field));
}

}  // namespace

TaskExporter poisson_png_exporter() {
  std::vector<ExportOption> options = grid_size_options();
  options.push_back({"range",
                     "affine (default): the least-squares match to the training image found while fitting, "
                     "the input's brightness; minmax: the field's min -> black, max -> white, as the "
                     "reference displays it"});
  ExportFormat format{"png", ".png", "the reconstructed image: the field sampled on a grid over [-1,1]^2, any size",
                      options};
  auto write = [](const FieldModel& model, const ExportOptions& options, const ByteSink& sink, int64_t max_samples) {
    const auto range_option = options.find("range");
    const std::string range = range_option == options.end() || range_option->second.empty() ? "affine" : range_option->second;
    if (range != "affine" && range != "minmax")
      throw InvalidInput("option range must be affine or minmax, got \"" + range + "\"");
    const GridSize size = export_grid_size(model, options, max_samples);
    std::vector<float> field = sample_field_grid(model, size.width, size.height);
    sink(encode_png(range == "affine" ? affine_image(model, std::move(field), size.width, size.height)
                                      : min_max_image(std::move(field), size.width, size.height)));
  };
  return {format, write};
}

}  // namespace siren
