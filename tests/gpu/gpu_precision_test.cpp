// The precisions a fit may ask for on a GPU (device_precision.h), at the image preset's size and
// network: TF32, the default, must stay within 0.1 dB of IEEE fp32 after 1,000 steps; bf16 autocast is
// an option whose quality is measured and printed here, and must at least learn the image.
#include <iostream>

#include "gpu_support.h"
#include "siren/fit.h"
#include "siren/tasks/image_task.h"
#include "synthetic.h"

namespace siren {
namespace {

double psnr_after_1000_steps(const std::string& precision) {
  FitConfig config;  // the image preset: 3 x 256, Adam 1e-4, the full 256 x 256 image every step
  config.train.steps = 1000;
  config.train.checkpoint_every = 0;
  config.train.device = "cuda";
  config.train.precision = precision;
  const FitResult fit =
      run_fit(config, std::make_unique<ImageTask>(testing::synthetic_image(256, 256)), FitPaths{"", ""}, {});
  const double psnr = fit.final.metrics.at("psnr");
  std::cout << "[ precision ] " << precision << ": PSNR " << psnr << " dB after 1000 steps\n";
  ::testing::Test::RecordProperty(precision + "_psnr_db", std::to_string(psnr));
  return psnr;
}

TEST(GpuPrecision, Tf32StaysWithinATenthOfADecibelOfFp32) {
  SIREN_REQUIRE_CUDA();
  const double fp32 = psnr_after_1000_steps("fp32");
  EXPECT_GT(fp32, 30.0);  // the preset learns this image well past a flat gray's ~12 dB
  EXPECT_NEAR(psnr_after_1000_steps("tf32"), fp32, 0.1);
}

TEST(GpuPrecision, Bf16AutocastLearnsTheImage) {
  SIREN_REQUIRE_CUDA();
  EXPECT_GT(psnr_after_1000_steps("bf16"), 25.0);
}

}  // namespace
}  // namespace siren
