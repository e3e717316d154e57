// The Poisson tasks through the real CLI and server: one image (poisson-grad) and two images packed
// into one upload (poisson-composite), then the generic export of the reconstruction.
#include <cmath>

#include "e2e_fixture.h"
#include "siren/io/image.h"

namespace siren::e2e {
namespace {

// Smooth, as gradient supervision needs: the hard edges of synthetic_image() make its 32x32 Sobel
// gradients a poor description of the picture, which no fit of a few hundred steps recovers.
siren::Image smooth_image(int n) {
  siren::Image image;
  image.width = image.height = n;
  image.channels = 1;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const double u = x / (n - 1.0), v = y / (n - 1.0);
      image.pixels.push_back(static_cast<float>(0.5 + 0.3 * std::sin(6 * u) * std::cos(5 * v) + 0.15 * std::sin(23 * u * v)));
    }
  return image;
}

TEST_F(E2ETest, PoissonGradFitsThroughTheServerAndExportsThePicture) {
  const siren::Image picture = smooth_image(64);
  const std::string image = write_image("small.png", picture);
  const std::vector<std::string> args = {"fit", "poisson-grad", image, "--size", "original", "--hidden", "64",
                                         "--steps", "300", "--lr", "1e-3"};
  const ProcessResult fit = siren(args);
  ASSERT_EQ(fit.exit_code, 0) << describe(siren_argv(args), fit);
  const json result = last_json_line(fit);
  EXPECT_EQ(result["state"], "succeeded");
  EXPECT_EQ(result["step"], 300);
  ASSERT_TRUE(result.contains("psnr") && result.contains("fit_scale")) << result.dump();
  // The PSNR is taken after the best affine match (a gradient fit fixes the picture up to an offset), so any
  // constant output already scores the flat image's PSNR: the fit must do clearly better.
  EXPECT_GT(result["psnr"].get<double>(), flat_psnr(picture) + 10.0) << "a constant output scores " << flat_psnr(picture);
  const std::string model_id = result["model_id"];

  const ProcessResult exported = siren({"export", model_id, "--option", "width=40", "--option", "height=24",
                                        "--option", "range=minmax", "-o", path("recon.png")});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const siren::Image recon = siren::read_image_file(path("recon.png"));
  EXPECT_EQ(recon.width, 40);
  EXPECT_EQ(recon.height, 24);
  EXPECT_EQ(recon.channels, 1);
}

TEST_F(E2ETest, PoissonCompositeUploadsBothImagesAsOneBundle) {
  const std::string background = write_image("bg.png", synthetic_image(24, 24));
  const std::string foreground = write_image("fg.png", synthetic_image(24, 12));
  const ProcessResult fit = siren({"fit", "poisson-composite", background, "--foreground", foreground, "--size",
                                   "original", "--hidden", "16", "--steps", "3"});
  ASSERT_EQ(fit.exit_code, 0) << fit.err;
  EXPECT_EQ(last_json_line(fit)["state"], "succeeded");

  // The foreground is required by the command line, and a junk one is the server's INVALID_ARGUMENT.
  EXPECT_EQ(siren({"fit", "poisson-composite", background, "--steps", "1"}).exit_code, 2);
  const std::string junk = write_file("junk.png", "junk");
  const ProcessResult bad = siren({"fit", "poisson-composite", background, "--foreground", junk, "--steps", "1"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("foreground image"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace siren::e2e
