#pragma once
// One fit job as the server tracks it. Every field is guarded by JobManager's mutex except the
// atomics, which the fit's should_stop callback reads without it.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "siren/fit_config.h"
#include "siren/v1/jobs.pb.h"

namespace siren::server {

struct Job {
  v1::Job record;  // what clients see; spec is the resolved one (every field set)
  FitConfig config;
  std::string dir;                         // <data-dir>/jobs/<job_id>
  std::optional<std::string> resume_path;  // a checkpoint to continue from
  std::atomic<bool> cancel_requested{false};
  std::atomic<bool> pause_requested{false};
  int64_t deadline_unix_ms = 0;  // record.deadline_unix_ms(), readable without the lock; 0 = none

  // Events for watchers, numbered from first_seq. Old ones are dropped past a cap; a watcher that
  // lags that far behind skips ahead rather than holding memory for it.
  std::deque<v1::JobEvent> events;
  int64_t first_seq = 0;
  int64_t next_seq() const { return first_seq + static_cast<int64_t>(events.size()); }

  // Progress-event throttling.
  std::chrono::steady_clock::time_point last_progress_event{};
};

}  // namespace siren::server
