#include "siren/task_registry.h"

#include "siren/errors.h"
#include "siren/task.h"
#include "siren/task_options.h"

namespace siren {
namespace {

std::vector<TaskRegistration>& registrations() {
  // One line per built-in task (its description is listed in task_catalog.cpp too). Kept explicit (no
  // static self-registration) because the linker drops unreferenced objects of a static library,
  // which would silently lose tasks.
  static std::vector<TaskRegistration> all = {
      image_task_registration(),        sdf_task_registration(),          audio_task_registration(),
      video_task_registration(),        helmholtz_task_registration(),    wave_task_registration(),
      poisson_grad_task_registration(), poisson_lapl_task_registration(), poisson_composite_task_registration(),
      image_inpainting_task_registration(),
      image_prior_task_registration(),
      image_from_prior_task_registration(),
      inverse_helmholtz_task_registration(),
  };
  return all;
}

const TaskRegistration* find(const std::string& kind) {
  for (const auto& r : registrations())
    if (r.description.kind == kind) return &r;
  return nullptr;
}

}  // namespace

void register_task(TaskRegistration registration) {
  add_task_description(registration.description);
  for (auto& r : registrations()) {
    if (r.description.kind == registration.description.kind) {
      r = std::move(registration);
      return;
    }
  }
  registrations().push_back(std::move(registration));
}

const std::vector<TaskExporter>& task_exporters(const std::string& task_kind) {
  static const std::vector<TaskExporter> none;
  const TaskRegistration* r = find(task_kind);
  return r ? r->exporters : none;
}

std::unique_ptr<Task> make_task(const TaskSpec& spec, const TaskInputs& inputs) {
  const TaskDescription description = describe_task(spec.kind);  // throws for an unknown kind
  const TaskRegistration* r = find(spec.kind);
  if (r == nullptr) throw InvalidInput("task kind \"" + spec.kind + "\" is described but not built into this program");
  const TaskOptionReader checked(description, spec.options);  // throws for a bad option
  (void)checked;
  return r->make(spec, inputs.resolve(description));
}

}  // namespace siren
