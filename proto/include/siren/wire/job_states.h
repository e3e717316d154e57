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

// UNSPECIFIED means normal.
v1::Priority resolved_priority(v1::Priority priority);

}  // namespace siren::wire
