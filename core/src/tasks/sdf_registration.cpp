// The SDF task (the paper's Sec. 4.2): how it is built from its inputs and options, and exported.
#include "siren/io/point_cloud.h"
#include "siren/task_kinds.h"
#include "siren/task_options.h"
#include "siren/task_registry.h"
#include "siren/tasks/sdf_export.h"
#include "siren/tasks/sdf_task.h"

namespace siren {

TaskRegistration sdf_task_registration() {
  TaskRegistration r;
  r.description = sdf_task_description();
  const TaskDescription& d = r.description;
  r.make = [d](const TaskSpec& spec, const NamedInputs& inputs) {
    const TaskOptionReader options(d, spec.options);
    PointCloudOptions cloud;
    cloud.mesh_samples = options.integer("mesh_samples");
    return std::make_unique<SdfTask>(load_oriented_points(inputs.at("points"), cloud),
                                     options.integer("on_surface_points"));
  };
  r.exporters = {sdf_ply_exporter()};
  return r;
}

}  // namespace siren
