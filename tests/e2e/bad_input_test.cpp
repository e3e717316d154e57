// Wrong input through the CLI: clear messages, the documented exit codes, and a server that keeps
// working afterwards.
#include <filesystem>

#include "e2e_fixture.h"

namespace siren::e2e {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(E2ETest, BadInputGivesClearErrorsAndExitCodes) {
  const std::string not_an_image = write_file("notes.png", "these are not pixels\n");
  const ProcessResult garbage = siren({"fit", "image", not_an_image, "--steps", "5"});
  EXPECT_EQ(garbage.exit_code, 1) << garbage.err;
  EXPECT_TRUE(contains(garbage.err, "error: INVALID_ARGUMENT")) << garbage.err;

  const ProcessResult watch_unknown = siren({"watch", "job-doesnotexist"});
  EXPECT_EQ(watch_unknown.exit_code, 1);
  EXPECT_TRUE(contains(watch_unknown.err, "error: NOT_FOUND")) << watch_unknown.err;
  // Even a watch that never started ends with the result line scripts look for.
  const json last = last_json_line(watch_unknown);
  EXPECT_EQ(last["event"], "result");
  EXPECT_EQ(last["job_id"], "job-doesnotexist");
  EXPECT_TRUE(contains(last.value("error", ""), "NOT_FOUND"));

  const ProcessResult cancel_unknown = siren({"cancel", "job-doesnotexist"});
  EXPECT_EQ(cancel_unknown.exit_code, 1);
  EXPECT_TRUE(contains(cancel_unknown.err, "NOT_FOUND")) << cancel_unknown.err;

  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"model", "model-doesnotexist"},
        {"render", "model-doesnotexist", "-o", path("x.png")},
        {"download", "model-doesnotexist", "-o", path("x.ckpt")},
        {"rm-model", "model-doesnotexist"}}) {
    const ProcessResult result = siren(command);
    EXPECT_EQ(result.exit_code, 1) << command[0];
    EXPECT_TRUE(contains(result.err, "NOT_FOUND")) << command[0] << ": " << result.err;
  }
  EXPECT_FALSE(std::filesystem::exists(path("x.ckpt")));  // no truncated file left behind

  const ProcessResult missing = siren({"fit", "image", path("missing.png")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(contains(missing.err, "missing.png")) << missing.err;

  const std::string image = write_image("gradient.png", synthetic_image());
  const ProcessResult negative = siren({"fit", "image", image, "--steps", "-5"});
  EXPECT_TRUE(negative.exit_code == 2 ||
              (negative.exit_code == 1 && contains(negative.err, "INVALID_ARGUMENT")))
      << negative.exit_code << " " << negative.err;
  EXPECT_TRUE(contains(negative.err, "steps")) << negative.err;

  const ProcessResult bad_model = siren({"fit", "image", image, "--model", "cosine"});
  EXPECT_EQ(bad_model.exit_code, 2) << bad_model.err;
  const ProcessResult no_command = siren({});
  EXPECT_EQ(no_command.exit_code, 2);
  const ProcessResult unknown_option = siren({"jobs", "--frobnicate"});
  EXPECT_EQ(unknown_option.exit_code, 2);
  const ProcessResult help = siren({"fit", "image", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(contains(help.out, "--first-w0")) << help.out;

  // Nothing above hurt the server: it still lists jobs and runs a fit.
  EXPECT_TRUE(server_healthy());
  const json ok = fit_image(image, {"--steps", "3"});
  EXPECT_EQ(ok["state"], "succeeded");
}

TEST_F(E2ETest, UnreachableServerIsAnRpcError) {
  const ProcessResult result =
      run_process({SIREN_CLI_BIN, "jobs", "--server", "127.0.0.1:1", "--json"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(contains(result.err, "error: UNAVAILABLE")) << result.err;
}

// The real server applies --max-image-pixels to OpenCV's decoder (it restarts itself once with the cap
// in the environment, which OpenCV reads only when it loads): an image over the cap is refused from
// its header, with the flag named, and the server keeps serving.
class E2EImageCapTest : public E2ETest {
 protected:
  std::vector<std::string> extra_server_args() const override { return {"--max-image-pixels", "1000"}; }
};

TEST_F(E2EImageCapTest, ImagesOverTheServersPixelCapAreRefused) {
  const std::string big = write_image("big.png", synthetic_image(40, 40));  // 1600 pixels
  const ProcessResult refused = siren({"fit", "image", big, "--steps", "5"});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_TRUE(contains(refused.err, "INVALID_ARGUMENT")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "--max-image-pixels")) << refused.err;
  // Refused by OpenCV from the header (the message has no decoded size), not after decoding.
  EXPECT_FALSE(contains(refused.err, "40x40")) << refused.err;

  const std::string small = write_image("small.png", synthetic_image(16, 16));
  const ProcessResult fitted = siren({"fit", "image", small, "--steps", "3", "--hidden", "16"});
  EXPECT_EQ(fitted.exit_code, 0) << fitted.err;
}

}  // namespace
}  // namespace siren::e2e
