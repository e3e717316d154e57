#pragma once
#include "siren/task_exporter.h"

namespace siren {

// "png": one component of the complex wavefield (real, imaginary or magnitude) on a size x size grid
// over [-1,1]^2, colour-mapped: real/imag with the diverging RdBu map centred on 0, magnitude with viridis.
TaskExporter helmholtz_png_exporter();

}  // namespace siren
