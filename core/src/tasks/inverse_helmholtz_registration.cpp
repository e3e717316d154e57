// The inverse Helmholtz task: how it is built from its input and options, and exported.
#include "siren/io/matlab.h"
#include "siren/task_kinds.h"
#include "siren/task_options.h"
#include "siren/task_registry.h"
#include "siren/tasks/inverse_helmholtz_export.h"
#include "siren/tasks/inverse_helmholtz_task.h"

namespace siren {

TaskRegistration inverse_helmholtz_task_registration() {
  TaskRegistration r;
  r.description = inverse_helmholtz_task_description();
  const TaskDescription& d = r.description;
  r.make = [d](const TaskSpec& spec, const NamedInputs& inputs) {
    const TaskOptionReader options(d, spec.options);
    InverseHelmholtzSetup setup;
    setup.data = read_receiver_data_mat(inputs.at("data"));
    setup.sidelength = options.integer("sidelength");
    setup.wavenumber = options.number("wavenumber");
    setup.pretrain_steps = options.integer("pretrain_steps");
    setup.pretrain_velocity = velocity_from_name(options.choice("pretrain_velocity"));
    return std::make_unique<InverseHelmholtzTask>(std::move(setup));
  };
  r.exporters = {inverse_helmholtz_velocity_exporter(), inverse_helmholtz_wavefield_exporter()};
  return r;
}

}  // namespace siren
