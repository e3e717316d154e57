#include "job_events.h"

#include <fmt/format.h>

#include "siren/wire/convert.h"
#include "siren/wire/job_states.h"

namespace siren::server {

v1::JobEvent make_job_event(v1::Job& job, v1::JobEvent::Type type, const std::string& message,
                            int64_t checkpoint_step) {
  if (wire::is_kept_event(type)) job.set_last_event_sequence(job.last_event_sequence() + 1);
  v1::JobEvent event;
  event.set_type(type);
  event.set_message(message);
  event.set_checkpoint_step(checkpoint_step);
  event.set_sequence(job.last_event_sequence());
  *event.mutable_job() = job;
  return event;
}

std::string deadline_exceeded_message(const v1::Job& job) {
  return fmt::format("deadline exceeded: the job's {:g} s ran out while it was {}", job.options().deadline_seconds(),
                     wire::job_state_name(job.state()));
}

}  // namespace siren::server
