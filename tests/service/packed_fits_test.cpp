// The server packs small compatible fits queued together into one training step (packed_fit.h) without
// the client asking, and each job still ends on its own with the result it gets alone.
#include <algorithm>

#include "metrics.h"
#include "postgres_instance.h"
#include "test_server.h"

namespace siren::testing {
namespace {

v1::FitSpec small_fit(uint64_t seed, int hidden = 16) {
  v1::FitSpec spec = tiny_image_spec(40, "packed-" + std::to_string(seed));
  spec.mutable_model()->set_hidden_features(hidden);
  spec.mutable_train()->set_seed(seed);
  return spec;
}

// Four compatible small fits and one of another width queue behind a long fit on the only worker: once it
// is cancelled, the four train as one pack, the other alone; each ends with the loss it gets alone.
void expect_queued_small_fits_packed(TestServer& server) {
  auto& stub = server.stub();
  const std::string png = gradient_png(12, 12);
  // A long fit holds the only worker while the small ones queue behind it; cancelling it frees the worker.
  const SubmitResult blocker = submit_fit(stub, tiny_image_spec(1000000, "blocker"), gradient_png(32, 32));
  ASSERT_TRUE(blocker.status.ok()) << blocker.status.error_message();
  wait_for_state(stub, blocker.job.job_id(), v1::JOB_STATE_RUNNING, std::chrono::seconds(30));

  std::vector<std::string> packable;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    const SubmitResult r = submit_fit(stub, small_fit(seed), png);
    ASSERT_TRUE(r.status.ok()) << r.status.error_message();
    packable.push_back(r.job.job_id());
  }
  const SubmitResult other = submit_fit(stub, small_fit(5, /*hidden=*/24), png);  // another network: alone
  ASSERT_TRUE(other.status.ok());
  cancel_job(stub, blocker.job.job_id());

  std::vector<v1::Job> packed;
  for (const std::string& id : packable) {
    packed.push_back(wait_for_job(stub, id));
    ASSERT_EQ(packed.back().state(), v1::JOB_STATE_SUCCEEDED) << packed.back().error();
    EXPECT_EQ(packed.back().progress().step(), 40);
    EXPECT_FALSE(packed.back().model_id().empty());
  }
  const v1::Job alone = wait_for_job(stub, other.job.job_id());
  ASSERT_EQ(alone.state(), v1::JOB_STATE_SUCCEEDED) << alone.error();

  // One worker: jobs whose runs overlap trained in the same steps.
  int64_t last_start = 0, first_end = INT64_MAX;
  for (const v1::Job& job : packed) {
    last_start = std::max(last_start, job.started_unix_ms());
    first_end = std::min(first_end, job.finished_unix_ms());
  }
  EXPECT_LE(last_start, first_end) << "the four compatible fits did not run together";
  EXPECT_TRUE(alone.started_unix_ms() >= first_end || alone.finished_unix_ms() <= last_start)
      << "a fit of another width was packed with them";
  EXPECT_NE(server.server().metrics().text().find("siren_jobs_packed_total{task=\"image\"} 4"), std::string::npos);

  // The same fit alone (an empty queue: nothing to pack with) ends with the same loss.
  const SubmitResult again = submit_fit(stub, small_fit(3), png);
  ASSERT_TRUE(again.status.ok());
  const v1::Job lone = wait_for_job(stub, again.job.job_id());
  ASSERT_EQ(lone.state(), v1::JOB_STATE_SUCCEEDED) << lone.error();
  EXPECT_NEAR(lone.progress().loss(), packed[2].progress().loss(), 1e-6 * lone.progress().loss());
  expect_server_alive(stub);
}

TEST(ServicePackedFits, QueuedSmallFitsTrainTogetherAndEachEndsAsAlone) {
  TestServer server;  // one worker
  expect_queued_small_fits_packed(server);
}

TEST(ServicePackedFits, AFleetReplicaClaimsQueuedSmallFitsAsOnePack) {
  if (!PostgresInstance::shared()) GTEST_SKIP() << PostgresInstance::kUnavailable;
  server::ServerOptions options;
  options.database = PostgresInstance::shared()->url(PostgresInstance::shared()->create_database());
  options.fleet = true;
  options.replica_id = "replica-a";
  TestServer server(options);  // one worker, which claims from the shared database
  expect_queued_small_fits_packed(server);
}

TEST(ServicePackedFits, APackedFitPausedAndResumedEndsAsAnUninterruptedOne) {
  TestServer server;
  auto& stub = server.stub();
  const std::string png = gradient_png(12, 12);
  const SubmitResult blocker = submit_fit(stub, tiny_image_spec(1000000, "blocker"), gradient_png(32, 32));
  ASSERT_TRUE(blocker.status.ok());
  wait_for_state(stub, blocker.job.job_id(), v1::JOB_STATE_RUNNING, std::chrono::seconds(30));
  v1::FitSpec long_fit = small_fit(7);
  long_fit.mutable_train()->set_steps(4000);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    v1::FitSpec spec = long_fit;
    spec.mutable_train()->set_seed(7 + i);
    ids.push_back(submit_fit(stub, spec, png).job.job_id());
  }
  cancel_job(stub, blocker.job.job_id());
  wait_for_state(stub, ids[1], v1::JOB_STATE_RUNNING, std::chrono::seconds(30));
  const auto [status, paused_now] = job_rpc(stub, &v1::Siren::Stub::PauseJob, ids[1]);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::Job paused = wait_for_state(stub, ids[1], v1::JOB_STATE_PAUSED, std::chrono::seconds(60));
  ASSERT_EQ(paused.state(), v1::JOB_STATE_PAUSED) << "the pack ended before the pause: " << paused.progress().step();
  EXPECT_LT(paused.progress().step(), 4000);
  for (const size_t i : {0, 2}) EXPECT_EQ(wait_for_job(stub, ids[i]).state(), v1::JOB_STATE_SUCCEEDED);

  // Resumed, it runs alone from its checkpoint (nothing else is queued) and ends as if never stopped.
  ASSERT_TRUE(job_rpc(stub, &v1::Siren::Stub::ResumeJob, ids[1]).first.ok());
  const v1::Job resumed = wait_for_job(stub, ids[1]);
  ASSERT_EQ(resumed.state(), v1::JOB_STATE_SUCCEEDED) << resumed.error();
  v1::FitSpec same = long_fit;
  same.mutable_train()->set_seed(8);
  const v1::Job lone = wait_for_job(stub, submit_fit(stub, same, png).job.job_id());
  ASSERT_EQ(lone.state(), v1::JOB_STATE_SUCCEEDED) << lone.error();
  EXPECT_NEAR(resumed.progress().loss(), lone.progress().loss(), 1e-6 * lone.progress().loss());
}

TEST(ServicePackedFits, MaxPackOneRunsEveryFitAlone) {
  server::ServerOptions options;
  options.max_pack = 1;  // siren-server --max-pack 1
  TestServer server(options);
  auto& stub = server.stub();
  const SubmitResult blocker = submit_fit(stub, tiny_image_spec(1000000, "blocker"), gradient_png(32, 32));
  ASSERT_TRUE(blocker.status.ok());
  wait_for_state(stub, blocker.job.job_id(), v1::JOB_STATE_RUNNING, std::chrono::seconds(30));
  std::vector<std::string> ids;
  for (uint64_t seed = 1; seed <= 3; ++seed) ids.push_back(submit_fit(stub, small_fit(seed), gradient_png(12, 12)).job.job_id());
  cancel_job(stub, blocker.job.job_id());
  int64_t previous_end = 0;
  for (const std::string& id : ids) {  // one worker, one at a time: each starts once the one before ended
    const v1::Job job = wait_for_job(stub, id);
    ASSERT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED) << job.error();
    EXPECT_GE(job.started_unix_ms(), previous_end);
    previous_end = job.finished_unix_ms();
  }
}

}  // namespace
}  // namespace siren::testing
