// WatchJob for a job another replica runs: the events its replica logged come as they were made, progress
// from the record, and the watch ends with the job.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "job_events.h"
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

// A job's history as its running replica writes it: each kept event numbered in `log`, the record after it.
struct History {
  v1::Job job = record(v1::JOB_STATE_QUEUED);
  std::vector<v1::JobEvent> log;
  v1::Job keep(v1::JobState state, v1::JobEvent::Type type, int64_t step = -1) {
    job.set_state(state);
    if (step >= 0) job.mutable_progress()->set_step(step);
    if (type == v1::JobEvent::TYPE_CHECKPOINT_SAVED) job.set_last_checkpoint_step(job.progress().step());
    log.push_back(server::make_job_event(job, type, "", job.last_checkpoint_step()));
    return job;
  }
  v1::Job progress(int64_t step) {
    job.mutable_progress()->set_step(step);
    return job;
  }
  std::vector<v1::JobEvent> after(int64_t sequence) const {
    std::vector<v1::JobEvent> out;
    for (const auto& event : log)
      if (event.sequence() > sequence) out.push_back(event);
    return out;
  }
};

std::vector<v1::JobEvent::Type> types_of(const std::vector<v1::JobEvent>& events) {
  std::vector<v1::JobEvent::Type> types;
  for (const auto& event : events) types.push_back(event.type());
  return types;
}

TEST(RemoteWatches, AWatcherGetsTheLoggedEventsItMissedThenTheProgress) {
  using server::RemoteWatches;
  using T = v1::JobEvent;
  History history;
  const v1::Job seen = history.keep(v1::JOB_STATE_RUNNING, T::TYPE_STARTED, 0);
  // Between two polls: a checkpoint, the replica lost and the job re-queued, started elsewhere, progress.
  history.keep(v1::JOB_STATE_RUNNING, T::TYPE_CHECKPOINT_SAVED, 100);
  history.keep(v1::JOB_STATE_QUEUED, T::TYPE_QUEUED);
  history.keep(v1::JOB_STATE_RUNNING, T::TYPE_STARTED);
  const v1::Job now = history.progress(130);
  const auto events = RemoteWatches::events_between(seen, now, history.after(seen.last_event_sequence()));
  EXPECT_EQ(types_of(events),
            (std::vector<T::Type>{T::TYPE_CHECKPOINT_SAVED, T::TYPE_QUEUED, T::TYPE_STARTED, T::TYPE_PROGRESS}));
  EXPECT_EQ(events[0].sequence(), 2);
  EXPECT_EQ(events[0].checkpoint_step(), 100);
  EXPECT_EQ(events[2].sequence(), 4);
  EXPECT_EQ(events[3].sequence(), 4) << "progress carries the newest kept event's number";
  EXPECT_EQ(events[3].job().progress().step(), 130);

  EXPECT_TRUE(RemoteWatches::events_between(now, now, {}).empty()) << "nothing changed, nothing sent";
  const v1::Job done = history.keep(v1::JOB_STATE_SUCCEEDED, T::TYPE_FINISHED, 200);
  EXPECT_EQ(types_of(RemoteWatches::events_between(now, done, history.after(now.last_event_sequence()))),
            (std::vector<T::Type>{T::TYPE_FINISHED})) << "the end of a watch is its last event";
}

TEST(RemoteWatches, AChangeTheLogDoesNotHaveIsTheEventEnteringItsState) {
  using server::RemoteWatches;
  const auto types = [](const v1::Job& before, const v1::Job& after) {
    return types_of(RemoteWatches::events_between(before, after, {}));
  };
  using T = v1::JobEvent;
  EXPECT_EQ(types(record(v1::JOB_STATE_QUEUED), record(v1::JOB_STATE_RUNNING)), std::vector<T::Type>{T::TYPE_STARTED});
  EXPECT_EQ(types(record(v1::JOB_STATE_RUNNING, 5), record(v1::JOB_STATE_RUNNING, 9)),
            std::vector<T::Type>{T::TYPE_PROGRESS});
  EXPECT_EQ(types(record(v1::JOB_STATE_RUNNING, 9, 8, 1), record(v1::JOB_STATE_RUNNING, 8, 8, 2)),
            std::vector<T::Type>{T::TYPE_STARTED}) << "another replica took it over";
  const auto finished = RemoteWatches::events_between(record(v1::JOB_STATE_RUNNING), record(v1::JOB_STATE_SUCCEEDED), {});
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].type(), T::TYPE_FINISHED);
  EXPECT_EQ(finished[0].message(), "model model-x");
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

TEST(RemoteWatches, PollsTheRecordAndItsLogUntilTheJobEnds) {
  std::mutex mu;
  History history;
  v1::Job current = history.keep(v1::JOB_STATE_QUEUED, v1::JobEvent::TYPE_QUEUED);
  server::RemoteWatches watches(
      [&](const std::string&) {
        std::lock_guard<std::mutex> lock(mu);
        return std::optional<v1::Job>(current);
      },
      [&](const std::string&, int64_t after) {
        std::lock_guard<std::mutex> lock(mu);
        return history.after(after);
      },
      std::chrono::milliseconds(5));
  RecordingWatcher watcher;
  watches.add(current, &watcher);
  const auto set = [&](const std::function<v1::Job()>& change) {
    {
      std::lock_guard<std::mutex> lock(mu);
      current = change();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
  };
  set([&] { return history.keep(v1::JOB_STATE_RUNNING, v1::JobEvent::TYPE_STARTED); });
  set([&] { return history.progress(50); });
  set([&] { return history.keep(v1::JOB_STATE_SUCCEEDED, v1::JobEvent::TYPE_FINISHED, 100); });
  set([&] { return history.job; });  // nothing more after the end
  std::lock_guard<std::mutex> lock(watcher.mu);
  EXPECT_EQ(watcher.types, (std::vector<v1::JobEvent::Type>{v1::JobEvent::TYPE_STARTED, v1::JobEvent::TYPE_PROGRESS,
                                                             v1::JobEvent::TYPE_FINISHED}));
  EXPECT_FALSE(watcher.closed.has_value());
}

}  // namespace
}  // namespace siren::testing
