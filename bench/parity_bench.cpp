// Prints figures, asserts nothing: PSNR of the image preset on the reference image over several seeds,
// next to the official code's figures on this machine (shared/siren-reference.md, section 13).
// One seed is a single draw from the init distribution; only the spread over seeds compares.
//   siren-parity [--image PATH] [--seeds N] [--first-seed S] [--steps 200]
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "siren/fit.h"
#include "siren/runtime.h"

namespace {

struct Args {
  std::string image = std::string(SIREN_SOURCE_DIR) + "/data/cameraman_256.png";
  int seeds = 4;
  int first_seed = 0;
  int steps = 200;
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

  std::map<int, std::vector<double>> psnr_by_step;
  for (int s = args.first_seed; s < args.first_seed + args.seeds; ++s) {
    siren::FitConfig config = siren::preset_fit_config("image");
    config.train.steps = args.steps;
    config.train.seed = s;
    std::map<int64_t, double> psnr;
    siren::FitCallbacks cb;
    cb.on_progress = [&](const siren::Progress& p) { psnr[p.step] = p.metrics.at("psnr"); };
    siren::run_fit(config, bytes, {}, cb);
    std::printf("seed %d:", s);
    for (const Reference& r : kReference) {
      if (r.step > args.steps) continue;
      psnr_by_step[r.step].push_back(psnr.at(r.step));
      std::printf("  k=%d %.2f", r.step, psnr.at(r.step));
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  std::printf("\n%6s  %-16s  %-16s  %s\n", "step", "siren (dB)", "reference (dB)", "difference of means");
  for (const Reference& r : kReference) {
    if (!psnr_by_step.count(r.step)) continue;
    double mean, std;
    mean_std(psnr_by_step[r.step], mean, std);
    std::printf("%6d  %6.2f +- %-6.2f  %6.2f +- %-6.2f  %+.2f\n", r.step, mean, std, r.mean, r.std, mean - r.mean);
  }
  return 0;
}
