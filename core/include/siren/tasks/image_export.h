#pragma once
#include <vector>

#include "siren/task_exporter.h"

namespace siren {

// "png": the image field sampled on a width x height grid over [-1,1]^2 (any resolution).
TaskExporter image_png_exporter();

// Shared by the exporters that sample a 2-D field on a pixel grid (image, Poisson).
struct GridSize {
  int width = 0;
  int height = 0;
};
// The "width", "height" and "scale" options, below.
const std::vector<ExportOption>& grid_size_options();
// The output size those options ask for, against the fitted size in the model's metadata
// ("width", "height"); throws InvalidInput for bad values or more than max_samples pixels.
GridSize export_grid_size(const FieldModel& model, const ExportOptions& options, int64_t max_samples);
// The field's raw outputs on a width x height grid over [-1,1]^2 (the fitted grid's coordinates when the
// size is the fitted one): row-major, out_features values per pixel, evaluated in bounded blocks.
std::vector<float> sample_field_grid(const FieldModel& model, int width, int height);

}  // namespace siren
