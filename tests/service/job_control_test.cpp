// Job semantics beyond submit/cancel: pause and resume (exactly, across a restart too), priorities,
// the queue limit, idempotent submission, deadlines and deleting jobs. Fits are tiny (16x16, 16-wide).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <thread>

#include "test_server.h"

namespace siren::testing {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kLongSteps = 5'000'000;  // still running whenever the test acts on it

SubmitResult submit_with(v1::Siren::Stub& stub, const v1::FitSpec& spec, const v1::JobOptions& options) {
  std::vector<v1::SubmitFitRequest> messages(2);
  *messages[0].mutable_spec() = spec;
  *messages[0].mutable_job_options() = options;
  messages[1].set_input_chunk(gradient_png(16, 16));
  return submit_messages(stub, messages);
}

v1::JobOptions with_priority(v1::Priority priority) {
  v1::JobOptions options;
  options.set_priority(priority);
  return options;
}

v1::JobOptions with_request_id(const std::string& id) {
  v1::JobOptions options;
  options.set_request_id(id);
  return options;
}

v1::JobOptions with_deadline(double seconds) {
  v1::JobOptions options;
  options.set_deadline_seconds(seconds);
  return options;
}

// A job that occupies the only worker until cancelled.
std::string start_blocker(v1::Siren::Stub& stub) {
  const auto blocker = submit_fit(stub, tiny_image_spec(kLongSteps), gradient_png(16, 16));
  EXPECT_TRUE(blocker.status.ok()) << blocker.status.error_message();
  EXPECT_EQ(wait_for_state(stub, blocker.job.job_id(), v1::JOB_STATE_RUNNING, 30s).state(), v1::JOB_STATE_RUNNING);
  return blocker.job.job_id();
}

size_t job_count(v1::Siren::Stub& stub) {
  grpc::ClientContext context;
  v1::ListJobsResponse response;
  EXPECT_TRUE(stub.ListJobs(&context, v1::ListJobsRequest(), &response).ok());
  return static_cast<size_t>(response.jobs_size());
}

grpc::Status delete_job(v1::Siren::Stub& stub, const std::string& job_id) {
  grpc::ClientContext context;
  v1::DeleteJobRequest request;
  request.set_job_id(job_id);
  v1::DeleteJobResponse response;
  return stub.DeleteJob(&context, request, &response);
}

TEST(ServiceJobControl, PausedFitResumesAcrossARestartToTheUninterruptedResult) {
  const std::string dir = make_temp_dir();
  server::ServerOptions options;
  options.data_dir = dir;
  v1::FitSpec spec = tiny_image_spec(3000);
  spec.mutable_train()->set_seed(7);

  std::string job_id;
  int64_t paused_at = 0;
  {
    TestServer server(options);
    const auto submitted = submit_fit(server.stub(), spec, gradient_png(16, 16));
    ASSERT_TRUE(submitted.status.ok()) << submitted.status.error_message();
    job_id = submitted.job.job_id();
    ASSERT_EQ(wait_for_state(server.stub(), job_id, v1::JOB_STATE_RUNNING, 30s).state(), v1::JOB_STATE_RUNNING);
    // Pause mid-fit, not before the first update (a slow machine may still be building the task).
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (get_job(server.stub(), job_id).progress().step() < 1 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(10ms);

    // A watcher sees the pause end its stream.
    grpc::ClientContext watch_context;
    watch_context.set_deadline(std::chrono::system_clock::now() + 60s);
    v1::WatchJobRequest watch_request;
    watch_request.set_job_id(job_id);
    auto reader = server.stub().WatchJob(&watch_context, watch_request);
    v1::JobEvent first;
    ASSERT_TRUE(reader->Read(&first));

    const auto [status, job] = job_rpc(server.stub(), &v1::Siren::Stub::PauseJob, job_id);
    ASSERT_TRUE(status.ok()) << status.error_message();
    v1::JobEvent event, last;
    while (reader->Read(&event)) last = event;
    EXPECT_TRUE(reader->Finish().ok());
    EXPECT_EQ(last.type(), v1::JobEvent::TYPE_PAUSED);

    const v1::Job paused = wait_for_state(server.stub(), job_id, v1::JOB_STATE_PAUSED, 30s);
    ASSERT_EQ(paused.state(), v1::JOB_STATE_PAUSED) << paused.error();
    paused_at = paused.progress().step();
    ASSERT_GT(paused_at, 0);
    ASSERT_LT(paused_at, 3000) << "the fit finished before the pause; the test needs a longer fit";
  }
  {
    TestServer server(options);  // a paused job stays paused over a restart
    EXPECT_EQ(get_job(server.stub(), job_id).state(), v1::JOB_STATE_PAUSED);
    const auto [status, job] = job_rpc(server.stub(), &v1::Siren::Stub::ResumeJob, job_id);
    ASSERT_TRUE(status.ok()) << status.error_message();
    const v1::Job resumed = wait_for_job(server.stub(), job_id);
    ASSERT_EQ(resumed.state(), v1::JOB_STATE_SUCCEEDED) << resumed.error();
    EXPECT_EQ(resumed.progress().step(), 3000);

    const auto reference = submit_fit(server.stub(), spec, gradient_png(16, 16));
    ASSERT_TRUE(reference.status.ok());
    const v1::Job uninterrupted = wait_for_job(server.stub(), reference.job.job_id());
    ASSERT_EQ(uninterrupted.state(), v1::JOB_STATE_SUCCEEDED);
    // Weights, Adam moments, step and RNG were restored: the same final loss to the bit.
    EXPECT_EQ(resumed.progress().loss(), uninterrupted.progress().loss()) << "paused at step " << paused_at;
    EXPECT_EQ(resumed.progress().metrics().at("psnr"), uninterrupted.progress().metrics().at("psnr"));
  }
  std::filesystem::remove_all(dir);
}

TEST(ServiceJobControl, QueuedJobPausesResumesAndCancels) {
  TestServer server;
  const std::string blocker = start_blocker(server.stub());
  const auto queued = submit_fit(server.stub(), tiny_image_spec(5), gradient_png(16, 16));
  ASSERT_TRUE(queued.status.ok());
  const std::string id = queued.job.job_id();

  EXPECT_EQ(job_rpc(server.stub(), &v1::Siren::Stub::PauseJob, id).second.state(), v1::JOB_STATE_PAUSED);
  EXPECT_EQ(job_rpc(server.stub(), &v1::Siren::Stub::ResumeJob, id).second.state(), v1::JOB_STATE_QUEUED);
  EXPECT_EQ(job_rpc(server.stub(), &v1::Siren::Stub::PauseJob, id).second.state(), v1::JOB_STATE_PAUSED);
  EXPECT_EQ(cancel_job(server.stub(), id).state(), v1::JOB_STATE_CANCELLED);

  // Finished jobs can be neither paused nor resumed, and say why.
  for (auto status : {job_rpc(server.stub(), &v1::Siren::Stub::PauseJob, id).first,
                      job_rpc(server.stub(), &v1::Siren::Stub::ResumeJob, id).first}) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_NE(status.error_message().find("cancelled"), std::string::npos) << status.error_message();
  }
  cancel_job(server.stub(), blocker);
}

TEST(ServiceJobControl, HigherPriorityRunsFirstAndOldestFirstAmongEquals) {
  TestServer server;  // one worker
  const std::string blocker = start_blocker(server.stub());
  std::vector<std::pair<std::string, std::string>> submitted;  // label, job id
  for (auto [label, priority] : std::vector<std::pair<std::string, v1::Priority>>{
           {"low", v1::PRIORITY_LOW},
           {"normal-1", v1::PRIORITY_UNSPECIFIED},
           {"high", v1::PRIORITY_HIGH},
           {"normal-2", v1::PRIORITY_NORMAL}}) {
    const auto result = submit_with(server.stub(), tiny_image_spec(5), with_priority(priority));
    ASSERT_TRUE(result.status.ok()) << result.status.error_message();
    EXPECT_EQ(result.job.options().priority(), priority == v1::PRIORITY_UNSPECIFIED ? v1::PRIORITY_NORMAL : priority);
    submitted.emplace_back(label, result.job.job_id());
  }
  cancel_job(server.stub(), blocker);

  std::vector<std::pair<int64_t, std::string>> started;  // start time, label
  for (const auto& [label, id] : submitted) {
    const v1::Job job = wait_for_job(server.stub(), id);
    ASSERT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED) << label << ": " << job.error();
    started.emplace_back(job.started_unix_ms(), label);
  }
  std::stable_sort(started.begin(), started.end());
  std::vector<std::string> order;
  for (const auto& entry : started) order.push_back(entry.second);
  EXPECT_EQ(order, (std::vector<std::string>{"high", "normal-1", "normal-2", "low"}));
}

TEST(ServiceJobControl, FullQueueIsResourceExhaustedAndCreatesNothing) {
  server::ServerOptions options;
  options.max_queued = 2;
  TestServer server(options);
  const std::string blocker = start_blocker(server.stub());
  const auto first = submit_fit(server.stub(), tiny_image_spec(5), gradient_png(16, 16));
  const auto second = submit_fit(server.stub(), tiny_image_spec(5), gradient_png(16, 16));
  ASSERT_TRUE(first.status.ok() && second.status.ok());

  const auto refused = submit_fit(server.stub(), tiny_image_spec(5), gradient_png(16, 16));
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.status.error_message().find("--max-queued"), std::string::npos) << refused.status.error_message();
  EXPECT_EQ(job_count(server.stub()), 3u);
  size_t job_dirs = 0;  // beside the job database
  for (const auto& entry : std::filesystem::directory_iterator(server.data_dir() + "/jobs")) job_dirs += entry.is_directory();
  EXPECT_EQ(job_dirs, 3u);

  cancel_job(server.stub(), first.job.job_id());  // room again
  EXPECT_TRUE(submit_fit(server.stub(), tiny_image_spec(5), gradient_png(16, 16)).status.ok());
  cancel_job(server.stub(), blocker);
}

TEST(ServiceJobControl, SubmitWithTheSameRequestIdReturnsTheSameJob) {
  const std::string dir = make_temp_dir();
  server::ServerOptions options;
  options.data_dir = dir;
  std::string job_id;
  {
    TestServer server(options);
    const auto first = submit_with(server.stub(), tiny_image_spec(5), with_request_id("retry-7f3a"));
    ASSERT_TRUE(first.status.ok()) << first.status.error_message();
    job_id = first.job.job_id();
    const auto again = submit_with(server.stub(), tiny_image_spec(5), with_request_id("retry-7f3a"));
    ASSERT_TRUE(again.status.ok()) << again.status.error_message();
    EXPECT_EQ(again.job.job_id(), job_id);
    EXPECT_EQ(job_count(server.stub()), 1u);

    const auto other = submit_with(server.stub(), tiny_image_spec(6), with_request_id("retry-7f3a"));
    EXPECT_EQ(other.status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
    EXPECT_NE(other.status.error_message().find(job_id), std::string::npos) << other.status.error_message();

    const auto bad = submit_with(server.stub(), tiny_image_spec(5), with_request_id("../../etc"));
    EXPECT_EQ(bad.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(job_count(server.stub()), 1u);
    wait_for_job(server.stub(), job_id);
  }
  TestServer restarted(options);  // the key outlives the process
  const auto after = submit_with(restarted.stub(), tiny_image_spec(5), with_request_id("retry-7f3a"));
  ASSERT_TRUE(after.status.ok());
  EXPECT_EQ(after.job.job_id(), job_id);
  EXPECT_EQ(after.job.state(), v1::JOB_STATE_SUCCEEDED);
  std::filesystem::remove_all(dir);
}

TEST(ServiceJobControl, DeadlineFailsRunningAndQueuedJobs) {
  TestServer server;
  const auto running = submit_with(server.stub(), tiny_image_spec(kLongSteps), with_deadline(1.0));
  ASSERT_TRUE(running.status.ok()) << running.status.error_message();
  EXPECT_GT(running.job.deadline_unix_ms(), running.job.created_unix_ms());
  const auto queued = submit_with(server.stub(), tiny_image_spec(5), with_deadline(0.5));
  ASSERT_TRUE(queued.status.ok());

  const v1::Job overdue_queued = wait_for_job(server.stub(), queued.job.job_id(), 30s);
  EXPECT_EQ(overdue_queued.state(), v1::JOB_STATE_FAILED);
  EXPECT_NE(overdue_queued.error().find("deadline exceeded"), std::string::npos) << overdue_queued.error();
  EXPECT_NE(overdue_queued.error().find("queued"), std::string::npos) << overdue_queued.error();
  EXPECT_GE(overdue_queued.finished_unix_ms(), overdue_queued.deadline_unix_ms());
  EXPECT_LE(overdue_queued.finished_unix_ms() - overdue_queued.deadline_unix_ms(), 1000);

  const v1::Job overdue_running = wait_for_job(server.stub(), running.job.job_id(), 30s);
  EXPECT_EQ(overdue_running.state(), v1::JOB_STATE_FAILED);
  EXPECT_NE(overdue_running.error().find("deadline exceeded"), std::string::npos) << overdue_running.error();
  EXPECT_FALSE(overdue_running.model_id().empty()) << "a stopped fit keeps its state as a model";
  EXPECT_GT(overdue_running.progress().step(), 0);
  EXPECT_LE(overdue_running.finished_unix_ms() - overdue_running.created_unix_ms(), 15'000);
}

// With every worker busy, a queued job's deadline still passes on time: the sweep has its own thread.
TEST(ServiceJobControl, QueuedDeadlineBehindABusyWorkerFailsOnTime) {
  TestServer server;  // one worker
  const std::string blocker = start_blocker(server.stub());
  const auto queued = submit_with(server.stub(), tiny_image_spec(5), with_deadline(2.0));
  ASSERT_TRUE(queued.status.ok()) << queued.status.error_message();
  const v1::Job overdue = wait_for_job(server.stub(), queued.job.job_id(), 30s);
  ASSERT_EQ(overdue.state(), v1::JOB_STATE_FAILED);
  EXPECT_NE(overdue.error().find("while it was queued"), std::string::npos) << overdue.error();
  const int64_t late_ms = overdue.finished_unix_ms() - overdue.deadline_unix_ms();
  EXPECT_GE(late_ms, 0);
  EXPECT_LE(late_ms, 1000) << "the deadline was noticed " << late_ms << " ms late";
  EXPECT_EQ(get_job(server.stub(), blocker).state(), v1::JOB_STATE_RUNNING) << "the worker was busy throughout";
  cancel_job(server.stub(), blocker);
}

TEST(ServiceJobControl, BadJobOptionsAreInvalidArgument) {
  TestServer server;
  for (double deadline : {-1.0, std::nan(""), 1e12}) {
    const auto result = submit_with(server.stub(), tiny_image_spec(5), with_deadline(deadline));
    EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << deadline;
    EXPECT_NE(result.status.error_message().find("deadline_seconds"), std::string::npos);
  }
  const auto result = submit_with(server.stub(), tiny_image_spec(5), with_priority(static_cast<v1::Priority>(42)));
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(result.status.error_message().find("priority"), std::string::npos);
  EXPECT_EQ(job_count(server.stub()), 0u);
}

TEST(ServiceJobControl, DeleteForgetsAFinishedJobButKeepsItsModel) {
  TestServer server;
  const std::string id = start_blocker(server.stub());
  const grpc::Status refused = delete_job(server.stub(), id);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(refused.error_message().find("cancel it first"), std::string::npos) << refused.error_message();

  cancel_job(server.stub(), id);
  const v1::Job cancelled = wait_for_job(server.stub(), id);
  ASSERT_EQ(cancelled.state(), v1::JOB_STATE_CANCELLED);
  ASSERT_FALSE(cancelled.model_id().empty());

  ASSERT_TRUE(delete_job(server.stub(), id).ok());
  grpc::ClientContext context;
  v1::GetJobRequest request;
  request.set_job_id(id);
  v1::Job gone;
  EXPECT_EQ(server.stub().GetJob(&context, request, &gone).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_FALSE(std::filesystem::exists(server.data_dir() + "/jobs/" + id));
  EXPECT_EQ(delete_job(server.stub(), id).error_code(), grpc::StatusCode::NOT_FOUND);

  grpc::ClientContext model_context;
  v1::GetModelRequest model_request;
  model_request.set_model_id(cancelled.model_id());
  v1::Model model;
  EXPECT_TRUE(server.stub().GetModel(&model_context, model_request, &model).ok());
}

}  // namespace
}  // namespace siren::testing
