// kill -9 in the middle of a fit: the restarted server queues the job again, continues it from its
// newest checkpoint, and ends with exactly the model an uninterrupted fit gives.
#include <signal.h>

#include <filesystem>
#include <thread>

#include "e2e_fixture.h"

namespace siren::e2e {
namespace {

TEST_F(E2ETest, KilledServerContinuesTheRunningFitFromItsCheckpoint) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::vector<std::string> fit = {"fit", "image", image, "--hidden", "32", "--steps", "4000",
                                        "--checkpoint-every", "20", "--seed", "9"};
  const std::string job_id = submit_no_watch(fit);
  ASSERT_FALSE(job_id.empty());

  // Kill as soon as the first periodic checkpoint is on disk, long before step 4000: the fit must outlast
  // the CLI's own exit after submitting (a 600-step fit once finished within it on a fast CI machine).
  ASSERT_NO_FATAL_FAILURE(kill_server_after_first_checkpoint(job_id));

  start_server();
  const ProcessResult after_restart = siren({"job", job_id});
  ASSERT_EQ(after_restart.exit_code, 0) << after_restart.err;
  const std::string state = last_json_line(after_restart)["state"];
  EXPECT_TRUE(state == "queued" || state == "running") << "the fit was not cut off: " << after_restart.out;

  const ProcessResult watched = siren({"watch", job_id});
  ASSERT_EQ(watched.exit_code, 0) << describe(siren_argv({"watch", job_id}), watched) << server_log();
  const json recovered = last_json_line(watched);
  EXPECT_EQ(recovered["state"], "succeeded");
  EXPECT_EQ(recovered["step"], 4000);

  // The same fit, uninterrupted: bit for bit the same loss and PSNR.
  const ProcessResult uninterrupted = siren(fit);
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted.err;
  const json reference = last_json_line(uninterrupted);
  EXPECT_EQ(recovered["loss"], reference["loss"]);
  EXPECT_EQ(recovered["psnr"], reference["psnr"]);
}

}  // namespace
}  // namespace siren::e2e
