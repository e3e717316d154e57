// The task descriptions this program knows. No LibTorch here (the request fuzzer builds it alone).
#include "siren/errors.h"
#include "siren/task_description.h"
#include "siren/task_options.h"

namespace siren {
namespace {

std::vector<TaskDescription>& catalog() {
  // The built-in tasks, in listing order; task_registry.cpp lists how each is built.
  static std::vector<TaskDescription> all = {
      image_task_description(),        sdf_task_description(),          audio_task_description(),
      video_task_description(),        helmholtz_task_description(),    wave_task_description(),
      poisson_grad_task_description(), poisson_lapl_task_description(), poisson_composite_task_description(),
      image_inpainting_task_description(),
      image_prior_task_description(),
      image_from_prior_task_description(),
      inverse_helmholtz_task_description(),
  };
  return all;
}

}  // namespace

std::vector<TaskDescription> task_descriptions() { return catalog(); }

TaskDescription describe_task(const std::string& kind) {
  for (const auto& d : catalog())
    if (d.kind == kind) return d;
  std::string known;
  for (const auto& d : catalog()) known += (known.empty() ? "" : ", ") + d.kind;
  throw InvalidInput("unknown task kind \"" + kind + "\"; known kinds: " + known);
}

void add_task_description(TaskDescription description) {
  for (auto& d : catalog()) {
    if (d.kind == description.kind) {
      d = std::move(description);
      return;
    }
  }
  catalog().push_back(std::move(description));
}

void check_task_spec(const TaskSpec& spec) {
  const TaskDescription description = describe_task(spec.kind);
  const TaskOptionReader checked(description, spec.options);  // throws for a bad option
  (void)checked;
}

}  // namespace siren
