// Job lifecycles beyond the happy path: cancelling running and queued jobs, watching a fit live,
// surviving a restart, and draining on shutdown. Fits are tiny (16x16, 16-wide) so CI stays fast.
#include <filesystem>
#include <thread>

#include "siren/runtime.h"
#include "test_server.h"

namespace siren::testing {
namespace {

using namespace std::chrono_literals;

// Long enough that it is still running when cancelled or drained (each step takes ~1 ms).
constexpr int64_t kLongSteps = 5'000'000;

std::vector<v1::JobEvent> watch_all(v1::Siren::Stub& stub, const std::string& job_id, grpc::Status* status) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 120s);
  v1::WatchJobRequest request;
  request.set_job_id(job_id);
  auto reader = stub.WatchJob(&context, request);
  std::vector<v1::JobEvent> events;
  v1::JobEvent event;
  while (reader->Read(&event)) events.push_back(event);
  *status = reader->Finish();
  return events;
}

TEST(ServiceLifecycle, WorkersShareTheThreads) {
  // Each worker's fits get an even share of the process's threads, so that fits running at once never
  // start more threads than there are cores between them.
  server::ServerOptions options;
  options.workers = 2;
  TestServer s(options);
  const int process = configure_threads();
  EXPECT_EQ(s.server().threads_per_fit(), std::max(process / 2, 1));
}

TEST(ServiceLifecycle, CancelRunningAndQueuedJobs) {
  TestServer server;  // one worker: the second job waits in the queue
  const auto running = submit_fit(server.stub(), tiny_image_spec(kLongSteps), gradient_png(16, 16));
  const auto queued = submit_fit(server.stub(), tiny_image_spec(kLongSteps), gradient_png(16, 16));
  ASSERT_TRUE(running.status.ok() && queued.status.ok());
  ASSERT_EQ(wait_for_state(server.stub(), running.job.job_id(), v1::JOB_STATE_RUNNING, 30s).state(),
            v1::JOB_STATE_RUNNING);

  EXPECT_EQ(cancel_job(server.stub(), queued.job.job_id()).state(), v1::JOB_STATE_CANCELLED);

  const auto asked = std::chrono::steady_clock::now();
  cancel_job(server.stub(), running.job.job_id());
  const v1::Job cancelled = wait_for_job(server.stub(), running.job.job_id(), 10s);
  EXPECT_EQ(cancelled.state(), v1::JOB_STATE_CANCELLED) << cancelled.error();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 5s);
  EXPECT_FALSE(cancelled.model_id().empty()) << "a cancelled fit's state is kept as a model";

  // Cancelling a finished job returns it unchanged.
  EXPECT_EQ(cancel_job(server.stub(), running.job.job_id()).state(), v1::JOB_STATE_CANCELLED);
  expect_server_alive(server.stub());
}

TEST(ServiceLifecycle, WatchFollowsAFitToTheEnd) {
  TestServer server;
  v1::FitSpec spec = tiny_image_spec(40);
  spec.mutable_train()->set_checkpoint_every(10);
  const auto submitted = submit_fit(server.stub(), spec, gradient_png(16, 16));
  ASSERT_TRUE(submitted.status.ok()) << submitted.status.error_message();

  grpc::Status status;
  const auto events = watch_all(server.stub(), submitted.job.job_id(), &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.front().type(), v1::JobEvent::TYPE_SNAPSHOT);
  EXPECT_EQ(events.back().type(), v1::JobEvent::TYPE_FINISHED);
  EXPECT_EQ(events.back().job().state(), v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(events.back().job().progress().step(), 40);
  bool saw_checkpoint = false;
  for (const auto& e : events) saw_checkpoint |= e.type() == v1::JobEvent::TYPE_CHECKPOINT_SAVED;
  EXPECT_TRUE(saw_checkpoint);
}

TEST(ServiceLifecycle, JobsAndModelsSurviveARestart) {
  const std::string dir = make_temp_dir();
  server::ServerOptions options;
  options.data_dir = dir;
  std::string job_id, model_id;
  {
    TestServer first(options);
    const auto submitted = submit_fit(first.stub(), tiny_image_spec(5), gradient_png(16, 16));
    ASSERT_TRUE(submitted.status.ok());
    const v1::Job job = wait_for_job(first.stub(), submitted.job.job_id());
    ASSERT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED) << job.error();
    job_id = job.job_id();
    model_id = job.model_id();
  }
  TestServer second(options);
  EXPECT_EQ(get_job(second.stub(), job_id).state(), v1::JOB_STATE_SUCCEEDED);
  grpc::ClientContext context;
  v1::GetModelRequest request;
  request.set_model_id(model_id);
  v1::Model model;
  ASSERT_TRUE(second.stub().GetModel(&context, request, &model).ok());
  EXPECT_EQ(model.job_id(), job_id);
  EXPECT_EQ(model.spec().name(), "tiny");
  std::filesystem::remove_all(dir);
}

// A drain (SIGTERM, a rolling update) must cost a fit nothing: the running fit checkpoints and goes
// back to QUEUED, the next start continues it, and it ends with the uninterrupted fit's result.
TEST(ServiceLifecycle, ShutdownCheckpointsRunningFitsAndTheRestartFinishesThem) {
  const std::string dir = make_temp_dir();
  server::ServerOptions options;
  options.data_dir = dir;
  v1::FitSpec spec = tiny_image_spec(3000);
  spec.mutable_train()->set_seed(11);
  std::string job_id;
  int64_t stopped_at = 0;
  {
    TestServer server(options);
    const auto submitted = submit_fit(server.stub(), spec, gradient_png(16, 16));
    ASSERT_TRUE(submitted.status.ok());
    job_id = submitted.job.job_id();
    ASSERT_EQ(wait_for_state(server.stub(), job_id, v1::JOB_STATE_RUNNING, 30s).state(), v1::JOB_STATE_RUNNING);
    const auto deadline = std::chrono::steady_clock::now() + 60s;  // mid-fit, past the first update
    while (get_job(server.stub(), job_id).progress().step() < 1 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(10ms);

    // A watcher attached before the shutdown sees the job queued again, with the step it stopped at.
    grpc::Status watch_status;
    std::vector<v1::JobEvent> events;
    std::thread watcher([&] { events = watch_all(server.stub(), job_id, &watch_status); });
    std::this_thread::sleep_for(200ms);
    EXPECT_TRUE(server.server().GracefulStop(10s));
    watcher.join();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().type(), v1::JobEvent::TYPE_QUEUED) << events.back().message();
    EXPECT_EQ(events.back().job().state(), v1::JOB_STATE_QUEUED);
    stopped_at = events.back().job().progress().step();
    ASSERT_GT(stopped_at, 0);
    ASSERT_LT(stopped_at, 3000) << "the fit finished before the drain; the test needs a longer fit";
  }
  TestServer restarted(options);
  const v1::Job resumed = wait_for_job(restarted.stub(), job_id);
  ASSERT_EQ(resumed.state(), v1::JOB_STATE_SUCCEEDED) << resumed.error();
  EXPECT_EQ(resumed.progress().step(), 3000);

  const auto reference = submit_fit(restarted.stub(), spec, gradient_png(16, 16));
  ASSERT_TRUE(reference.status.ok());
  const v1::Job uninterrupted = wait_for_job(restarted.stub(), reference.job.job_id());
  ASSERT_EQ(uninterrupted.state(), v1::JOB_STATE_SUCCEEDED);
  // It continued from the drain's checkpoint (weights, Adam moments, step, RNG): the same loss to the bit.
  EXPECT_EQ(resumed.progress().loss(), uninterrupted.progress().loss()) << "stopped at step " << stopped_at;
  std::filesystem::remove_all(dir);
}

TEST(ServiceLifecycle, ResumeFromADownloadedCheckpoint) {
  TestServer server;
  const auto first = submit_fit(server.stub(), tiny_image_spec(5), gradient_png(16, 16));
  ASSERT_TRUE(first.status.ok());
  const v1::Job done = wait_for_job(server.stub(), first.job.job_id());
  ASSERT_EQ(done.state(), v1::JOB_STATE_SUCCEEDED) << done.error();

  grpc::ClientContext context;
  v1::DownloadCheckpointRequest download;
  download.set_model_id(done.model_id());
  auto reader = server.stub().DownloadCheckpoint(&context, download);
  std::string checkpoint;
  v1::DataChunk chunk;
  while (reader->Read(&chunk)) checkpoint += chunk.data();
  ASSERT_TRUE(reader->Finish().ok());

  std::vector<v1::SubmitFitRequest> messages(3);
  *messages[0].mutable_spec() = tiny_image_spec(8);
  messages[1].set_input_chunk(gradient_png(16, 16));
  messages[2].set_resume_checkpoint_chunk(checkpoint);
  const auto resumed = submit_messages(server.stub(), messages);
  ASSERT_TRUE(resumed.status.ok()) << resumed.status.error_message();
  const v1::Job job = wait_for_job(server.stub(), resumed.job.job_id());
  ASSERT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED) << job.error();
  EXPECT_EQ(job.progress().step(), 8);

  // Asking for no more steps than the checkpoint has fails the RPC, not a job.
  *messages[0].mutable_spec() = tiny_image_spec(5);
  const auto too_few = submit_messages(server.stub(), messages);
  EXPECT_EQ(too_few.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(too_few.status.error_message().find("already has 5 steps"), std::string::npos)
      << too_few.status.error_message();
}

}  // namespace
}  // namespace siren::testing
