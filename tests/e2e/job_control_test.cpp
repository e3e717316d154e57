// The queue commands through the CLI: --priority/--deadline/--request-id, pause, resume, rm-job.
#include "e2e_fixture.h"

namespace siren::e2e {
namespace {

TEST_F(E2ETest, PauseResumeAndRemoveAJobFromTheCommandLine) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::vector<std::string> submit = {"fit", "image", image, "--hidden", "32", "--steps", "100000",
                                           "--no-watch", "--priority", "high", "--request-id", "nightly-42"};
  const ProcessResult first = siren(submit);
  ASSERT_EQ(first.exit_code, 0) << describe(siren_argv(submit), first);
  const std::string job_id = last_json_line(first)["job_id"];
  const ProcessResult retried = siren(submit);  // a retry: the same job, not a second one
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_EQ(last_json_line(retried)["job_id"], job_id);

  const json listed = last_json_line(siren({"job", job_id}));
  EXPECT_EQ(listed["priority"], "high");
  EXPECT_EQ(listed["request_id"], "nightly-42");

  const ProcessResult busy = siren({"rm-job", job_id});
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.err.find("FAILED_PRECONDITION"), std::string::npos) << busy.err;

  ASSERT_EQ(siren({"pause", job_id}).exit_code, 0);
  const ProcessResult watched = siren({"watch", job_id});  // ends once paused, not a success
  EXPECT_EQ(watched.exit_code, 1) << watched.err;
  EXPECT_EQ(last_json_line(watched)["state"], "paused");

  const ProcessResult resumed = siren({"resume", job_id});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(last_json_line(resumed)["state"], "queued");
  ASSERT_EQ(siren({"cancel", job_id}).exit_code, 0);
  ASSERT_EQ(last_json_line(siren({"watch", job_id}))["state"], "cancelled");

  const ProcessResult removed = siren({"rm-job", job_id});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(last_json_line(removed)["deleted"], true);
  EXPECT_EQ(siren({"job", job_id}).exit_code, 1);
  EXPECT_TRUE(server_healthy());
}

TEST_F(E2ETest, BadQueueOptionsAreUsageErrors) {
  const std::string image = write_image("gradient.png", synthetic_image());
  for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{
           {"--deadline", "5x"}, {"--deadline", "-3m"}, {"--priority", "urgent"}, {"--local", "--priority", "high"}}) {
    std::vector<std::string> args = {"fit", "image", image, "--steps", "5"};
    args.insert(args.end(), extra.begin(), extra.end());
    const ProcessResult result = siren(args);
    EXPECT_EQ(result.exit_code, 2) << describe(siren_argv(args), result);
  }
  const ProcessResult result = siren({"fit", "image", image, "--steps", "5", "--request-id", "has space"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("INVALID_ARGUMENT"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace siren::e2e
