#pragma once
#include "siren/task_exporter.h"

namespace siren {

// "png": the image field sampled on a width x height grid over [-1,1]^2 (any resolution).
TaskExporter image_png_exporter();

}  // namespace siren
