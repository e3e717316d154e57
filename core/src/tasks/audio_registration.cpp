// The audio task (the paper's Sec. 4.1): how it is built from its inputs and options, and exported.
#include "siren/io/audio.h"
#include "siren/task_kinds.h"
#include "siren/task_options.h"
#include "siren/task_registry.h"
#include "siren/tasks/audio_export.h"
#include "siren/tasks/audio_task.h"

namespace siren {

TaskRegistration audio_task_registration() {
  TaskRegistration r;
  r.description = audio_task_description();
  const TaskDescription& d = r.description;
  r.make = [d](const TaskSpec& spec, const NamedInputs& inputs) {
    const TaskOptionReader options(d, spec.options);
    return std::make_unique<AudioTask>(decode_audio(inputs.at("audio")), options.number("time_scale"));
  };
  r.exporters = {audio_wav_exporter()};
  return r;
}

}  // namespace siren
