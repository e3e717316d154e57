#pragma once
// What JobManager pushes a job's events to: one per WatchJob call. The manager calls these with its lock
// held, from whichever thread changed the job, so an implementation only queues and returns: it must
// not block, nor call back into the manager.
#include <grpcpp/support/status.h>

#include "siren/v1/jobs.pb.h"

namespace siren::server {

// How often a watcher wants a preview of the field while the job trains, and how large.
struct PreviewSchedule {
  double every_seconds = 0;  // 0: no previews
  int max_side = 0;
};

class JobWatcher {
 public:
  virtual ~JobWatcher() = default;
  virtual PreviewSchedule preview_schedule() const { return {}; }
  virtual void on_event(const v1::JobEvent& event) = 0;
  // No more events will come (the server is stopping, or the job was deleted): end with `status` once
  // what is queued has been delivered.
  virtual void on_closed(const grpc::Status& status) = 0;
};

}  // namespace siren::server
