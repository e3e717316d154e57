// Tasks without input through the real binaries: `siren fit helmholtz` / `siren fit wave` take no FILE,
// submit nothing but the spec (or run --local), and their models export as images.
#include <filesystem>

#include "e2e_fixture.h"
#include "siren/io/image.h"

namespace siren::e2e {
namespace {

TEST_F(E2ETest, HelmholtzFitsWithoutAFileAndExportsAnImage) {
  const ProcessResult fit = siren({"fit", "helmholtz", "--sidelength", "12", "--hidden", "16", "--layers", "1",
                                   "--steps", "3", "--checkpoint-every", "0"});
  ASSERT_EQ(fit.exit_code, 0) << fit.err;
  const json result = last_json_line(fit);
  EXPECT_EQ(result["state"], "succeeded");
  const std::string model_id = result["model_id"];
  const std::string out = path("field.png");
  const ProcessResult exported =
      siren({"export", model_id, "--option", "component=imag", "--option", "size=32", "-o", out});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const siren::Image image = siren::read_image_file(out);
  EXPECT_EQ(image.width, 32);
  EXPECT_EQ(image.height, 32);

  // A FILE is a usage error for a task that takes none.
  const std::string stray = write_file("stray.png", "x");
  EXPECT_EQ(siren({"fit", "helmholtz", stray, "--steps", "1"}).exit_code, 2);
}

TEST_F(E2ETest, WaveFitsLocallyWithoutAFile) {
  const std::string model = path("wave.siren.ckpt");
  const ProcessResult local =
      run_process({SIREN_CLI_BIN, "fit", "wave", "--local", "--sidelength", "46", "--hidden", "16", "--layers", "1",
                   "--steps", "2", "--pretrain-steps", "1", "--model-out", model, "--json"});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  EXPECT_TRUE(std::filesystem::exists(model));
  EXPECT_EQ(last_json_line(local)["state"], "succeeded");
}

}  // namespace
}  // namespace siren::e2e
