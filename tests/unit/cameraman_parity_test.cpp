// Parity with the paper's code on the reference image (shared/siren-reference.md, section 13): the official
// code at 256^2 with the defaults reaches 25.30 / 27.13 / 30.59 dB (mean of 4 seeds; ranges 25.11-25.56,
// 26.80-27.39, 29.98-30.93) after 50 / 100 / 200 Adam updates. A port cannot reproduce PyTorch's RNG stream,
// so one fixed seed must land within 0.5 dB of that range.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "siren/fit.h"

namespace siren {
namespace {

TEST(CameramanParity, PsnrAt50_100_200StepsMatchesTheReference) {
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

  std::cout << "cameraman 256: PSNR k=0 " << psnr[0] << ", k=50 " << psnr[50] << ", k=100 " << psnr[100]
            << ", k=200 " << psnr[200] << " dB\n";
  EXPECT_NEAR(psnr[0], 10.88, 0.6);
  EXPECT_GE(psnr[50], 25.11 - 0.5);
  EXPECT_LE(psnr[50], 25.56 + 0.5);
  EXPECT_GE(psnr[100], 26.80 - 0.5);
  EXPECT_LE(psnr[100], 27.39 + 0.5);
  EXPECT_GE(psnr[200], 29.98 - 0.5);
  EXPECT_LE(psnr[200], 30.93 + 0.5);
}

}  // namespace
}  // namespace siren
