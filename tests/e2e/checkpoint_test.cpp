// Checkpoints leave the server intact: download one, and continuing from it reproduces an
// uninterrupted fit exactly (weights, Adam moments, step and RNG all travel in the file).
#include <filesystem>

#include "e2e_fixture.h"

namespace siren::e2e {
namespace {

TEST_F(E2ETest, DownloadedCheckpointResumesBitExactly) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::vector<std::string> settings = {"--seed", "3", "--batch-size", "256"};
  auto with = [&settings](std::vector<std::string> args) {
    args.insert(args.end(), settings.begin(), settings.end());
    return args;
  };

  const json a = fit_image(image, with({"--steps", "12"}));
  const json b = fit_image(image, with({"--steps", "6", "--checkpoint-every", "3"}));
  ASSERT_EQ(a["state"], "succeeded");
  ASSERT_EQ(b["state"], "succeeded");
  EXPECT_EQ(b["step"], 6);

  const std::string checkpoint = path("b.ckpt");
  const ProcessResult downloaded = siren({"download", b["model_id"], "-o", checkpoint});
  ASSERT_EQ(downloaded.exit_code, 0) << downloaded.err;
  ASSERT_TRUE(std::filesystem::exists(checkpoint));
  EXPECT_GT(std::filesystem::file_size(checkpoint), 0u);
  EXPECT_EQ(last_json_line(downloaded)["bytes"], std::filesystem::file_size(checkpoint));
  EXPECT_FALSE(std::filesystem::exists(checkpoint + ".part"));

  const json c = fit_image(image, with({"--steps", "12", "--resume", checkpoint}));
  ASSERT_EQ(c["state"], "succeeded");
  EXPECT_EQ(c["step"], 12);
  // Bit-exact on CPU: JSON carries every double's exact value.
  EXPECT_EQ(c["loss"].get<double>(), a["loss"].get<double>());
  EXPECT_EQ(c["psnr"].get<double>(), a["psnr"].get<double>());
  EXPECT_EQ(c["mse"].get<double>(), a["mse"].get<double>());

  const std::string coords = write_file("coords.txt", "-1 -1\n-0.3 0.7\n0 0\n0.9 -0.1\n1 1\n");
  const ProcessResult query_a = siren({"query", a["model_id"], "--coords", coords});
  const ProcessResult query_c = siren({"query", c["model_id"], "--coords", coords});
  ASSERT_EQ(query_a.exit_code, 0) << query_a.err;
  ASSERT_EQ(query_c.exit_code, 0) << query_c.err;
  EXPECT_EQ(json_lines(query_a.out).size(), 5u);
  EXPECT_EQ(query_a.out, query_c.out);
}

}  // namespace
}  // namespace siren::e2e
