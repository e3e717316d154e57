#pragma once
// Our side of each benchmark: one training step (forward, loss, backward, Adam) of a task through the
// core's run_fit, timed between progress reports; dense queries; meshing. Synthetic inputs only.
#include <cstdint>
#include <string>

#include "timing.h"

namespace siren::bench {

struct StepOptions {
  int warmup = 1;
  int repeats = 5;
  bool fused_sine_layers = true;
};

Timing image_step(int size, int channels, const StepOptions& options);
Timing sdf_step(int64_t on_surface_points, const StepOptions& options);  // as many off-surface points
Timing poisson_laplacian_step(int size, const StepOptions& options);
Timing query(int64_t points, int repeats);  // one call over all points

struct MeshFigures {
  Timing timing;
  double peak_rss_mib = 0;         // the process's high-water mark during the export (VmHWM)
  double rss_before_mib = 0;       // its resident memory just before (model, libraries, caches)
  int64_t ply_bytes = 0;
};
MeshFigures mesh(int resolution, int repeats);

// Multiply-adds per point of the 3x256 sine network (in -> 256, 3 x 256 -> 256, 256 -> out).
double multiply_adds_per_point(int in_features, int out_features);

}  // namespace siren::bench
