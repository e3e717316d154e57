#include "workloads.h"

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <torch/cuda.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include "siren/device_precision.h"
#include "siren/export.h"
#include "siren/field_model.h"
#include "siren/fit.h"
#include "siren/io/image.h"
#include "siren/network.h"
#include "siren/packed_fit.h"
#include "siren/prepared_fit.h"
#include "siren/query_stages.h"
#include "siren/task_registry.h"
#include "siren/tasks/image_task.h"
#include "siren/tasks/inverse_helmholtz_task.h"
#include "siren/tasks/poisson_ground_truth.h"
#include "siren/tasks/poisson_task.h"

namespace siren::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

// Images are made as decoded pixels and handed to the tasks directly: the LibTorch-only build a GPU
// machine makes (scripts/gpu-check.sh) has no PNG codec.
Image synthetic_image(int size, int channels) {
  Image img{size, size, channels, std::vector<float>(static_cast<size_t>(size) * size * channels)};
  for (int r = 0; r < size; ++r)
    for (int c = 0; c < size; ++c)
      for (int ch = 0; ch < channels; ++ch)
        img.pixels[(static_cast<size_t>(r) * size + c) * channels + ch] =
            0.5f + 0.4f * std::sin(0.1f * r * c / size + ch);
  return img;
}

// Fit `index`'s own image for the packed-fit workload: the synthetic one with its pattern shifted.
Image varied_image(int size, int index) {
  Image img = synthetic_image(size, 1);
  for (int r = 0; r < size; ++r)
    for (int c = 0; c < size; ++c)
      img.pixels[static_cast<size_t>(r) * size + c] += 0.1f * std::sin(0.3f * (r + 2 * c) + index);
  return img;
}

// Points on a unit sphere with outward normals, as .xyz text.
std::string sphere_xyz(int count) {
  std::mt19937 rng(5);
  std::normal_distribution<double> normal;
  std::ostringstream out;
  for (int i = 0; i < count; ++i) {
    double v[3] = {normal(rng), normal(rng), normal(rng)};
    const double n = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    for (double& x : v) x /= n;
    out << v[0] << ' ' << v[1] << ' ' << v[2] << ' ' << v[0] << ' ' << v[1] << ' ' << v[2] << '\n';
  }
  return out.str();
}

std::string temp_path(const std::string& name) {
  return "/tmp/siren-bench-" + std::to_string(::getpid()) + "-" + name;
}

// Times the updates of a fit at its step boundaries, which the trainer marks by polling should_stop
// before each step (progress reports would not do: on a GPU the trainer reports only every 250 ms).
// After the warm-up, each sample is a window of steps_per_repeat consecutive steps, the device drained at
// the window's edges. The fit is stopped at the last edge, so its final evaluation is not timed.
Timing time_steps(FitConfig config, std::unique_ptr<Task> task, const StepOptions& options) {
  const int64_t timed_steps = int64_t{options.repeats} * options.steps_per_repeat;
  config.train.steps = options.warmup + timed_steps + 1;  // one more, so the trainer polls at the last edge
  config.train.checkpoint_every = 0;
  config.train.fused_sine_layers = options.fused_sine_layers;
  config.train.cuda_graphs = options.cuda_graphs;
  config.train.closed_form_derivatives = options.closed_form_derivatives;
  config.train.device = options.placement.device;
  config.train.precision = options.placement.precision;
  std::vector<Clock::time_point> edges;
  int64_t step = 0;
  FitCallbacks callbacks;
  callbacks.should_stop = [&] {
    const int64_t timed = step++ - options.warmup;  // steps done since the warm-up
    if (timed >= 0 && timed % options.steps_per_repeat == 0) {
      wait_for_device(options.placement.device);
      edges.push_back(Clock::now());
    }
    return timed == timed_steps;
  };
  const FitResult fit = run_fit(config, std::move(task), {}, callbacks);
  std::vector<double> ms;
  for (size_t i = 1; i < edges.size(); ++i)
    ms.push_back(ms_between(edges[i - 1], edges[i]) / options.steps_per_repeat);
  Timing timing = summarize(ms);
  if (options.placement.device != "cpu") timing.note = "steps: " + fit.cuda_graphs;
  return timing;
}

// A briefly trained model, loaded onto the placement's device for queries. Its fit runs at the
// placement's precision too: the checkpoint records it, and run_fit leaves cuBLAS in that mode.
FieldModel trained_model(FitConfig config, std::unique_ptr<Task> task, const Placement& placement,
                         const std::string& name) {
  config.train.device = placement.device;
  config.train.precision = placement.precision;
  const std::string path = temp_path(name);
  run_fit(config, std::move(task), {"", path}, {});
  FieldModel model = FieldModel::load(path, placement.device);
  std::remove(path.c_str());
  return model;
}

int64_t status_kib(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field, 0) == 0) return std::stoll(line.substr(std::string(field).size()));
  return -1;
}

}  // namespace

double multiply_adds_per_point(int in_features, int out_features) {
  const double h = 256;
  return in_features * h + 3 * h * h + h * out_features;
}

Timing image_step(int size, int channels, const StepOptions& options) {
  return time_steps(preset_fit_config("image"), std::make_unique<ImageTask>(synthetic_image(size, channels)),
                    options);
}

Timing sdf_step(int64_t on_surface_points, const StepOptions& options) {
  FitConfig config = preset_fit_config("sdf");
  config.task.options["on_surface_points"] = std::to_string(on_surface_points);
  return time_steps(config, make_task(config.task, sphere_xyz(20000)), options);
}

Timing poisson_laplacian_step(int size, const StepOptions& options) {
  auto task = std::make_unique<PoissonTask>("poisson-lapl", laplacian_ground_truth(synthetic_image(size, 1)));
  return time_steps(preset_fit_config("poisson-lapl"), std::move(task), options);
}

Timing inverse_helmholtz_step(int sources, int64_t points, const StepOptions& options) {
  InverseHelmholtzSetup setup;
  constexpr int kReceivers = 30;
  for (int s = 0; s < sources; ++s) setup.data.sources.push_back({-0.4 + 0.8 * s / std::max(1, sources - 1), 0.4});
  for (int r = 0; r < kReceivers; ++r) setup.data.receivers.push_back({-0.45 + 0.9 * r / (kReceivers - 1), -0.45});
  for (int r = 0; r < kReceivers; ++r)
    for (int s = 0; s < sources; ++s) setup.data.values.emplace_back(std::sin(0.3 * r + s), std::cos(0.2 * r - s));
  FitConfig config = preset_fit_config("inverse-helmholtz");
  config.train.batch_size = points;
  return time_steps(config, std::make_unique<InverseHelmholtzTask>(std::move(setup)), options);
}

Timing query(int64_t points, int repeats, const Placement& placement, bool gradients) {
  FitConfig config = preset_fit_config("image");
  config.train.steps = 1;
  const FieldModel model =
      trained_model(config, std::make_unique<ImageTask>(synthetic_image(16, 1)), placement, "query.ckpt");
  std::vector<float> coords(static_cast<size_t>(points) * 2);
  for (size_t i = 0; i < coords.size(); ++i) coords[i] = std::fmod(i * 0.618034f, 2.0f) - 1.0f;
  auto run = [&] { return gradients ? model.query_gradients(coords) : model.query(coords); };
  run();  // warm-up
  std::vector<double> ms;
  for (int r = 0; r < repeats; ++r) {
    wait_for_device(placement.device);
    const auto start = Clock::now();
    run();  // copies its values to the host, so the device is idle; the wait makes sure
    wait_for_device(placement.device);
    ms.push_back(ms_between(start, Clock::now()));
  }
  return summarize(ms);
}

QueryParts query_parts(int64_t points, int repeats, const Placement& placement) {
  const torch::Device device(placement.device);
  apply_matmul_precision(device, placement.precision);
  const AutocastScope autocast(device, placement.precision);
  ModelSpec spec;  // the image preset's 3x256 sine network, 2 -> 1
  FieldNetwork network(spec);
  network->to(device);
  std::vector<float> coords(static_cast<size_t>(points) * 2);
  for (size_t i = 0; i < coords.size(); ++i) coords[i] = std::fmod(i * 0.618034f, 2.0f) - 1.0f;

  // FieldModel::query's own stages (query_stages.h), each timed alone.
  auto copy_in = [&] { return coordinates_on_device(coordinate_tensor(coords, 2), device); };
  const torch::Tensor on_device = copy_in();
  auto forward = [&] { return evaluate_in_blocks(network, on_device); };
  const torch::Tensor values = forward().to(torch::kFloat32);
  auto copy_out = [&] {
    const torch::Tensor host = values_on_host(values);
    return std::vector<float>(host.data_ptr<float>(), host.data_ptr<float>() + host.numel());
  };

  auto time = [&](auto&& stage) {
    stage();  // warm-up
    std::vector<double> ms;
    for (int r = 0; r < repeats; ++r) {
      wait_for_device(placement.device);
      const auto start = Clock::now();
      stage();
      wait_for_device(placement.device);
      ms.push_back(ms_between(start, Clock::now()));
    }
    return summarize(ms);
  };
  QueryParts parts;
  parts.copy_in = time(copy_in);
  parts.forward = time(forward);
  parts.copy_out = time(copy_out);
  return parts;
}

MeshFigures mesh(int resolution, int repeats, const Placement& placement, const std::string& sampling) {
  FitConfig config = preset_fit_config("sdf");
  config.train.steps = 20;
  config.task.options["on_surface_points"] = "2000";
  const FieldModel model = trained_model(config, make_task(config.task, sphere_xyz(5000)), placement, "mesh.ckpt");
  MeshFigures figures;
  std::vector<double> ms;
  for (int r = 0; r < repeats; ++r) {
    std::ofstream("/proc/self/clear_refs") << "5";  // resets the peak RSS (VmHWM) to the current RSS
    const int64_t before = status_kib("VmRSS:");
    int64_t bytes = 0;
    wait_for_device(placement.device);
    const auto start = Clock::now();
    export_model(model, "ply", {{"resolution", std::to_string(resolution)}, {"sampling", sampling}},
                 [&](const std::string& piece) { bytes += static_cast<int64_t>(piece.size()); },
                 int64_t{1} << 30);
    wait_for_device(placement.device);
    ms.push_back(ms_between(start, Clock::now()));
    figures.rss_before_mib = before / 1024.0;
    figures.peak_rss_mib = std::max(figures.peak_rss_mib, status_kib("VmHWM:") / 1024.0);
    figures.ply_bytes = bytes;
  }
  figures.timing = summarize(ms);
  return figures;
}

namespace {

// The three ways the GPU multiplies in a fit (TrainOptions::precision). TF32 is a cuBLAS mode for float32
// operands, BF16 a type of the operands themselves (products accumulate in float32 either way).
struct GemmPrecision {
  const char* name;
  at::ScalarType dtype;
  bool tf32;
};
constexpr GemmPrecision kGemmPrecisions[] = {
    {"fp32", at::kFloat, false}, {"tf32", at::kFloat, true}, {"bf16", at::kBFloat16, false}};

// cuBLAS's TF32 switch is process-wide: set for one measurement, put back after it. Through the same
// legacy setter core/src/device_precision.cpp uses, so torch never sees the two TF32 APIs disagree.
class CublasTf32Scope {
 public:
  explicit CublasTf32Scope(bool allow) : before_(at::globalContext().allowTF32CuBLAS()) {
    at::globalContext().setAllowTF32CuBLAS(allow);
  }
  ~CublasTf32Scope() { at::globalContext().setAllowTF32CuBLAS(before_); }
  CublasTf32Scope(const CublasTf32Scope&) = delete;
  CublasTf32Scope& operator=(const CublasTf32Scope&) = delete;

 private:
  bool before_;
};

// A = left operand [m x k], B = right operand [k x n]; transposed views where autograd multiplies by one.
struct GemmOperands {
  std::string product;
  at::Tensor a, b;
};

// The products of one hidden layer y = x W^T of the network over `points` points, as autograd runs them,
// then a large square product for comparison: the layer's products are thin (256 wide), the square one
// is the shape GEMM peaks are quoted for.
std::vector<GemmOperands> layer_products(int64_t points, const at::TensorOptions& options) {
  constexpr int64_t kWidth = 256, kSquare = 8192;
  const at::Tensor x = at::randn({points, kWidth}, options);
  const at::Tensor w = at::randn({kWidth, kWidth}, options);
  const at::Tensor dy = at::randn({points, kWidth}, options);
  return {{"forward   y = x W^T", x, w.t()},
          {"backward dx = dy W", dy, w},
          {"backward dW = dy^T x", dy.t(), x},
          {"square 8192^3", at::randn({kSquare, kSquare}, options), at::randn({kSquare, kSquare}, options)}};
}

// Back-to-back products per sample: about 5 TFLOP, so launch gaps and the clock's resolution vanish
// (milliseconds in TF32 or BF16, ~100 ms in IEEE fp32 on an H200).
int64_t products_per_sample(double flop) { return std::clamp<int64_t>(std::llround(5e12 / flop), 10, 5000); }

Timing time_products(const GemmOperands& operands, int repeats, const std::string& device) {
  at::Tensor out = at::empty({operands.a.size(0), operands.b.size(1)}, operands.a.options());
  const int64_t count = products_per_sample(2.0 * out.size(0) * out.size(1) * operands.a.size(1));
  const auto sample = [&] {
    wait_for_device(device);
    const auto start = Clock::now();
    for (int64_t i = 0; i < count; ++i) at::mm_out(out, operands.a, operands.b);
    wait_for_device(device);
    return ms_between(start, Clock::now()) / count;
  };
  sample();  // warm-up: cuBLAS chooses and loads its kernel, the GPU leaves its idle clocks
  std::vector<double> ms;
  for (int r = 0; r < repeats; ++r) ms.push_back(sample());
  return summarize(ms);
}

}  // namespace

std::vector<GemmFigures> gemm_peak(int64_t points, int repeats, const std::string& device) {
  if (!at::Device(device).is_cuda() || !torch::cuda::is_available())
    throw std::runtime_error("gemm-peak measures a GPU: it needs --device cuda (or cuda:N) and a CUDA device");
  std::vector<GemmFigures> figures;
  for (const GemmPrecision& precision : kGemmPrecisions) {
    const CublasTf32Scope tf32(precision.tf32);
    const auto options = at::TensorOptions().device(at::Device(device)).dtype(precision.dtype);
    for (const GemmOperands& operands : layer_products(points, options))
      figures.push_back({operands.product, precision.name, operands.a.size(0), operands.b.size(1),
                         operands.a.size(1), time_products(operands, repeats, device)});
  }
  return figures;
}

void wait_for_device(const std::string& device) {
  if (device == "cpu") return;
  torch::cuda::synchronize(at::Device(device).index());  // index -1 ("cuda"): the current device, cuda:0
}

PackedFitFigures packed_fits(int fits, int side, int steps, int repeats, const Placement& placement) {
  const auto config_of = [&](int index) {
    FitConfig config = preset_fit_config("image");
    config.model.hidden_features = 64;
    config.train.steps = steps;
    config.train.seed = static_cast<uint64_t>(index);
    config.train.checkpoint_every = 0;
    config.train.device = placement.device;
    config.train.precision = placement.precision;
    return config;
  };
  PackedFitFigures figures;
  std::vector<double> lone_ms, packed_ms;
  for (int r = 0; r < repeats; ++r) {
    double psnr = 0;
    wait_for_device(placement.device);
    auto start = Clock::now();
    for (int i = 0; i < fits; ++i)
      psnr += run_fit(config_of(i), std::make_unique<ImageTask>(varied_image(side, i)), {}, {}).final.metrics.at("psnr");
    wait_for_device(placement.device);
    lone_ms.push_back(ms_between(start, Clock::now()));
    figures.lone_psnr = psnr / fits;

    start = Clock::now();
    std::vector<PackedFitMember> members;
    for (int i = 0; i < fits; ++i)
      members.push_back({prepare_fit(config_of(i), std::make_unique<ImageTask>(varied_image(side, i))), {}, {}, nullptr});
    psnr = 0;
    for (const PackedFitResult& result : run_packed_fits(std::move(members))) {
      if (!result.result) throw std::runtime_error("a packed fit failed: " + result.error);
      psnr += result.result->final.metrics.at("psnr");
    }
    wait_for_device(placement.device);
    packed_ms.push_back(ms_between(start, Clock::now()));
    figures.packed_psnr = psnr / fits;
  }
  figures.lone = summarize(lone_ms);
  figures.packed = summarize(packed_ms);
  return figures;
}

}  // namespace siren::bench
