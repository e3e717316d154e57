// kill -9 in the middle of a fit: the restarted server queues the job again, continues it from its
// newest checkpoint, and ends with exactly the model an uninterrupted fit gives.
#include <signal.h>

#include <filesystem>
#include <thread>

#include "e2e_fixture.h"

namespace siren::e2e {
namespace {

bool has_checkpoint(const std::string& dir) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error))
    if (entry.path().extension() == ".ckpt") return true;
  return false;
}

TEST_F(E2ETest, KilledServerContinuesTheRunningFitFromItsCheckpoint) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::vector<std::string> fit = {"fit", "image", image, "--hidden", "32", "--steps", "600",
                                        "--checkpoint-every", "20", "--seed", "9"};
  std::vector<std::string> submit = fit;
  submit.push_back("--no-watch");
  const ProcessResult submitted = siren(submit);
  ASSERT_EQ(submitted.exit_code, 0) << describe(siren_argv(submit), submitted);
  const std::string job_id = last_json_line(submitted)["job_id"];
  ASSERT_FALSE(job_id.empty()) << submitted.out;

  // Kill as soon as the first periodic checkpoint is on disk, long before step 600.
  const std::string checkpoints = path("data/jobs/" + job_id + "/checkpoints");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!has_checkpoint(checkpoints) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_TRUE(has_checkpoint(checkpoints)) << server_log();
  server_->send_signal(SIGKILL);
  server_->wait(std::chrono::seconds(10));

  start_server();
  const ProcessResult after_restart = siren({"job", job_id});
  ASSERT_EQ(after_restart.exit_code, 0) << after_restart.err;
  const std::string state = last_json_line(after_restart)["state"];
  EXPECT_TRUE(state == "queued" || state == "running") << "the fit was not cut off: " << after_restart.out;

  const ProcessResult watched = siren({"watch", job_id});
  ASSERT_EQ(watched.exit_code, 0) << describe(siren_argv({"watch", job_id}), watched) << server_log();
  const json recovered = last_json_line(watched);
  EXPECT_EQ(recovered["state"], "succeeded");
  EXPECT_EQ(recovered["step"], 600);

  // The same fit, uninterrupted: bit for bit the same loss and PSNR.
  const ProcessResult uninterrupted = siren(fit);
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted.err;
  const json reference = last_json_line(uninterrupted);
  EXPECT_EQ(recovered["loss"], reference["loss"]);
  EXPECT_EQ(recovered["psnr"], reference["psnr"]);
}

}  // namespace
}  // namespace siren::e2e
