// `fit --local`: no server involved, the same FitSpec through the same core, the same output.
#include <filesystem>

#include "e2e_fixture.h"
#include "siren/io/files.h"

namespace siren::e2e {
namespace {

TEST_F(E2ETest, LocalFitWritesModelAndPrintsTheSameResultLine) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::string model = path("local.siren.ckpt");
  const std::vector<std::string> args = {"fit", "image", image, "--hidden", "32", "--steps", "20",
                                         "--seed", "5", "--local", "--model-out", model};
  // No --server: --local must not need one.
  std::vector<std::string> argv = {SIREN_CLI_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--json");
  const ProcessResult local = run_process(argv);
  ASSERT_EQ(local.exit_code, 0) << describe(argv, local);
  ASSERT_TRUE(std::filesystem::exists(model));
  EXPECT_GT(std::filesystem::file_size(model), 0u);

  const json local_result = last_json_line(local);
  EXPECT_EQ(local_result["event"], "result");
  EXPECT_EQ(local_result["state"], "succeeded");
  EXPECT_EQ(local_result["job_id"], "local");
  EXPECT_EQ(local_result["model_id"], model);
  EXPECT_EQ(local_result["step"], 20);

  // The same fit on the server ends with a line of the same shape and, with the same threads on
  // the same CPU, the same numbers.
  const json remote = fit_image(image, {"--steps", "20", "--seed", "5"});
  std::vector<std::string> local_keys, remote_keys;
  for (const auto& item : local_result.items()) local_keys.push_back(item.key());
  for (const auto& item : remote.items()) remote_keys.push_back(item.key());
  EXPECT_EQ(local_keys, remote_keys);
  EXPECT_EQ(local_result["loss"], remote["loss"]);
  EXPECT_EQ(local_result["psnr"], remote["psnr"]);

  // A local model continues locally with --resume.
  const std::string resumed = path("resumed.siren.ckpt");
  const ProcessResult more = run_process({SIREN_CLI_BIN, "fit", "image", image, "--hidden", "32",
                                          "--steps", "25", "--seed", "5", "--local", "--resume",
                                          model, "--model-out", resumed, "--json"});
  ASSERT_EQ(more.exit_code, 0) << more.err;
  EXPECT_EQ(last_json_line(more)["step"], 25);

  // A local model exports locally too: no server.
  const ProcessResult exported = run_process({SIREN_CLI_BIN, "export", model, "--local", "--option", "width=40",
                                              "--option", "height=24", "-o", path("local.png"), "--json"});
  ASSERT_EQ(exported.exit_code, 0) << describe({SIREN_CLI_BIN, "export", model, "--local"}, exported);
  EXPECT_EQ(last_json_line(exported)["output"], path("local.png"));
  const std::string png = read_file(path("local.png"));
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  EXPECT_EQ(png[19], 40);  // IHDR: width 40, height 24 (big-endian)
  EXPECT_EQ(png[23], 24);
  const ProcessResult unknown = run_process({SIREN_CLI_BIN, "export", model, "--local", "--format", "ply"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("INVALID_ARGUMENT"), std::string::npos) << unknown.err;

  // Bad input is reported as the server would.
  const std::string junk = write_file("junk.png", "junk");
  const ProcessResult bad = run_process(
      {SIREN_CLI_BIN, "fit", "image", junk, "--local", "--model-out", path("junk.ckpt")});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("error: INVALID_ARGUMENT"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace siren::e2e
