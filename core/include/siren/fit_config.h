#pragma once
// Everything that defines a fit, independent of transport. The proto maps onto this 1:1.
#include <map>
#include <string>
#include <vector>

#include "siren/model_spec.h"
#include "siren/train_options.h"

namespace siren {

struct TaskSpec {
  std::string kind = "image";
  std::map<std::string, std::string> options;  // task-specific, validated by the task
};

struct FitConfig {
  TaskSpec task;
  ModelSpec model;
  TrainOptions train;

  std::string to_json() const;
  static FitConfig from_json(const std::string& json);  // throws InvalidInput
};

// The task's preset: the reference code's defaults for that experiment (throws InvalidInput for an
// unknown kind). Callers start from this and override what the user set.
FitConfig preset_fit_config(const std::string& task_kind);
// The preset for a chosen activation: preset_fit_config(task_kind) with that activation and the width
// the task presets for it (TaskDescription::hidden_features_by_activation; preset.model's otherwise).
FitConfig preset_fit_config(const std::string& task_kind, Activation activation);
std::vector<std::string> task_kinds();

}  // namespace siren
