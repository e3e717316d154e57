// Prints figures, asserts nothing: PSNR of the image preset on the reference image over several seeds,
// next to the official code's figures on this machine (shared/siren-reference.md, section 13) and, with
// --eager on, next to eager PyTorch built the paper's way (bench/pytorch_eager.py) under the same seeds:
// same seed, same initial weights bit for bit, so the two columns should agree step by step.
// The reference table's seeds were drawn differently; only its spread over seeds compares.
//   siren-parity [--image PATH] [--seeds N] [--first-seed S] [--steps 200] [--eager on|off]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "siren/fit.h"
#include "siren/runtime.h"

#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include "eager_baseline.h"

namespace {

struct Args {
  std::string image = std::string(SIREN_SOURCE_DIR) + "/data/cameraman_256.png";
  int seeds = 4;
  int first_seed = 0;
  int steps = 200;
  bool eager = false;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--image") a.image = v;
    else if (k == "--seeds") a.seeds = std::atoi(v);
    else if (k == "--first-seed") a.first_seed = std::atoi(v);
    else if (k == "--steps") a.steps = std::atoi(v);
    else if (k == "--eager") a.eager = std::string(v) == "on";
    else { std::fprintf(stderr, "unknown option %s\n", k.c_str()); std::exit(2); }
  }
  return a;
}

struct Reference {
  int step;
  double mean, std;
};
// Official code, 256^2 cameraman, defaults, seeds 0-3 (mean +- sample std).
const std::vector<Reference> kReference = {{0, 10.88, 0.06}, {10, 19.52, 0.80}, {20, 22.58, 0.24},
                                           {50, 25.30, 0.21}, {100, 27.13, 0.26}, {150, 28.82, 0.38},
                                           {200, 30.59, 0.44}};

void mean_std(const std::vector<double>& v, double& mean, double& std) {
  mean = 0;
  for (double x : v) mean += x;
  mean /= v.size();
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  std = v.size() > 1 ? std::sqrt(ss / (v.size() - 1)) : 0.0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  siren::configure_threads();
  std::ifstream in(args.image, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", args.image.c_str());
    return 1;
  }
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});

  std::map<int, std::vector<double>> ours_by_step, eager_by_step;
  for (int s = args.first_seed; s < args.first_seed + args.seeds; ++s) {
    siren::FitConfig config = siren::preset_fit_config("image");
    config.train.steps = args.steps;
    config.train.seed = s;
    std::map<int64_t, double> psnr;
    siren::FitCallbacks cb;
    cb.on_progress = [&](const siren::Progress& p) { psnr[p.step] = p.metrics.at("psnr"); };
    siren::run_fit(config, bytes, {}, cb);

    std::map<int64_t, double> eager;
    if (args.eager) {
      std::string report;
      for (const Reference& r : kReference)
        if (r.step <= args.steps) report += (report.empty() ? "" : ",") + std::to_string(r.step);
      int status = 0;
      const std::string out = siren::bench::run_eager_script(
          "fit-image --image " + args.image + " --seed " + std::to_string(s) + " --steps " +
              std::to_string(args.steps) + " --report " + report,
          at::get_num_threads(), &status);
      std::istringstream lines(out);
      for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] != '{') continue;
        const auto j = nlohmann::json::parse(line);
        eager[j.at("step").get<int64_t>()] = j.at("psnr").get<double>();
      }
      if (status != 0 || eager.empty()) std::fprintf(stderr, "eager run failed:\n%s\n", out.c_str());
    }

    std::printf("seed %d:", s);
    for (const Reference& r : kReference) {
      if (r.step > args.steps) continue;
      ours_by_step[r.step].push_back(psnr.at(r.step));
      std::printf("  k=%d %.2f", r.step, psnr.at(r.step));
      if (eager.count(r.step)) {
        eager_by_step[r.step].push_back(eager.at(r.step));
        std::printf(" (eager %.2f)", eager.at(r.step));
      }
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  std::printf("\n%6s  %-16s  %-16s  %-16s  %s\n", "step", "siren (dB)", "eager PyTorch", "reference (dB)",
              "siren - reference");
  for (const Reference& r : kReference) {
    if (!ours_by_step.count(r.step)) continue;
    double mean, std, eager_mean = NAN, eager_std = NAN;
    mean_std(ours_by_step[r.step], mean, std);
    if (eager_by_step.count(r.step)) mean_std(eager_by_step[r.step], eager_mean, eager_std);
    std::printf("%6d  %6.2f +- %-6.2f  %6.2f +- %-6.2f  %6.2f +- %-6.2f  %+.2f\n", r.step, mean, std, eager_mean,
                eager_std, r.mean, r.std, mean - r.mean);
  }
  return 0;
}
