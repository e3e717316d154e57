// Prints figures, asserts nothing: image fit step time (median/min/max over steps) and query throughput.
//   siren-bench [--size N] [--steps N] [--hidden N] [--query-points N] [--image PATH]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "siren/field_model.h"
#include "siren/fit.h"
#include "siren/io/image.h"
#include "siren/runtime.h"

#include <ATen/Parallel.h>
#include <cmath>
#include <unistd.h>

namespace {

struct Args {
  int size = 256;
  int steps = 20;
  int hidden = 256;
  long query_points = 1 << 20;
  std::string image;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--size") a.size = std::atoi(v);
    else if (k == "--steps") a.steps = std::atoi(v);
    else if (k == "--hidden") a.hidden = std::atoi(v);
    else if (k == "--query-points") a.query_points = std::atol(v);
    else if (k == "--image") a.image = v;
    else { std::fprintf(stderr, "unknown option %s\n", k.c_str()); std::exit(2); }
  }
  return a;
}

siren::Image test_image(const Args& a) {
  if (!a.image.empty()) return siren::resize_image(siren::read_image_file(a.image), a.size, a.size);
  siren::Image img{a.size, a.size, 1, std::vector<float>(static_cast<size_t>(a.size) * a.size)};
  for (int r = 0; r < a.size; ++r)
    for (int c = 0; c < a.size; ++c) img.pixels[r * a.size + c] = 0.5f + 0.4f * std::sin(0.1f * r * c / a.size);
  return img;
}

int siren_threads() { return at::get_num_threads(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  siren::configure_threads();
  siren::FitConfig config = siren::preset_fit_config("image");
  config.model.hidden_features = args.hidden;
  config.train.steps = args.steps;
  const std::string png = siren::encode_png(test_image(args));
  const std::string model_path = "/tmp/siren-bench-" + std::to_string(::getpid()) + ".ckpt";

  using clock = std::chrono::steady_clock;
  std::vector<clock::time_point> marks;
  siren::FitCallbacks cb;
  cb.on_progress = [&](const siren::Progress&) { marks.push_back(clock::now()); };
  const siren::FitResult result = siren::run_fit(config, png, {"", model_path}, cb);
  std::vector<double> step_ms;
  for (size_t i = 1; i + 1 < marks.size(); ++i)  // intervals between progress reports = one update each
    step_ms.push_back(std::chrono::duration<double, std::milli>(marks[i] - marks[i - 1]).count());

  const double points = double(args.size) * args.size;
  const double params = 2.0 * args.hidden + 3.0 * args.hidden * args.hidden + args.hidden;  // multiply-adds/point
  std::printf("image fit step  %dx%d gray, 3x%d sine, %s, %d threads\n", args.size, args.size, args.hidden,
              result.device.c_str(), siren_threads());
  if (!step_ms.empty()) {
    const double med = median(step_ms);
    std::printf("  step ms: median %.1f  min %.1f  max %.1f  (%zu steps)\n", med,
                *std::min_element(step_ms.begin(), step_ms.end()), *std::max_element(step_ms.begin(), step_ms.end()),
                step_ms.size());
    // forward + backward ~ 3 x forward, forward = 2 FLOP per multiply-add
    std::printf("  ~%.1f GFLOP/s\n", 6.0 * params * points / (med * 1e6));
  }
  std::printf("  final PSNR %.2f dB after %d steps\n", result.final.metrics.at("psnr"), args.steps);

  const siren::FieldModel model = siren::FieldModel::load(model_path);
  std::vector<float> coords(static_cast<size_t>(args.query_points) * 2);
  for (size_t i = 0; i < coords.size(); ++i) coords[i] = std::fmod(i * 0.618034f, 2.0f) - 1.0f;
  std::vector<double> query_s;
  for (int rep = 0; rep < 3; ++rep) {
    const auto t0 = clock::now();
    const std::vector<float> values = model.query(coords);
    query_s.push_back(std::chrono::duration<double>(clock::now() - t0).count());
  }
  std::printf("query  %ld points: median %.3f s  => %.3g points/s\n", args.query_points, median(query_s),
              args.query_points / median(query_s));
  std::remove(model_path.c_str());
  return 0;
}
