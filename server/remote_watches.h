#pragma once
// WatchJob in a fleet, for a job this replica does not run: its events happen on another replica, so
// this one polls the job's record in the shared database and turns each change it sees into the event
// that made it (QUEUED, STARTED, PROGRESS, CHECKPOINT_SAVED, and the final one, which ends the watch).
// Progress arrives as often as the running replica saves it (about once a second in a fleet).
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "job_watcher.h"
#include "siren/v1/jobs.pb.h"

namespace siren::server {

class RemoteWatches {
 public:
  using LoadRecord = std::function<std::optional<v1::Job>(const std::string& job_id)>;

  explicit RemoteWatches(LoadRecord load, std::chrono::milliseconds period = std::chrono::milliseconds(200));
  ~RemoteWatches();  // close_all(UNAVAILABLE), then the thread ends

  // Starts polling for `watcher`, which has seen the job as `now`.
  void add(const v1::Job& now, JobWatcher* watcher);
  void remove(JobWatcher* watcher);  // safe for one never added or already ended
  void close_all(const grpc::Status& status);

  // The event a change from `before` to `after` stands for; nullopt when nothing a watcher sees changed.
  static std::optional<v1::JobEvent> event_between(const v1::Job& before, const v1::Job& after);

 private:
  void loop();
  void poll();

  LoadRecord load_;
  std::chrono::milliseconds period_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::map<JobWatcher*, v1::Job> watches_;  // the record each watcher saw last
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace siren::server
