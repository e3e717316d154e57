// The Helmholtz task (the paper's Sec. 4.3): how it is built from its inputs and options, and exported.
#include "siren/task_kinds.h"
#include "siren/task_options.h"
#include "siren/task_registry.h"
#include "siren/tasks/helmholtz_export.h"
#include "siren/tasks/helmholtz_task.h"

namespace siren {

TaskRegistration helmholtz_task_registration() {
  TaskRegistration r;
  r.description = helmholtz_task_description();
  const TaskDescription& d = r.description;
  r.make = [d](const TaskSpec& spec, const NamedInputs&) {
    const TaskOptionReader options(d, spec.options);
    HelmholtzSetup setup;
    setup.velocity = velocity_from_name(options.choice("velocity"));
    // train_helmholtz: "if we have a velocity perturbation, offset the source".
    setup.source = options.point("source", setup.velocity == Velocity::Uniform ? std::array<double, 2>{0, 0}
                                                                                : std::array<double, 2>{-0.35, 0});
    setup.wavenumber = options.number("wavenumber");
    setup.sidelength = options.integer("sidelength");
    return std::make_unique<HelmholtzTask>(setup);
  };
  r.exporters = {helmholtz_png_exporter()};
  return r;
}

}  // namespace siren
