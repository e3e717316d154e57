#pragma once
#include <string>
#include <vector>

#include "siren/io/image.h"
#include "siren/task_exporter.h"

namespace siren {

// "png": one component of the complex wavefield (real, imaginary or magnitude) on a size x size grid
// over [-1,1]^2, colour-mapped: real/imag with the diverging RdBu map centred on 0, magnitude with viridis.
TaskExporter helmholtz_png_exporter();

// Shared with the inverse Helmholtz task's wavefield export.
// The options "component", "size" and "range" as these exports describe them.
std::vector<ExportOption> wavefield_image_options();
// The "component" option: real (default), imag or magnitude; throws InvalidInput otherwise.
std::string wavefield_component(const ExportOptions& options);
// Interleaved (re, im) values, `pairs` per point: pair `pair`'s component at every point.
std::vector<float> wavefield_component_values(const std::vector<float>& field, int pairs, int pair,
                                              const std::string& component);
// values (width x height) colour-mapped as above; the range from the "range" option, else the 99th
// percentile of |values| (so a source's peak does not wash the field out).
Image wavefield_component_image(const std::vector<float>& values, int width, int height, const std::string& component,
                                const ExportOptions& options);

}  // namespace siren
