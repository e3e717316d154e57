// siren-bench: our speed on each workload of issue 6, next to eager PyTorch built the paper's way
// (bench/pytorch_eager.py) measured in the same run on the same machine and device. Prints figures;
// asserts nothing. `siren-bench --help` explains every option and figure.
#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "eager_baseline.h"
#include "siren/blas/blis.h"
#ifdef SIREN_HAVE_SLEEF
#include "siren/kernels/sine_cosine.h"
#endif
#include "siren/parallel_loops.h"
#include "siren/runtime.h"
#include "workloads.h"

namespace {

using namespace siren::bench;

// Dense peaks of an H100/H200 SXM GPU (both run the same GH100 tensor cores at the same clocks), in
// TFLOP/s. Source: the NVIDIA H200 datasheet, whose tensor-core figures (TF32 989, BF16 1,979) are
// quoted with 2:4 structured sparsity, i.e. twice the dense rate; NVIDIA's H100 whitepaper lists the
// dense ones to the decimal: TF32 494.7, BF16 989.4, and FP32 without tensor cores 66.9 (the H200
// datasheet's "FP32 67").
constexpr double kTf32DensePeakTflops = 494.7;
constexpr double kBf16DensePeakTflops = 989.4;
constexpr double kFp32PeakTflops = 66.9;

constexpr const char* kHelp = R"(siren-bench: siren's speed on each workload, next to eager PyTorch
(bench/pytorch_eager.py: the paper's way, with the wheel siren links) run in the same session on the
same device. Prints figures; asserts nothing.

  siren-bench [--device cpu|cuda|cuda:N] [--precision tf32|fp32|bf16] [--workloads W,W,...]
              [--repeats N] [--steps-per-repeat N] [--eager on|off] [--fused-sine on|off]
              [--cuda-graphs on|off] [--closed-form on|off]
              [--size N] [--sdf-points N] [--poisson-size N] [--query-points N] [--mesh-resolutions N,N]
              [--mesh-sampling S] [--pde-points N] [--pack-fits N] [--pack-size N] [--pack-steps N]

Where it runs
  --device D            cpu (default), cuda or cuda:N. Fits, queries and meshing run there, and so
                        does eager PyTorch. On a GPU every clock read waits for the device to finish
                        what was queued (torch::cuda::synchronize): kernels run asynchronously, and a
                        clock read without it would time only their launches.
  --precision P         how a GPU multiplies (TrainOptions::precision): tf32 (default: float32 tensors,
                        TF32 tensor cores), fp32 (IEEE) or bf16 (autocast). A CPU computes in fp32.

Workloads (default: all but gemm-peak, which is asked for by name)
  image, image-rgb      one fit step (forward, loss, backward, Adam) on a --size^2 image (default 512),
                        gray or RGB, 3x256 sine network; FLOP/s from the network's multiply-adds
  sdf                   one SDF step: --sdf-points on-surface points (default 250000) and as many
                        off-surface ones, so 250000 is the paper's 500k-point batch; 4-term loss with
                        gradients (the gradient node of sine_gradient.h; --closed-form off: autograd's
                        second-order backward, as eager)
  poisson-lapl          one Poisson-from-Laplacian step on a --poisson-size^2 grid (default 256;
                        third-order autodiff)
  query                 one dense query of --query-points 2-D points (default 1048576), host memory in
                        and out; prints points/s, then each stage alone (check and copy in, the
                        forward pass on the device, copy out) to tell copies from kernels
  query-gradients       one gradient query (FieldModel::query_gradients) of --query-points 2-D points:
                        each point's gradient, host memory in and out; eager: autograd's backward pass
  mesh                  a PLY export at each of --mesh-resolutions (default 256,512): the grid evaluated
                        on the device, marching tetrahedra on the host; prints the host's peak resident
                        memory (VmHWM) and the PLY's size. At most 2 samples each; --mesh-sampling
                        near-surface (default, the export's) or dense (every grid sample)
  inverse-helmholtz     one inverse Helmholtz step: 5 sources (a 2 -> 11 network), --pde-points points
                        (default 13225, the reference's 115^2); the PML residual takes every wavefield's
                        Jacobian and Hessian diagonal (--closed-form). No eager figure
  packed                --pack-fits small image fits (default 64) of --pack-size^2 gray pixels (default
                        32), a 3x64 SIREN, --pack-steps steps each (default 200): one after another
                        through run_fit, then as one pack (packed_fit.h: one batched step for all);
                        each sample is all the fits end to end. Prints fits/s of each, and the mean
                        final PSNR of each (equal: packing changes no result). No eager figure
  gemm-peak             GPU only, by name: TFLOP/s of the dense matrix products of one hidden layer
                        over --size^2 points (the forward's, the backward's two) and of an 8192^3 one,
                        in fp32, tf32 and bf16, each as a fraction of the H100/H200 SXM dense peak of
                        its precision (FP32 66.9, TF32 494.7, BF16 989.4 TFLOP/s; NVIDIA H200
                        datasheet). What the GPU reaches on these shapes bounds what a step can.
  On a GPU the image step's FLOP/s is also given as a fraction of the TF32 and BF16 dense peaks.

How it times
  --repeats N           samples per figure (default 5); median, min and max are printed
  --steps-per-repeat N  consecutive steps per sample, the sample being their mean (default 1 on a CPU,
                        10 on a GPU: draining the device after every step would remove the overlap of
                        host and device a real fit has). Untimed warm-up first: 1 step on a CPU, 5 on a
                        GPU (allocator growth, kernel loading, clocks leaving idle). Eager is timed the
                        same way.
  --eager on|off        also time eager PyTorch (default on) and print siren's speed-up over it. On a
                        CPU in two environments: as installed, and with siren's allocator (tcmalloc). On
                        a GPU: as installed (PyTorch's default IEEE fp32 products, the paper's way), and
                        at siren's --precision when that is not fp32.
  --fused-sine on|off   each sine layer as one fused node (TrainOptions::fused_sine_layers, default on)
  --closed-form on|off  the derivatives PDE losses use, in closed form through the sine layers (default
                        on) or by autograd (TrainOptions::closed_form_derivatives)
  --cuda-graphs on|off  on a GPU, training steps replayed from a CUDA graph once captured after the
                        warm-up (TrainOptions::cuda_graphs, default on); each step row says how its
                        steps ran

Examples
  siren-bench --eager off --workloads image --size 256
  siren-bench --device cuda --workloads image,sdf,query --query-points 16777216
  siren-bench --device cuda --workloads mesh --mesh-resolutions 512,1024 --eager off
  siren-bench --device cuda --workloads gemm-peak --eager off
)";

struct Args {
  std::vector<std::string> workloads;  // empty: the device's default list
  int repeats = 5;
  int steps_per_repeat = 0;  // 0: the device's default
  bool eager = true;
  bool fused = true;
  bool cuda_graphs = true;
  bool closed_form = true;
  std::string device = "cpu";
  std::string precision = "tf32";
  int size = 512;
  int64_t sdf_points = 250000;
  int poisson_size = 256;
  int64_t query_points = int64_t{1} << 20;
  int pack_fits = 64;
  int pack_size = 32;
  int pack_steps = 200;
  int64_t pde_points = 13225;  // the reference's inverse Helmholtz batch (115^2)
  std::vector<int> mesh_resolutions = {256, 512};
  std::string mesh_sampling = "near-surface";

  bool on_gpu() const { return device != "cpu"; }
  int warmup_steps() const { return on_gpu() ? 5 : 1; }
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "siren-bench: %s (--help)\n", message.c_str());
  std::exit(2);
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');)
    if (!part.empty()) parts.push_back(part);
  return parts;
}

bool on(const std::string& value) { return value == "on" || value == "1" || value == "true"; }

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--help" || k == "-h") {
      std::fputs(kHelp, stdout);
      std::exit(0);
    }
    if (i + 1 >= argc) fail(k + " needs a value");
    const std::string v = argv[++i];
    if (k == "--workloads") a.workloads = split(v);
    else if (k == "--device") a.device = v;
    else if (k == "--precision") a.precision = v;
    else if (k == "--repeats") a.repeats = std::atoi(v.c_str());
    else if (k == "--steps-per-repeat") a.steps_per_repeat = std::atoi(v.c_str());
    else if (k == "--eager") a.eager = on(v);
    else if (k == "--fused-sine") a.fused = on(v);
    else if (k == "--closed-form") a.closed_form = on(v);
    else if (k == "--pde-points") a.pde_points = std::atoll(v.c_str());
    else if (k == "--pack-fits") a.pack_fits = std::max(1, std::atoi(v.c_str()));
    else if (k == "--pack-size") a.pack_size = std::max(1, std::atoi(v.c_str()));
    else if (k == "--pack-steps") a.pack_steps = std::max(1, std::atoi(v.c_str()));
    else if (k == "--cuda-graphs") a.cuda_graphs = on(v);
    else if (k == "--size") a.size = std::atoi(v.c_str());
    else if (k == "--sdf-points") a.sdf_points = std::atoll(v.c_str());
    else if (k == "--poisson-size") a.poisson_size = std::atoi(v.c_str());
    else if (k == "--query-points") a.query_points = std::atoll(v.c_str());
    else if (k == "--mesh-sampling") a.mesh_sampling = v;
    else if (k == "--mesh-resolutions") {
      a.mesh_resolutions.clear();
      for (const auto& r : split(v)) a.mesh_resolutions.push_back(std::atoi(r.c_str()));
    } else {
      fail("unknown option " + k);
    }
  }
  a.repeats = std::max(a.repeats, 1);
  if (a.steps_per_repeat < 1) a.steps_per_repeat = a.on_gpu() ? 10 : 1;
  const std::vector<std::string> known = {"gemm-peak", "image", "image-rgb", "sdf", "poisson-lapl", "query",
                                          "query-gradients", "mesh", "inverse-helmholtz", "packed"};
  for (const std::string& w : a.workloads)  // before anything runs, not after an hour of it
    if (std::find(known.begin(), known.end(), w) == known.end()) fail("unknown workload " + w);
  // Default: the issue's workloads; gemm-peak (first in `known`) measures the GPU, not siren: by name only.
  if (a.workloads.empty()) a.workloads.assign(known.begin() + 1, known.end());
  return a;
}

// Refuses a device that is not there before anything runs, saying why, rather than failing mid-way.
void check_device(const Args& args) {
  if (args.precision != "tf32" && args.precision != "fp32" && args.precision != "bf16")
    fail("--precision " + args.precision + ": use tf32, fp32 or bf16");
  if (!args.on_gpu()) return;
  if (args.device.rfind("cuda", 0) != 0) fail("--device " + args.device + ": use cpu, cuda or cuda:N");
  if (!torch::cuda::is_available())
    fail("--device " + args.device +
         ": LibTorch sees no CUDA device here (no GPU, no driver, or CUDA_VISIBLE_DEVICES hides it)");
  try {
    siren::resolve_device(args.device);  // cuda:N past the last device
  } catch (const std::exception& e) {
    fail("--device " + args.device + ": " + e.what());
  }
}

// The GPU's name as nvidia-smi gives it, so the peak fractions can be read against the right card.
std::string gpu_name(const std::string& device) {
  const size_t colon = device.find(':');
  const std::string index = colon == std::string::npos ? "0" : device.substr(colon + 1);
  const std::string command = "nvidia-smi --query-gpu=name --format=csv,noheader -i " + index + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  char line[256] = {};
  if (!pipe || !std::fgets(line, sizeof line, pipe.get())) return "name unknown: no nvidia-smi";
  std::string name = line;
  while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.pop_back();
  return name;
}

void print_header(const Args& args) {
  const char* arch = std::getenv("BLIS_ARCH_TYPE");
#ifdef SIREN_HAVE_SLEEF
  const char* kernel = siren::kernels::sine_cosine_isa();
#else
  const char* kernel = "ATen (built without SLEEF)";
#endif
  std::printf("siren-bench: %d threads (siren's own loops on %d), CPU GEMM %s, BLIS_ARCH_TYPE=%s, sine kernel "
              "%s, fused sine layers %s\n",
              at::get_num_threads(), siren::threads_running_parallel_loops(),
              siren::blas::cpu_gemm_description().c_str(), arch ? arch : "(BLIS chooses)", kernel,
              args.fused ? "on" : "off");
  if (args.on_gpu())
    std::printf("device %s (%s), products in %s; %d untimed warm-up steps, then %d samples of %d steps\n",
                args.device.c_str(), gpu_name(args.device).c_str(), args.precision.c_str(), args.warmup_steps(),
                args.repeats, args.steps_per_repeat);
}

void print_timing(const char* who, const Timing& t, double flop) {
  std::printf("  %-30s median %9.2f ms  min %9.2f  max %9.2f", who, t.median_ms, t.min_ms, t.max_ms);
  if (flop > 0) std::printf("  %9.1f GFLOP/s", flop / (t.median_ms * 1e6));
  std::printf("\n");
}

double tflops(double flop, double ms) { return flop / (ms * 1e-3) / 1e12; }

void report_ours(const std::string& title, const Timing& ours, double flop) {
  std::printf("%s\n", title.c_str());
  print_timing("siren (C++)", ours, flop);
  if (!ours.note.empty()) std::printf("  %s\n", ours.note.c_str());
}

// Eager in its environments, each with the ratio eager / ours.
void report_eager(const Args& args, const Timing& ours, double flop, const std::string& eager_workload,
                  const std::string& eager_args, int eager_repeats) {
  if (!args.eager) return;
  const std::vector<EagerRun> runs =
      run_eager(eager_workload, eager_args, at::get_num_threads(), eager_repeats, args.device, args.precision);
  for (const EagerRun& run : runs) {
    if (!run.timing.ok()) {
      std::printf("  eager, %-23s failed: %s\n", run.environment.c_str(), run.error.c_str());
      continue;
    }
    print_timing(("eager, " + run.environment).c_str(), run.timing, flop);
    std::printf("  %-30s %.2fx\n", "  -> siren speed-up", run.timing.median_ms / ours.median_ms);
  }
  std::fflush(stdout);
}

// How eager times a training step: on a GPU with siren's warm-up and window of steps; on a CPU as the
// script always has (one step per sample after one warm-up step), so CPU runs stay as they were.
std::string eager_step_timing(const Args& args) {
  if (!args.on_gpu()) return "";
  return " --warmup " + std::to_string(args.warmup_steps()) + " --steps-per-repeat " +
         std::to_string(args.steps_per_repeat);
}

// What share of the GPU's tensor-core peak a step's FLOP/s is: the end-to-end efficiency of a step,
// sines, losses and Adam included.
void print_peak_fractions(double flop, const Timing& t) {
  const double achieved = tflops(flop, t.median_ms);
  std::printf("  siren: %.1f TFLOP/s = %.1f%% of the TF32 dense peak (%.1f), %.1f%% of the BF16 dense peak (%.1f)"
              " [H100/H200 SXM]\n",
              achieved, 100 * achieved / kTf32DensePeakTflops, kTf32DensePeakTflops,
              100 * achieved / kBf16DensePeakTflops, kBf16DensePeakTflops);
}

double dense_peak_tflops(const std::string& precision) {
  if (precision == "tf32") return kTf32DensePeakTflops;
  if (precision == "bf16") return kBf16DensePeakTflops;
  return kFp32PeakTflops;
}

void gemm_workload(const Args& args) {
  if (!args.on_gpu()) {
    std::printf("dense GEMM: skipped, gemm-peak measures a GPU (--device cuda)\n");
    return;
  }
  const int64_t points = int64_t{args.size} * args.size;
  std::printf("dense GEMM on %s: one hidden layer's products over %lld points (--size^2), and 8192^3\n",
              args.device.c_str(), static_cast<long long>(points));
  std::printf("  %-22s %-5s %-22s %10s %9s  %s\n", "product", "prec.", "m x n x k", "median ms", "TFLOP/s",
              "of the dense peak (H100/H200 SXM)");
  for (const GemmFigures& g : gemm_peak(points, args.repeats, args.device)) {
    const std::string shape = std::to_string(g.m) + " x " + std::to_string(g.n) + " x " + std::to_string(g.k);
    const double achieved = tflops(g.flop(), g.timing.median_ms);
    const double peak = dense_peak_tflops(g.precision);
    std::printf("  %-22s %-5s %-22s %10.4f %9.1f  %5.1f%% of %.1f\n", g.product.c_str(), g.precision.c_str(),
                shape.c_str(), g.timing.median_ms, achieved, 100 * achieved / peak, peak);
  }
}

void image_workload(const Args& args, const StepOptions& step, int channels) {
  const std::string n = std::to_string(args.size);
  const double flop = 6.0 * multiply_adds_per_point(2, channels) * args.size * args.size;  // fwd 2 + bwd 4
  const Timing t = image_step(args.size, channels, step);
  report_ours("image fit step, " + n + "x" + n + (channels == 1 ? " gray" : " RGB") + ", 3x256 sine", t, flop);
  if (args.on_gpu()) print_peak_fractions(flop, t);
  report_eager(args, t, flop, "image",
               "--size " + n + " --channels " + std::to_string(channels) + eager_step_timing(args), args.repeats);
}

void sdf_workload(const Args& args, const StepOptions& step) {
  // Reverse over reverse: forward 2, gradient 2, then backward through both 4 + 4 (x 2 FLOP).
  const double flop = 12.0 * multiply_adds_per_point(3, 1) * 2.0 * args.sdf_points;
  const std::string p = std::to_string(args.sdf_points);
  const Timing t = sdf_step(args.sdf_points, step);
  report_ours("SDF step, " + p + " on + " + p + " off-surface points, 4-term loss with gradients", t, flop);
  report_eager(args, t, flop, "sdf", "--points " + p + eager_step_timing(args), args.repeats);
}

void poisson_workload(const Args& args, const StepOptions& step) {
  const std::string s = std::to_string(args.poisson_size);
  const Timing t = poisson_laplacian_step(args.poisson_size, step);
  report_ours("Poisson-from-Laplacian step, " + s + "x" + s + " (third-order autodiff)", t, 0);
  report_eager(args, t, 0, "poisson-lapl", "--size " + s + eager_step_timing(args), args.repeats);
}

void inverse_helmholtz_workload(const Args& args, const StepOptions& step) {
  const std::string p = std::to_string(args.pde_points);
  const Timing t = inverse_helmholtz_step(5, args.pde_points, step);
  report_ours(std::string("inverse Helmholtz step, 5 sources (11 outputs), ") + p + " points, derivatives by " +
                  (step.closed_form_derivatives ? "closed form" : "autograd"),
              t, 0);
}

void packed_workload(const Args& args, const Placement& placement) {
  const int repeats = std::min(args.repeats, 3);  // each sample is every fit, start to end
  const PackedFitFigures f = packed_fits(args.pack_fits, args.pack_size, args.pack_steps, repeats, placement);
  const std::string s = std::to_string(args.pack_size);
  std::printf("%d fits of a %sx%s gray image, 3x64 sine, %d steps each (all fits per sample)\n", args.pack_fits,
              s.c_str(), s.c_str(), args.pack_steps);
  print_timing("one at a time (run_fit)", f.lone, 0);
  print_timing("packed (run_packed_fits)", f.packed, 0);
  std::printf("  fits/s: one at a time %.2f, packed %.2f: %.2fx; mean final PSNR %.2f dB and %.2f dB\n",
              args.pack_fits / (f.lone.median_ms * 1e-3), args.pack_fits / (f.packed.median_ms * 1e-3),
              f.lone.median_ms / f.packed.median_ms, f.lone_psnr, f.packed_psnr);
}

void query_workload(const Args& args, const Placement& placement) {
  const double flop = 2.0 * multiply_adds_per_point(2, 1) * static_cast<double>(args.query_points);
  const Timing t = query(args.query_points, args.repeats, placement);
  report_ours("dense query, " + std::to_string(args.query_points) + " points (2-D, 3x256)", t, flop);
  std::printf("  siren: %.3g points/s\n", args.query_points / (t.median_ms * 1e-3));
  report_eager(args, t, flop, "query", "--points " + std::to_string(args.query_points), args.repeats);
  // Each stage of siren's query alone, to tell copies from kernels (bench/RESULTS.md: GPU queries).
  const QueryParts parts = query_parts(args.query_points, args.repeats, placement);
  std::printf("  siren's query in parts:\n");
  print_timing("check, copy in", parts.copy_in, 0);
  print_timing("forward, values on the device", parts.forward, flop);
  print_timing("copy out into a vector", parts.copy_out, 0);
}

void query_gradients_workload(const Args& args, const Placement& placement) {
  // The value chain and the gradient chain: two products per layer.
  const double flop = 2.0 * 2.0 * multiply_adds_per_point(2, 1) * static_cast<double>(args.query_points);
  const Timing t = query(args.query_points, args.repeats, placement, /*gradients=*/true);
  report_ours("gradient query, " + std::to_string(args.query_points) + " points (2-D, 3x256)", t, flop);
  std::printf("  siren: %.3g points/s\n", args.query_points / (t.median_ms * 1e-3));
  report_eager(args, t, flop, "query-gradients", "--points " + std::to_string(args.query_points), args.repeats);
}

void mesh_workload(const Args& args, const Placement& placement) {
  const int repeats = std::min(args.repeats, 2);  // a 1024^3 export takes a while
  for (int r : args.mesh_resolutions) {
    const MeshFigures m = mesh(r, repeats, placement, args.mesh_sampling);
    const double flop = 2.0 * multiply_adds_per_point(3, 1) * double(r) * r * r;  // dense: the rate is per grid
    const std::string rs = std::to_string(r);
    report_ours("mesh, resolution " + rs + "^3, " + args.mesh_sampling +
                    " sampling (evaluate the grid + marching tetrahedra + PLY)",
                m.timing, flop);
    std::printf("  siren: peak host memory %.0f MiB during the export (%.0f MiB before it), PLY %.1f MB\n",
                m.peak_rss_mib, m.rss_before_mib, m.ply_bytes / 1e6);
    report_eager(args, m.timing, flop, "mesh", "--size " + rs, repeats);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args args = parse(argc, argv);
  check_device(args);
  siren::configure_threads();
  print_header(args);
  std::string why;
  if (args.eager && !eager_available(&why)) {
    std::printf("no eager baseline: %s\n", why.c_str());
    args.eager = false;
  }
  std::printf("\n");
  const Placement placement{args.device, args.precision};
  const StepOptions step{args.warmup_steps(), args.repeats, args.steps_per_repeat, args.fused, args.cuda_graphs,
                         args.closed_form, placement};
  // A workload that fails (out of device memory, say) is reported and the others still run: on a borrowed
  // GPU the figures of the rest are worth having. The exit status still says something failed.
  int status = 0;
  for (const std::string& w : args.workloads) {
    try {
      if (w == "image" || w == "image-rgb") image_workload(args, step, w == "image" ? 1 : 3);
      else if (w == "sdf") sdf_workload(args, step);
      else if (w == "poisson-lapl") poisson_workload(args, step);
      else if (w == "query") query_workload(args, placement);
      else if (w == "query-gradients") query_gradients_workload(args, placement);
      else if (w == "mesh") mesh_workload(args, placement);
      else if (w == "gemm-peak") gemm_workload(args);
      else if (w == "inverse-helmholtz") inverse_helmholtz_workload(args, step);
      else if (w == "packed") packed_workload(args, placement);
    } catch (const std::exception& e) {
      std::printf("%s failed: %s\n", w.c_str(), e.what());
      status = 1;
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  return status;
}
