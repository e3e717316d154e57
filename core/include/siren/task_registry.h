#pragma once
// Every task kind: its description (task_description.h), how it is built from inputs and options, and
// how its models export. The built-in tasks are listed in task_registry.cpp, one line each; a program
// may add its own with register_task (the tests add one this way, to show a task needs nothing outside
// core and its proto enum value).
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "siren/fit_config.h"
#include "siren/task_description.h"
#include "siren/task_exporter.h"
#include "siren/task_inputs.h"

namespace siren {

class Task;

// A task's inputs by name, as its description lists them; all present (TaskInputs::resolve checks).
using NamedInputs = std::map<std::string, std::string>;

struct TaskRegistration {
  TaskDescription description;  // its export_formats name `exporters`, in order
  // Options are already checked against the description when this is called.
  std::function<std::unique_ptr<Task>(const TaskSpec& spec, const NamedInputs& inputs)> make;
  std::vector<TaskExporter> exporters;  // the first is the default format
};

// Adds a task kind (or replaces the one of the same kind), its description included. Call it before
// any fit or request starts: the registry is read without locks afterwards.
void register_task(TaskRegistration registration);

// Builds the task named by spec.kind. Throws InvalidInput for an unknown kind, missing or unknown
// inputs, bad task options or undecodable input.
std::unique_ptr<Task> make_task(const TaskSpec& spec, const TaskInputs& inputs);

// The built-in tasks (one file each under src/tasks/).
TaskRegistration image_task_registration();
TaskRegistration sdf_task_registration();
TaskRegistration audio_task_registration();
TaskRegistration video_task_registration();
TaskRegistration helmholtz_task_registration();
TaskRegistration wave_task_registration();
TaskRegistration poisson_grad_task_registration();
TaskRegistration poisson_lapl_task_registration();
TaskRegistration poisson_composite_task_registration();
TaskRegistration image_inpainting_task_registration();
TaskRegistration image_prior_task_registration();
TaskRegistration image_from_prior_task_registration();
TaskRegistration inverse_helmholtz_task_registration();

}  // namespace siren
