#include "workloads.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

#include "siren/export.h"
#include "siren/field_model.h"
#include "siren/fit.h"
#include "siren/io/image.h"

namespace siren::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::string synthetic_png(int size, int channels) {
  Image img{size, size, channels, std::vector<float>(static_cast<size_t>(size) * size * channels)};
  for (int r = 0; r < size; ++r)
    for (int c = 0; c < size; ++c)
      for (int ch = 0; ch < channels; ++ch)
        img.pixels[(static_cast<size_t>(r) * size + c) * channels + ch] =
            0.5f + 0.4f * std::sin(0.1f * r * c / size + ch);
  return encode_png(img);
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

// Times the updates of a fit: the intervals between consecutive progress reports, after the warm-up.
Timing time_steps(FitConfig config, const std::string& input, const StepOptions& options) {
  config.train.steps = options.warmup + options.repeats;
  config.train.checkpoint_every = 0;
  config.train.fused_sine_layers = options.fused_sine_layers;
  std::vector<Clock::time_point> marks;
  FitCallbacks callbacks;
  callbacks.on_progress = [&](const Progress&) { marks.push_back(Clock::now()); };
  run_fit(config, input, {}, callbacks);
  std::vector<double> ms;
  for (size_t i = options.warmup + 1; i < marks.size(); ++i)
    ms.push_back(std::chrono::duration<double, std::milli>(marks[i] - marks[i - 1]).count());
  return summarize(ms);
}

std::string temp_path(const std::string& name) {
  return "/tmp/siren-bench-" + std::to_string(::getpid()) + "-" + name;
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
  return time_steps(preset_fit_config("image"), synthetic_png(size, channels), options);
}

Timing sdf_step(int64_t on_surface_points, const StepOptions& options) {
  FitConfig config = preset_fit_config("sdf");
  config.task.options["on_surface_points"] = std::to_string(on_surface_points);
  return time_steps(config, sphere_xyz(20000), options);
}

Timing poisson_laplacian_step(int size, const StepOptions& options) {
  FitConfig config = preset_fit_config("poisson-lapl");
  config.task.options["size"] = std::to_string(size);
  return time_steps(config, synthetic_png(size, 1), options);
}

Timing query(int64_t points, int repeats) {
  FitConfig config = preset_fit_config("image");
  config.train.steps = 1;
  const std::string path = temp_path("query.ckpt");
  run_fit(config, synthetic_png(16, 1), {"", path}, {});
  const FieldModel model = FieldModel::load(path);
  std::remove(path.c_str());
  std::vector<float> coords(static_cast<size_t>(points) * 2);
  for (size_t i = 0; i < coords.size(); ++i) coords[i] = std::fmod(i * 0.618034f, 2.0f) - 1.0f;
  model.query(coords);  // warm-up
  std::vector<double> ms;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    model.query(coords);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  return summarize(ms);
}

MeshFigures mesh(int resolution, int repeats) {
  FitConfig config = preset_fit_config("sdf");
  config.train.steps = 20;
  config.task.options["on_surface_points"] = "2000";
  const std::string path = temp_path("mesh.ckpt");
  run_fit(config, sphere_xyz(5000), {"", path}, {});
  const FieldModel model = FieldModel::load(path);
  std::remove(path.c_str());
  MeshFigures figures;
  std::vector<double> ms;
  for (int r = 0; r < repeats; ++r) {
    std::ofstream("/proc/self/clear_refs") << "5";  // resets the peak RSS (VmHWM) to the current RSS
    const int64_t before = status_kib("VmRSS:");
    int64_t bytes = 0;
    const auto start = Clock::now();
    export_model(model, "ply", {{"resolution", std::to_string(resolution)}},
                 [&](const std::string& piece) { bytes += static_cast<int64_t>(piece.size()); },
                 int64_t{1} << 30);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    figures.rss_before_mib = before / 1024.0;
    figures.peak_rss_mib = std::max(figures.peak_rss_mib, status_kib("VmHWM:") / 1024.0);
    figures.ply_bytes = bytes;
  }
  figures.timing = summarize(ms);
  return figures;
}

}  // namespace siren::bench
