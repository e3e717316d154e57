#pragma once
// WatchJob as a gRPC callback (reactor) RPC: a watcher holds no thread while it waits. The job manager
// pushes the job's events into this object (JobWatcher), which writes them to the client one at a time
// and finishes when the job reaches a state that ends a watch, the client goes away, the job is deleted
// or the server stops. A thousand watchers cost a thousand of these objects, not a thousand threads.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "job_watcher.h"
#include "siren/v1/service.grpc.pb.h"

namespace siren::server {

class JobManager;
class RpcGuard;

class WatchReactor final : public grpc::ServerWriteReactor<v1::JobEvent>, public JobWatcher {
 public:
  // Checks the token and the id, sends the job's snapshot and registers for its events; ends the call
  // at once (with the reason) when any of that fails or the job's state already ends a watch.
  WatchReactor(grpc::CallbackServerContext* context, const v1::WatchJobRequest& request, JobManager& jobs,
               const RpcGuard& guard);

  PreviewSchedule preview_schedule() const override { return preview_; }
  void on_event(const v1::JobEvent& event) override;
  void on_closed(const grpc::Status& status) override;

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;  // unregisters, records the call's outcome, deletes this

 private:
  void write_next_locked();                       // starts the next write unless one is in flight
  void end_locked(const grpc::Status& status);    // Finish now, or after the write in flight
  void queue_locked(const v1::JobEvent& event);   // bounded: a slow client skips progress events

  grpc::CallbackServerContext* context_;
  JobManager& jobs_;
  const RpcGuard& guard_;
  const std::string job_id_;
  PreviewSchedule preview_;  // set before registering, constant after
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

  std::mutex mu_;
  bool ready_ = false;                        // the snapshot is queued first; nothing is written before
  std::deque<v1::JobEvent> pending_;
  v1::JobEvent writing_event_;                // StartWrite's message lives until OnWriteDone
  bool writing_ = false;
  bool last_written_ends_watch_ = false;
  std::optional<grpc::Status> close_status_;  // on_closed: end with this once pending_ is written
  std::optional<grpc::Status> end_after_write_;
  bool finished_ = false;
  grpc::Status final_status_;
};

}  // namespace siren::server
