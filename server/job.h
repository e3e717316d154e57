#pragma once
// One fit job as the server tracks it. Every field is guarded by JobManager's mutex except the
// atomics, which the fit's should_stop callback reads without it.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>
#include <optional>
#include <string>

#include "siren/fit.h"
#include "siren/fit_config.h"
#include "job_watcher.h"
#include "siren/v1/jobs.pb.h"

namespace siren::server {

// Why a running fit was asked to stop, in the order they are honoured; set once, by the fit's
// should_stop callback, and read by the worker when the fit returns.
// Superseded: in a fleet, the job was given to another replica (this one's lease ran out); nothing of this
// run may be written any more.
enum class StopReason { None, Superseded, Cancel, Deadline, Pause, Drain };

struct Job {
  v1::Job record;  // what clients see; spec is the resolved one (every field set)
  FitConfig config;
  std::string dir;                         // <data-dir>/jobs/<job_id>
  std::optional<std::string> resume_path;  // a checkpoint to continue from
  // Which queued jobs a worker may train together with this one (packed_fit.h), found when it was
  // submitted; none for a job recovered after a restart, nor one that resumes from a checkpoint.
  PackingPlan packing;
  std::atomic<bool> cancel_requested{false};
  std::atomic<bool> pause_requested{false};
  std::atomic<StopReason> stop_reason{StopReason::None};  // why the running fit stopped early
  int64_t deadline_unix_ms = 0;  // record.deadline_unix_ms(), readable without the lock; 0 = none

  // Who is watching (WatchJob calls in flight): each event is pushed to them and kept nowhere else, so
  // a job holds no history however long it runs or however many watchers come and go.
  std::vector<JobWatcher*> watchers;
  // Kept events (job_events.h) emitted since the record was last handed to the record writer: they are
  // written with it, so a watch that broke can resume after the last one it saw.
  std::vector<v1::JobEvent> unsaved_events;
  // How many of them asked for previews: the worker reads it every step without taking the manager's
  // lock, which it needs only when a preview may be due. Kept by JobManager::watchers_changed_locked.
  std::atomic<int> preview_watchers{0};

  // Progress-event throttling.
  std::chrono::steady_clock::time_point last_progress_event{};
  std::chrono::steady_clock::time_point last_preview{};
  std::chrono::steady_clock::time_point last_saved_progress{};  // a fleet saves progress for other replicas' watchers
};

}  // namespace siren::server
