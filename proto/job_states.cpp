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

v1::Priority resolved_priority(v1::Priority priority) {
  return priority == v1::PRIORITY_UNSPECIFIED ? v1::PRIORITY_NORMAL : priority;
}

}  // namespace siren::wire
