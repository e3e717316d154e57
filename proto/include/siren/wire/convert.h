#pragma once
// Conversions between siren.v1 proto messages and core types. Shared by the server and the CLI
// (the CLI's --local mode runs the same FitSpec through the core), so neither re-implements them.
#include <string>

#include "siren/field_model.h"
#include "siren/fit_config.h"
#include "siren/progress.h"
#include "siren/v1/fit.pb.h"
#include "siren/v1/jobs.pb.h"
#include "siren/v1/service.pb.h"
#include "siren/v1/tasks.pb.h"

namespace siren::wire {

// "image" <-> TASK_KIND_IMAGE. Throws InvalidInput for unknown/unspecified values.
std::string task_kind_name(v1::TaskKind kind);
v1::TaskKind task_kind_from_name(const std::string& name);
v1::Activation activation_to_proto(Activation a);
Activation activation_from_proto(v1::Activation a);  // UNSPECIFIED -> throws; callers check first

// The task's preset with every field the client set applied on top; validated. Throws InvalidInput.
FitConfig fit_config_from_proto(const v1::FitSpec& spec);
// The settings a FitSpec sets, on top of FitConfig's defaults instead of a preset: for a spec that is
// itself a preset (ListTasks), or whose task this client's core does not know. Not validated.
FitConfig fit_config_from_spec(const v1::FitSpec& spec);
// A fully specified FitSpec (every optional field set) from a resolved config.
v1::FitSpec fit_spec_to_proto(const FitConfig& config);

v1::Progress progress_to_proto(const Progress& p);
Progress progress_from_proto(const v1::Progress& p);

// Model listing entry from a model file's info (ids, times and sizes are filled in by the caller).
v1::Model model_info_to_proto(const ModelInfo& info);

std::string job_state_name(v1::JobState state);  // "queued", "running", "succeeded", ...
// "low", "normal", "high" <-> PRIORITY_*. Throws InvalidInput for unknown/unspecified values.
std::string priority_name(v1::Priority priority);
v1::Priority priority_from_name(const std::string& name);

}  // namespace siren::wire
