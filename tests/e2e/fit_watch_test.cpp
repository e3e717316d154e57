// Fitting through the CLI: follow to the end, detach and re-attach, Ctrl-C, cancel.
#include <signal.h>

#include "e2e_fixture.h"

namespace siren::e2e {
namespace {

bool has_line_with_event(const std::string& out, const std::string& event) {
  for (const json& line : json_lines(out)) {
    if (line.value("event", "") == event) return true;
  }
  return false;
}

TEST_F(E2ETest, FitFollowsToSuccessAndIsListed) {
  const siren::Image picture = synthetic_image();
  const std::string image = write_image("gradient.png", picture);
  const std::vector<std::string> args = {"fit", "image", image, "--hidden", "32", "--steps", "300",
                                         "--name", "first"};
  const ProcessResult result = siren(args);
  ASSERT_EQ(result.exit_code, 0) << describe(siren_argv(args), result);

  const auto lines = json_lines(result.out);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_TRUE(has_line_with_event(result.out, "progress"));
  const json& last = lines.back();
  EXPECT_EQ(last["event"], "result");
  EXPECT_EQ(last["state"], "succeeded");
  EXPECT_EQ(last["step"], 300);
  for (const char* key : {"job_id", "model_id", "psnr", "mse", "loss"}) {
    EXPECT_TRUE(last.contains(key)) << key << " missing from " << last.dump();
  }
  EXPECT_GT(last["psnr"].get<double>(), flat_psnr(picture) + 10.0) << "flat gray scores " << flat_psnr(picture);
  const std::string job_id = last["job_id"], model_id = last["model_id"];
  EXPECT_FALSE(model_id.empty());

  const ProcessResult jobs = siren({"jobs"});
  ASSERT_EQ(jobs.exit_code, 0) << jobs.err;
  bool job_listed = false;
  for (const json& job : json_lines(jobs.out)) {
    if (job["job_id"] == job_id) {
      job_listed = true;
      EXPECT_EQ(job["state"], "succeeded");
      EXPECT_EQ(job["model_id"], model_id);
      EXPECT_EQ(job["name"], "first");
      EXPECT_EQ(job["psnr"], last["psnr"]);  // the same double, bit for bit
    }
  }
  EXPECT_TRUE(job_listed) << jobs.out;

  const ProcessResult models = siren({"models"});
  ASSERT_EQ(models.exit_code, 0) << models.err;
  bool model_listed = false;
  for (const json& model : json_lines(models.out)) {
    if (model["model_id"] == model_id) {
      model_listed = true;
      EXPECT_EQ(model["job_id"], job_id);
      EXPECT_EQ(model["metadata"]["width"], "24");
      EXPECT_EQ(model["in_features"], 2);
      EXPECT_EQ(model["out_features"], 1);
    }
  }
  EXPECT_TRUE(model_listed) << models.out;

  const ProcessResult details = siren({"job", job_id});
  ASSERT_EQ(details.exit_code, 0) << details.err;
  EXPECT_EQ(last_json_line(details)["spec"]["model"]["hidden_features"], 32);
}

TEST_F(E2ETest, NoWatchThenWatchReattaches) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const ProcessResult submitted =
      siren({"fit", "image", image, "--hidden", "32", "--steps", "25", "--no-watch"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const auto lines = json_lines(submitted.out);
  ASSERT_EQ(lines.size(), 1u) << submitted.out;
  EXPECT_EQ(lines[0]["state"], "queued");
  const std::string job_id = lines[0]["job_id"];
  ASSERT_FALSE(job_id.empty());

  const ProcessResult watched = siren({"watch", job_id});
  ASSERT_EQ(watched.exit_code, 0) << watched.err;
  const auto events = json_lines(watched.out);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.front()["event"], "snapshot");  // WatchJob always starts with the job as it is
  EXPECT_EQ(events.back()["event"], "result");
  EXPECT_EQ(events.back()["job_id"], job_id);
  EXPECT_EQ(events.back()["state"], "succeeded");
  EXPECT_EQ(events.back()["step"], 25);

  // Watching a finished job replays its end and exits the same way.
  const ProcessResult again = siren({"watch", job_id});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(last_json_line(again)["state"], "succeeded");

  // A script resuming its watch after the first kept event gets every later one, numbered, in order.
  const int64_t last_kept = json_lines(again.out).front()["sequence"];  // a finished job's snapshot: its last
  ASSERT_GE(last_kept, 3) << "queued, started, finished at least";
  const ProcessResult resumed = siren({"watch", job_id, "--after", "1"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  std::vector<int64_t> numbers;
  for (const json& line : json_lines(resumed.out))
    if (line.value("event", "") != "result") numbers.push_back(line.value("sequence", 0));
  std::vector<int64_t> expected;
  for (int64_t n = 2; n <= last_kept; ++n) expected.push_back(n);
  EXPECT_EQ(numbers, expected) << resumed.out;
  EXPECT_EQ(json_lines(resumed.out).front()["event"], "started") << resumed.out;
  EXPECT_NE(siren({"watch", job_id, "--after", "-1"}).exit_code, 0) << "a negative number is a usage error";
}

TEST_F(E2ETest, CtrlCDetachesAndCancelEndsTheJob) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const ProcessResult submitted =
      siren({"fit", "image", image, "--hidden", "32", "--steps", "100000", "--no-watch"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string job_id = last_json_line(submitted)["job_id"];

  // Follow until training reports progress, then Ctrl-C: the watch detaches, the job goes on.
  auto watcher = start_siren({"watch", job_id});
  ASSERT_TRUE(watcher->wait_for_stdout(
      [](const std::string& out) { return out.find("\"event\":\"progress\"") != std::string::npos; },
      std::chrono::seconds(60)))
      << watcher->out() << watcher->err();
  watcher->send_signal(SIGINT);
  const ProcessResult detached = watcher->wait(std::chrono::seconds(20));
  EXPECT_EQ(detached.exit_code, 130) << detached.err;
  const json detach_line = last_json_line(detached);
  EXPECT_EQ(detach_line["event"], "result");
  EXPECT_EQ(detach_line["detached"], true);
  EXPECT_EQ(detach_line["state"], "running");

  const ProcessResult job = siren({"job", job_id});
  ASSERT_EQ(job.exit_code, 0) << job.err;
  EXPECT_EQ(last_json_line(job)["state"], "running") << "detaching must not stop the job";

  const ProcessResult cancelled = siren({"cancel", job_id});
  ASSERT_EQ(cancelled.exit_code, 0) << cancelled.err;

  const ProcessResult watched = siren({"watch", job_id});
  EXPECT_EQ(watched.exit_code, 1) << watched.out << watched.err;
  const json last = last_json_line(watched);
  EXPECT_EQ(last["event"], "result");
  EXPECT_EQ(last["state"], "cancelled");
  EXPECT_LT(last["step"].get<int64_t>(), 100000);
}

// SIGTERM mid-fit: the watch ends (exit 1, the job is not finished) saying where the job continues;
// after the restart the job runs to SUCCEEDED with the final loss of an uninterrupted fit.
TEST_F(E2ETest, SigtermMidFitAndRestartFinishTheFitAsIfUninterrupted) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::vector<std::string> fit_args = {"fit", "image", image, "--hidden", "32", "--steps", "3000", "--seed", "5"};
  auto fit = start_siren(fit_args);
  ASSERT_TRUE(fit->wait_for_stdout(
      [](const std::string& out) { return out.find("\"event\":\"progress\"") != std::string::npos; },
      std::chrono::seconds(60)))
      << fit->out() << fit->err();
  server_->send_signal(SIGTERM);  // drains: the running fit checkpoints and goes back to QUEUED
  const ProcessResult result = fit->wait(std::chrono::seconds(60));
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const json last = last_json_line(result);
  EXPECT_EQ(last["event"], "result");
  const std::string job_id = last.value("job_id", "");
  ASSERT_FALSE(job_id.empty()) << result.out;
  // The server sends the QUEUED event before it stops; a watcher that wakes only after the stop can get
  // UNAVAILABLE instead (server-side race): both end the watch with exit 1.
  if (last.value("state", "") == "queued") {
    EXPECT_NE(last.value("error", "").find("continue from step"), std::string::npos) << result.out;
  } else {
    EXPECT_NE(last.value("error", "").find("UNAVAILABLE"), std::string::npos) << result.out;
  }
  ASSERT_EQ(server_->wait(std::chrono::seconds(30)).exit_code, 0) << server_log();
  ASSERT_LT(last.value("step", 0), 3000) << "the fit finished before SIGTERM; the test needs a longer fit";

  start_server();
  const ProcessResult watched = siren({"watch", job_id});
  ASSERT_EQ(watched.exit_code, 0) << describe(siren_argv({"watch", job_id}), watched) << server_log();
  const json finished = last_json_line(watched);
  EXPECT_EQ(finished["state"], "succeeded");
  EXPECT_EQ(finished["step"], 3000);

  const ProcessResult uninterrupted = siren(fit_args);
  ASSERT_EQ(uninterrupted.exit_code, 0) << uninterrupted.err;
  EXPECT_EQ(finished["loss"], last_json_line(uninterrupted)["loss"]);
}

}  // namespace
}  // namespace siren::e2e
