// The wave-equation task (the paper's Sec. 4.3): how it is built from its inputs and options, and exported.
#include "siren/task_kinds.h"
#include "siren/task_options.h"
#include "siren/task_registry.h"
#include "siren/tasks/wave_export.h"
#include "siren/tasks/wave_task.h"

namespace siren {

TaskRegistration wave_task_registration() {
  TaskRegistration r;
  r.description = wave_task_description();
  const TaskDescription& d = r.description;
  r.make = [d](const TaskSpec& spec, const NamedInputs&) {
    const TaskOptionReader options(d, spec.options);
    WaveSetup setup;
    setup.velocity = velocity_from_name(options.choice("velocity"));
    setup.source = options.point("source");
    setup.sidelength = options.integer("sidelength");
    setup.pretrain_steps = options.integer("pretrain_steps");
    return std::make_unique<WaveTask>(setup);
  };
  r.exporters = {wave_png_exporter()};
  return r;
}

}  // namespace siren
