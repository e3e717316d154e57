// Parity with the paper's code on the reference image (shared/siren-reference.md, section 13). The official
// code at 256^2 with the defaults reaches 25.30 +- 0.21, 27.13 +- 0.26, 30.59 +- 0.44 dB (mean +- sample std
// over seeds 0-3) after 50 / 100 / 200 Adam updates, and 10.88 dB at initialisation. Under one seed our
// initial weights are PyTorch's bit for bit and our loss curve follows eager PyTorch's (pytorch_parity_test;
// bench/siren-parity --eager on shows the same PSNR to 0.01 dB over 200 steps), but the table's seeds were
// not drawn that way (its step-0 figures differ), so one seed is a draw from its spread: this test asserts
// the reference mean +- 3 standard deviations (at least +- 0.5 dB). A wrong init, omega0, grid or
// normalisation misses it by dB.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "siren/fit.h"

namespace siren {
namespace {

struct Reference {
  int64_t step;
  double mean;
  double std;
};

TEST(CameramanParity, PsnrAt0_50_100_200StepsMatchesTheReference) {
  const std::string path = std::string(SIREN_SOURCE_DIR) + "/data/cameraman_256.png";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path;
  const std::string png((std::istreambuf_iterator<char>(in)), {});

  FitConfig config = preset_fit_config("image");  // sine, 3x256, omega0 30, Adam 1e-4, full batch
  config.train.steps = 200;
  config.train.seed = 0;
  std::map<int64_t, double> psnr;
  FitCallbacks cb;
  cb.on_progress = [&](const Progress& p) { psnr[p.step] = p.metrics.at("psnr"); };
  run_fit(config, png, {}, cb);

  for (const Reference& ref : {Reference{0, 10.88, 0.06}, Reference{50, 25.30, 0.21}, Reference{100, 27.13, 0.26},
                               Reference{200, 30.59, 0.44}}) {
    const double tolerance = std::max(0.5, 3.0 * ref.std);
    std::cout << "cameraman 256, step " << ref.step << ": " << psnr.at(ref.step) << " dB (reference " << ref.mean
              << " +- " << ref.std << ")\n";
    EXPECT_NEAR(psnr.at(ref.step), ref.mean, tolerance) << "step " << ref.step;
  }
}

}  // namespace
}  // namespace siren
