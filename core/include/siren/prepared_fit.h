#pragma once
// A fit made ready to train: its task built from the input and its config resolved (the task's model
// features, epochs turned into steps). run_fit and the packed fits (packed_fit.h) both start here.
#include <memory>

#include "siren/fit.h"
#include "siren/fit_config.h"
#include "siren/model_info.h"
#include "siren/task.h"
#include "siren/task_inputs.h"

namespace siren {

struct PreparedFit {
  std::unique_ptr<Task> task;
  ModelInfo info;  // info.config is the resolved config
};

// Both throw InvalidInput for bad input or settings.
PreparedFit prepare_fit(const FitConfig& config, const TaskInputs& inputs);
PreparedFit prepare_fit(const FitConfig& config, std::unique_ptr<Task> task);

class Trainer;
// How a fit ends once its trainer has stopped (result.outcome set): the whole signal's figures (reported
// when it completed) and the final model file, with its callbacks. run_fit and the packed fits share it.
void finish_fit(Trainer& trainer, FitResult& result, const FitPaths& paths, const FitCallbacks& callbacks);

}  // namespace siren
