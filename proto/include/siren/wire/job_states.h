#pragma once
// What a job's state means to the server, the CLI and the tests alike, so they never disagree about
// when a job is over.
#include "siren/v1/jobs.pb.h"

namespace siren::wire {

// The job will not run again: succeeded, failed, cancelled or interrupted.
bool is_final_state(v1::JobState state);
// A watch stream ends here: a final state, or paused (a paused job waits for ResumeJob, maybe for days).
bool ends_watch(v1::JobState state);
// The event that moves a job into a state that ends_watch().
bool ends_watch(v1::JobEvent::Type type);

// The event that moves a job into `state` (QUEUED -> TYPE_QUEUED, RUNNING -> TYPE_STARTED, ...).
v1::JobEvent::Type event_entering(v1::JobState state);
// The server keeps this kind of event in the job's log, numbered (JobEvent.sequence): every kind but
// SNAPSHOT, PROGRESS and PREVIEW.
bool is_kept_event(v1::JobEvent::Type type);

// UNSPECIFIED means normal.
v1::Priority resolved_priority(v1::Priority priority);

}  // namespace siren::wire
