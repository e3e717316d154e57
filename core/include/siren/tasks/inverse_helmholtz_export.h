#pragma once
#include "siren/task_exporter.h"

namespace siren {

// "png" (the default): the recovered velocity c = 1/sqrt(m) on a size x size grid over [-1,1]^2 (m as
// inverted_squared_slowness: 1 beyond the frame), viridis; sources marked white, receivers black.
TaskExporter inverse_helmholtz_velocity_exporter();

// "wavefield-png": one component (real, imag, magnitude) of each source's wavefield, side by side, or of
// the one source named by the "source" option (0-based), colour-mapped as the helmholtz task's images.
TaskExporter inverse_helmholtz_wavefield_exporter();

}  // namespace siren
