#include "siren/wire/job_states.h"

namespace siren::wire {

bool is_final_state(v1::JobState state) {
  return state == v1::JOB_STATE_SUCCEEDED || state == v1::JOB_STATE_FAILED || state == v1::JOB_STATE_CANCELLED ||
         state == v1::JOB_STATE_INTERRUPTED;
}

bool ends_watch(v1::JobState state) { return is_final_state(state) || state == v1::JOB_STATE_PAUSED; }

bool ends_watch(v1::JobEvent::Type type) {
  return type == v1::JobEvent::TYPE_FINISHED || type == v1::JobEvent::TYPE_FAILED ||
         type == v1::JobEvent::TYPE_CANCELLED || type == v1::JobEvent::TYPE_INTERRUPTED ||
         type == v1::JobEvent::TYPE_PAUSED;
}

v1::JobEvent::Type event_entering(v1::JobState state) {
  switch (state) {
    case v1::JOB_STATE_QUEUED: return v1::JobEvent::TYPE_QUEUED;
    case v1::JOB_STATE_RUNNING: return v1::JobEvent::TYPE_STARTED;
    case v1::JOB_STATE_SUCCEEDED: return v1::JobEvent::TYPE_FINISHED;
    case v1::JOB_STATE_FAILED: return v1::JobEvent::TYPE_FAILED;
    case v1::JOB_STATE_CANCELLED: return v1::JobEvent::TYPE_CANCELLED;
    case v1::JOB_STATE_INTERRUPTED: return v1::JobEvent::TYPE_INTERRUPTED;
    case v1::JOB_STATE_PAUSED: return v1::JobEvent::TYPE_PAUSED;
    default: return v1::JobEvent::TYPE_UNSPECIFIED;
  }
}

bool is_kept_event(v1::JobEvent::Type type) {
  return type != v1::JobEvent::TYPE_UNSPECIFIED && type != v1::JobEvent::TYPE_SNAPSHOT &&
         type != v1::JobEvent::TYPE_PROGRESS && type != v1::JobEvent::TYPE_PREVIEW;
}

v1::Priority resolved_priority(v1::Priority priority) {
  return priority == v1::PRIORITY_UNSPECIFIED ? v1::PRIORITY_NORMAL : priority;
}

}  // namespace siren::wire
