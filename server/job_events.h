#pragma once
// A job's events as its log keeps them: each kept kind (wire::is_kept_event: state changes, checkpoints)
// takes the job's next number, so a watch that broke can resume after the last one it saw, on any server
// that reads the job's database (WatchJobRequest.after_sequence).
#include <cstdint>
#include <string>

#include "siren/v1/jobs.pb.h"

namespace siren::server {

// The event of `type` that `job` just went through. A kept kind advances job.last_event_sequence and
// carries the new number; any other carries the number of the newest kept event. The event holds the job
// as it is after it.
v1::JobEvent make_job_event(v1::Job& job, v1::JobEvent::Type type, const std::string& message,
                            int64_t checkpoint_step = 0);

// A queued or paused job's error when its deadline (JobOptions.deadline_seconds) ran out before it ran.
std::string deadline_exceeded_message(const v1::Job& job);

// Most kept events a resumed watch is sent: the newest ones, should a watcher miss more (a fit checkpointing
// every few steps for days).
constexpr int kMaxReplayedEvents = 10000;

}  // namespace siren::server
