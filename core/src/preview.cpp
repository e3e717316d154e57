#include "siren/preview.h"

#include <algorithm>
#include <cmath>

#include "siren/field_model.h"
#include "siren/task_exporter.h"

namespace siren {
namespace {

bool accepts(const ExportFormat& format, const std::string& option) {
  return std::any_of(format.options.begin(), format.options.end(),
                     [&](const ExportOption& o) { return o.name == option; });
}

int metadata_int(const ModelInfo& info, const std::string& key) {
  const auto it = info.metadata.find(key);
  if (it == info.metadata.end()) return 0;
  try {
    return std::stoi(it->second);
  } catch (const std::exception&) {
    return 0;
  }
}

// The export's size options for a preview: the fitted size scaled into max_side (images, video frames),
// or a square of max_side (PDE fields).
ExportOptions size_options(const ExportFormat& format, const ModelInfo& info, int max_side) {
  ExportOptions options;
  const int width = metadata_int(info, "width"), height = metadata_int(info, "height");
  if (accepts(format, "width") && accepts(format, "height") && width > 0 && height > 0) {
    const double scale = std::min(1.0, double(max_side) / std::max(width, height));
    options["width"] = std::to_string(std::max(1, int(std::lround(width * scale))));
    options["height"] = std::to_string(std::max(1, int(std::lround(height * scale))));
  } else if (accepts(format, "size")) {
    // A wave's PNG puts several time slices side by side: the strip, not each slice, fits max_side.
    options["size"] = std::to_string(accepts(format, "t") ? std::max(16, max_side / 5) : max_side);
  }
  return options;
}

}  // namespace

std::string render_preview(const ModelInfo& info, const FieldNetwork& network, int max_side) {
  for (const TaskExporter& exporter : task_exporters(info.task_kind)) {
    if (exporter.format.name != "png") continue;
    const FieldModel model = field_model_of_network(info, network);
    std::string png;
    exporter.write(model, size_options(exporter.format, info, max_side), [&](const std::string& bytes) { png += bytes; },
                   int64_t{max_side} * max_side * 8);
    return png;
  }
  return "";
}

}  // namespace siren
