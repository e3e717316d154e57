// siren-bench: our speed on each workload of issue 6, next to eager PyTorch built the paper's way
// (bench/pytorch_eager.py) measured in the same run on the same machine. Prints figures; asserts nothing.
//   siren-bench [--workloads image,image-rgb,sdf,poisson-lapl,query,mesh] [--repeats 5] [--eager on|off]
//               [--size 512] [--sdf-points 250000] [--poisson-size 256] [--query-points 1048576]
//               [--mesh-resolutions 256,512] [--fused-sine on|off]
#include <ATen/Parallel.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "eager_baseline.h"
#ifdef SIREN_HAVE_SLEEF
#include "siren/kernels/sine_cosine.h"
#endif
#include "siren/runtime.h"
#include "workloads.h"

namespace {

using namespace siren::bench;

struct Args {
  std::vector<std::string> workloads = {"image", "image-rgb", "sdf", "poisson-lapl", "query", "mesh"};
  int repeats = 5;
  bool eager = true;
  bool fused = true;
  int size = 512;
  int64_t sdf_points = 250000;
  int poisson_size = 256;
  int64_t query_points = int64_t{1} << 20;
  std::vector<int> mesh_resolutions = {256, 512};
};

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
      std::puts("siren-bench [--workloads image,image-rgb,sdf,poisson-lapl,query,mesh] [--repeats N] [--eager on|off]\n"
                "            [--size N] [--sdf-points N] [--poisson-size N] [--query-points N]\n"
                "            [--mesh-resolutions N,N] [--fused-sine on|off]\n"
                "Median/min/max of N repeated runs per workload, FLOP/s where the count is exact, and the\n"
                "ratio to eager PyTorch (bench/pytorch_eager.py) run here in three environments.");
      std::exit(0);
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value (--help)\n", k.c_str());
      std::exit(2);
    }
    const std::string v = argv[++i];
    if (k == "--workloads") a.workloads = split(v);
    else if (k == "--repeats") a.repeats = std::atoi(v.c_str());
    else if (k == "--eager") a.eager = on(v);
    else if (k == "--fused-sine") a.fused = on(v);
    else if (k == "--size") a.size = std::atoi(v.c_str());
    else if (k == "--sdf-points") a.sdf_points = std::atoll(v.c_str());
    else if (k == "--poisson-size") a.poisson_size = std::atoi(v.c_str());
    else if (k == "--query-points") a.query_points = std::atoll(v.c_str());
    else if (k == "--mesh-resolutions") {
      a.mesh_resolutions.clear();
      for (const auto& r : split(v)) a.mesh_resolutions.push_back(std::atoi(r.c_str()));
    } else {
      std::fprintf(stderr, "unknown option %s (--help)\n", k.c_str());
      std::exit(2);
    }
  }
  if (a.repeats < 1) a.repeats = 1;
  return a;
}

void print_timing(const char* who, const Timing& t, double flop) {
  std::printf("  %-26s median %9.1f ms  min %9.1f  max %9.1f", who, t.median_ms, t.min_ms, t.max_ms);
  if (flop > 0) std::printf("  %7.1f GFLOP/s", flop / (t.median_ms * 1e6));
  std::printf("\n");
}

// Ours, then eager in its environments with the ratio eager / ours.
void report(const Args& args, const std::string& title, const Timing& ours, double flop, const std::string& eager_workload,
            const std::string& eager_args) {
  std::printf("%s\n", title.c_str());
  print_timing("siren (C++)", ours, flop);
  if (!args.eager || eager_workload.empty()) return;
  for (const EagerRun& run : run_eager(eager_workload, eager_args, at::get_num_threads(), args.repeats)) {
    if (!run.timing.ok()) {
      std::printf("  eager, %-19s failed: %s\n", run.environment.c_str(), run.error.c_str());
      continue;
    }
    print_timing(("eager, " + run.environment).c_str(), run.timing, flop);
    std::printf("  %-26s %.2fx\n", "  -> siren speed-up", run.timing.median_ms / ours.median_ms);
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Args args = parse(argc, argv);
  siren::configure_threads();
  const char* arch = std::getenv("BLIS_ARCH_TYPE");
#ifdef SIREN_HAVE_SLEEF
  const char* kernel = siren::kernels::sine_cosine_isa();
#else
  const char* kernel = "ATen (built without SLEEF)";
#endif
  std::printf("siren-bench: %d threads, BLIS_ARCH_TYPE=%s, sine kernel %s, fused sine layers %s\n",
              at::get_num_threads(), arch ? arch : "(BLIS chooses)", kernel, args.fused ? "on" : "off");
  std::string why;
  if (args.eager && !eager_available(&why)) {
    std::printf("no eager baseline: %s\n", why.c_str());
    args.eager = false;
  }
  std::printf("\n");
  const StepOptions step{1, args.repeats, args.fused};
  const std::string n = std::to_string(args.size);
  for (const std::string& w : args.workloads) {
    if (w == "image" || w == "image-rgb") {
      const int channels = w == "image" ? 1 : 3;
      const double flop = 6.0 * multiply_adds_per_point(2, channels) * args.size * args.size;  // fwd 2 + bwd 4
      report(args, "image fit step, " + n + "x" + n + (channels == 1 ? " gray" : " RGB") + ", 3x256 sine",
             image_step(args.size, channels, step), flop, "image",
             "--size " + n + " --channels " + std::to_string(channels));
    } else if (w == "sdf") {
      // Reverse over reverse: forward 2, gradient 2, then backward through both 4 + 4 (x 2 FLOP).
      const double flop = 12.0 * multiply_adds_per_point(3, 1) * 2.0 * args.sdf_points;
      const std::string p = std::to_string(args.sdf_points);
      report(args, "SDF step, " + p + " on + " + p + " off-surface points, 4-term loss with gradients",
             sdf_step(args.sdf_points, step), flop, "sdf", "--points " + p);
    } else if (w == "poisson-lapl") {
      const std::string s = std::to_string(args.poisson_size);
      report(args, "Poisson-from-Laplacian step, " + s + "x" + s + " (third-order autodiff)",
             poisson_laplacian_step(args.poisson_size, step), 0, "poisson-lapl", "--size " + s);
    } else if (w == "query") {
      const double flop = 2.0 * multiply_adds_per_point(2, 1) * static_cast<double>(args.query_points);
      const Timing t = query(args.query_points, args.repeats);
      report(args, "dense query, " + std::to_string(args.query_points) + " points (2-D, 3x256)", t, flop, "query",
             "--points " + std::to_string(args.query_points));
      std::printf("  siren: %.3g points/s\n", args.query_points / (t.median_ms * 1e-3));
    } else if (w == "mesh") {
      for (int r : args.mesh_resolutions) {
        const MeshFigures m = mesh(r, std::min(args.repeats, 2));
        const double flop = 2.0 * multiply_adds_per_point(3, 1) * double(r) * r * r;
        const std::string rs = std::to_string(r);
        report(args, "mesh, resolution " + rs + "^3 (evaluate the grid + marching tetrahedra + PLY)", m.timing, flop,
               "mesh", "--size " + rs);
        std::printf("  siren: peak host memory %.0f MiB during the export (%.0f MiB before it), PLY %.1f MB\n",
                    m.peak_rss_mib, m.rss_before_mib, m.ply_bytes / 1e6);
      }
    } else {
      std::fprintf(stderr, "unknown workload %s\n", w.c_str());
      return 2;
    }
    std::printf("\n");
  }
  return 0;
}
