#pragma once
// Our side of each benchmark: training steps (forward, loss, backward, Adam) of a task through the core's
// run_fit, timed at the trainer's step boundaries; dense queries; meshing; and the GPU's dense GEMM
// throughput on the network's shapes. Synthetic inputs only.
//
// On a GPU the kernels run asynchronously to the host, so every clock read here comes after the device
// has drained its queue (wait_for_device); without that a "step" would only time its kernel launches.
#include <cstdint>
#include <string>
#include <vector>

#include "timing.h"

namespace siren::bench {

// Where a workload runs, and how precisely a GPU multiplies there (TrainOptions::device, ::precision).
struct Placement {
  std::string device = "cpu";      // cpu | cuda | cuda:N
  std::string precision = "tf32";  // tf32 | fp32 | bf16; the CPU computes in fp32 whatever is asked
};

struct StepOptions {
  int warmup = 1;             // steps run before any timing (first-use costs: allocator, kernel loading)
  int repeats = 5;            // timed samples
  // Consecutive steps timed together per sample, the sample being their mean. The device is drained only
  // between samples, so on a GPU the host queues the next step's kernels while the last ones run, as in
  // a real fit; 1 times every step on its own (the CPU default).
  int steps_per_repeat = 1;
  bool fused_sine_layers = true;
  bool cuda_graphs = true;    // TrainOptions::cuda_graphs
  bool closed_form_derivatives = true;  // TrainOptions::closed_form_derivatives
  Placement placement;
};

Timing image_step(int size, int channels, const StepOptions& options);
Timing sdf_step(int64_t on_surface_points, const StepOptions& options);  // as many off-surface points
Timing poisson_laplacian_step(int size, const StepOptions& options);
// The Helmholtz inversion's step (PML residual of every source's wavefield, second derivatives of
// 2 S + 1 outputs) on `points` points per step, S sources around a synthetic survey of 30 receivers.
Timing inverse_helmholtz_step(int sources, int64_t points, const StepOptions& options);
// Each sample one FieldModel::query call over all points: host coordinates in, host values out. With
// `gradients`, FieldModel::query_gradients instead: each point's gradient out (N x 2).
Timing query(int64_t points, int repeats, const Placement& placement, bool gradients = false);

// Where a query's time goes (FieldModel::query's stages, each timed alone on `points` 2-D points of a 3x256
// network): the validity check and the copy into a pinned buffer and onto the device, the forward pass on
// points already on the device with its values left there, and the values copied back into a host vector.
// On a CPU the copies are a check and a memcpy.
struct QueryParts {
  Timing copy_in, forward, copy_out;
};
QueryParts query_parts(int64_t points, int repeats, const Placement& placement);

struct MeshFigures {
  Timing timing;
  double peak_rss_mib = 0;         // the process's high-water mark during the export (VmHWM)
  double rss_before_mib = 0;       // its resident memory just before (model, libraries, caches)
  int64_t ply_bytes = 0;
};
// Each sample one PLY export at resolution^3: the grid evaluated on the device, the mesh built on the host;
// sampling is the export's option (near-surface or dense).
MeshFigures mesh(int resolution, int repeats, const Placement& placement, const std::string& sampling);

// One matrix product C[m x n] = A[m x k] * B[k x n] of a given precision, timed on a GPU.
struct GemmFigures {
  std::string product;    // what it is in the network, e.g. "forward x*W^T"
  std::string precision;  // fp32 | tf32 | bf16
  int64_t m = 0, n = 0, k = 0;
  Timing timing;          // per product
  double flop() const { return 2.0 * m * n * k; }
};
// The products of one 256-wide hidden layer over `points` points (forward, and the two of its backward
// pass), plus a large square product (what the GPU reaches on a shape that suits it), each in fp32, tf32
// and bf16. Needs a CUDA device.
std::vector<GemmFigures> gemm_peak(int64_t points, int repeats, const std::string& device);

// K small image fits (side^2 gray, a 3x64 SIREN, `steps` steps each, no checkpoints), all of them per
// sample, end to end: one after another through run_fit (a server running its queue one job at a time), and
// as one pack (packed_fit.h). Both through the core's entry points, task building and final figures included.
struct PackedFitFigures {
  Timing lone;
  Timing packed;
  double lone_psnr = 0, packed_psnr = 0;  // mean final PSNR of the fits (equal: packing changes nothing)
};
PackedFitFigures packed_fits(int fits, int side, int steps, int repeats, const Placement& placement);

// Multiply-adds per point of the 3x256 sine network (in -> 256, 3 x 256 -> 256, 256 -> out).
double multiply_adds_per_point(int in_features, int out_features);

// Blocks until `device` has finished everything queued on it; nothing to wait for on the CPU.
void wait_for_device(const std::string& device);

}  // namespace siren::bench
