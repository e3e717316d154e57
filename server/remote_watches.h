#pragma once
// WatchJob in a fleet, for a job this replica does not run: its events happen on another replica, so
// this one polls the job's record in the shared database. The kept events the record's number says are
// new are read from the job's log and passed on as they were made (QUEUED, STARTED, CHECKPOINT_SAVED, the
// final one, which ends the watch); a change of progress alone becomes a PROGRESS event. Progress arrives
// as often as the running replica saves it (about once a second in a fleet).
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "job_watcher.h"
#include "siren/v1/jobs.pb.h"

namespace siren::server {

class RemoteWatches {
 public:
  using LoadRecord = std::function<std::optional<v1::Job>(const std::string& job_id)>;
  // The job's kept events numbered above `after`, oldest first (JobStore::events_after).
  using LoadEvents = std::function<std::vector<v1::JobEvent>(const std::string& job_id, int64_t after)>;

  RemoteWatches(LoadRecord load, LoadEvents events,
                std::chrono::milliseconds period = std::chrono::milliseconds(200));
  ~RemoteWatches();  // close_all(UNAVAILABLE), then the thread ends

  // Starts polling for `watcher`, which has seen the job as `now`.
  void add(const v1::Job& now, JobWatcher* watcher);
  void remove(JobWatcher* watcher);  // safe for one never added or already ended
  void close_all(const grpc::Status& status);

  // What a watcher that saw `before` is sent now that the record is `after`: the kept events between them
  // (`logged`: the job's events after some number up to `after`'s), then PROGRESS if the progress moved
  // on since the last of them. A change no event logged (a record from before the log) becomes the event
  // entering its state.
  static std::vector<v1::JobEvent> events_between(const v1::Job& before, const v1::Job& after,
                                                  const std::vector<v1::JobEvent>& logged);

 private:
  void loop();
  void poll();

  LoadRecord load_;
  LoadEvents load_events_;
  std::chrono::milliseconds period_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::map<JobWatcher*, v1::Job> watches_;  // the record each watcher saw last
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace siren::server
