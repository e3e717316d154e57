// WatchJob for a job another replica runs: each change of its record becomes the event that made it, and
// the watch ends with the job.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "remote_watches.h"
#include "test_server.h"

namespace siren::testing {
namespace {

v1::Job record(v1::JobState state, int64_t step = 0, int64_t checkpoint = 0, int attempt = 1) {
  v1::Job job;
  job.set_job_id("job-a");
  job.set_state(state);
  job.mutable_progress()->set_step(step);
  job.set_last_checkpoint_step(checkpoint);
  job.set_attempt(attempt);
  job.set_replica("r1");
  job.set_model_id(state == v1::JOB_STATE_SUCCEEDED ? "model-x" : "");
  return job;
}

TEST(RemoteWatches, EachChangeOfTheRecordIsTheEventThatMadeIt) {
  using server::RemoteWatches;
  const auto type = [](const v1::Job& before, const v1::Job& after) {
    const auto event = RemoteWatches::event_between(before, after);
    return event ? event->type() : v1::JobEvent::TYPE_UNSPECIFIED;
  };
  EXPECT_EQ(type(record(v1::JOB_STATE_QUEUED), record(v1::JOB_STATE_RUNNING)), v1::JobEvent::TYPE_STARTED);
  EXPECT_EQ(type(record(v1::JOB_STATE_RUNNING, 5), record(v1::JOB_STATE_RUNNING, 9)), v1::JobEvent::TYPE_PROGRESS);
  EXPECT_EQ(type(record(v1::JOB_STATE_RUNNING, 5), record(v1::JOB_STATE_RUNNING, 9, 8)),
            v1::JobEvent::TYPE_CHECKPOINT_SAVED);
  EXPECT_EQ(type(record(v1::JOB_STATE_RUNNING, 9), record(v1::JOB_STATE_RUNNING, 9)), v1::JobEvent::TYPE_UNSPECIFIED);
  // Its replica died and another took it over: started again.
  EXPECT_EQ(type(record(v1::JOB_STATE_RUNNING, 9, 8, 1), record(v1::JOB_STATE_RUNNING, 8, 8, 2)),
            v1::JobEvent::TYPE_STARTED);
  const auto finished = RemoteWatches::event_between(record(v1::JOB_STATE_RUNNING), record(v1::JOB_STATE_SUCCEEDED));
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->type(), v1::JobEvent::TYPE_FINISHED);
  EXPECT_EQ(finished->message(), "model model-x");
  EXPECT_EQ(finished->job().state(), v1::JOB_STATE_SUCCEEDED);
}

class RecordingWatcher : public server::JobWatcher {
 public:
  void on_event(const v1::JobEvent& event) override {
    std::lock_guard<std::mutex> lock(mu);
    types.push_back(event.type());
  }
  void on_closed(const grpc::Status& status) override {
    std::lock_guard<std::mutex> lock(mu);
    closed = status.error_code();
  }
  std::mutex mu;
  std::vector<v1::JobEvent::Type> types;
  std::optional<grpc::StatusCode> closed;
};

TEST(RemoteWatches, PollsTheRecordUntilTheJobEnds) {
  std::mutex mu;
  v1::Job current = record(v1::JOB_STATE_QUEUED);
  server::RemoteWatches watches(
      [&](const std::string&) {
        std::lock_guard<std::mutex> lock(mu);
        return std::optional<v1::Job>(current);
      },
      std::chrono::milliseconds(5));
  RecordingWatcher watcher;
  watches.add(current, &watcher);
  const auto set = [&](const v1::Job& job) {
    {
      std::lock_guard<std::mutex> lock(mu);
      current = job;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
  };
  set(record(v1::JOB_STATE_RUNNING));
  set(record(v1::JOB_STATE_RUNNING, 50));
  set(record(v1::JOB_STATE_SUCCEEDED, 100));
  set(record(v1::JOB_STATE_SUCCEEDED, 100));  // nothing more after the end
  std::lock_guard<std::mutex> lock(watcher.mu);
  EXPECT_EQ(watcher.types, (std::vector<v1::JobEvent::Type>{v1::JobEvent::TYPE_STARTED, v1::JobEvent::TYPE_PROGRESS,
                                                             v1::JobEvent::TYPE_FINISHED}));
  EXPECT_FALSE(watcher.closed.has_value());
}

}  // namespace
}  // namespace siren::testing
