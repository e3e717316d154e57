// Packed fits (packed_fit.h) on a CUDA device: the batched step ends each fit as its lone fit on the
// device (IEEE fp32 products; the batched and the single GEMMs may sum in other orders).
#include <memory>

#include "gpu_support.h"
#include "siren/fit.h"
#include "siren/packed_fit.h"
#include "siren/tasks/image_task.h"
#include "synthetic.h"

namespace siren {
namespace {

std::unique_ptr<Task> image_task(int index) {
  Image image = testing::synthetic_image(24, 24);
  for (size_t i = 0; i < image.pixels.size(); ++i) image.pixels[i] = 0.9f * image.pixels[(i + 29 * index) % image.pixels.size()];
  return std::make_unique<ImageTask>(image);
}

TEST(GpuPackedFit, EachFitOfAPackEndsAsItsLoneFitOnTheDevice) {
  SIREN_REQUIRE_CUDA();
  const auto config_of = [](int index) {
    FitConfig config = gpu_testing::small_fit(60, 0);
    config.train.device = "cuda";
    config.train.seed = 3 + index;
    return config;
  };
  std::vector<PackedFitMember> members;
  for (int i = 0; i < 3; ++i) members.push_back({prepare_fit(config_of(i), image_task(i)), {}, {}, nullptr});
  const std::vector<PackedFitResult> packed = run_packed_fits(std::move(members));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(packed[i].result) << packed[i].error;
    const FitResult lone = run_fit(config_of(i), image_task(i), FitPaths{"", ""}, {});
    EXPECT_EQ(packed[i].result->device, lone.device);
    EXPECT_NEAR(packed[i].result->final.loss, lone.final.loss, 1e-3 * lone.final.loss) << "fit " << i;
    EXPECT_NEAR(packed[i].result->final.metrics.at("psnr"), lone.final.metrics.at("psnr"), 0.05) << "fit " << i;
  }
}

}  // namespace
}  // namespace siren
