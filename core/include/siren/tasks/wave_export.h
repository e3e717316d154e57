#pragma once
#include "siren/task_exporter.h"

namespace siren {

// "png": time slices u(t, x, y) on size x size grids over [-1,1]^2, side by side left to right in the
// order given, with the diverging RdBu map centred on 0 and one range shared by all slices.
TaskExporter wave_png_exporter();

}  // namespace siren
