#include "siren/tasks/image_export.h"

#include <cmath>

#include "siren/errors.h"
#include "siren/io/image.h"

namespace siren {

TaskExporter image_png_exporter() {
  ExportFormat format{"png", ".png", "the image field sampled on a grid over [-1,1]^2, any resolution",
                      {{"width", "output width in pixels (default: the fitted width, times scale)"},
                       {"height", "output height in pixels (default: the fitted height, times scale)"},
                       {"scale", "multiply the fitted size, e.g. 2 = 2x super-resolution (default 1)"}}};
  auto write = [](const FieldModel& model, const ExportOptions& options, const ByteSink& sink, int64_t max_samples) {
    constexpr int kMaxSide = 1 << 15;
    const auto& meta = model.info().metadata;
    const double scale = export_double_option(options, "scale", 1.0, 1e-3, 1e3);
    const int width = export_int_option(options, "width",
                                        static_cast<int>(std::lround(std::stoi(meta.at("width")) * scale)), 1, kMaxSide);
    const int height = export_int_option(
        options, "height", static_cast<int>(std::lround(std::stoi(meta.at("height")) * scale)), 1, kMaxSide);
    check_export_samples(int64_t{width} * height, max_samples,
                         std::to_string(width) + "x" + std::to_string(height) + " pixels");
    sink(encode_png(model.render_image(width, height)));
  };
  return {format, write};
}

}  // namespace siren
