#pragma once
// An optional capability of a Task (task.h): shaping the fit's network once it is built, before it moves
// to the device and before a checkpoint is restored into it. A task that trains more than the field
// network registers its modules in it here (a learned image prior: encoder + hypernetwork), so the
// optimiser, checkpoints, resumes and device moves include them with no change to the trainer; a task
// that knows its starting weights sets them here (a model conditioned on a prior). run_fit looks for
// this interface on the task (dynamic_cast); tasks without it are untouched.
#include <torch/torch.h>

#include "siren/network.h"

namespace siren {

class NetworkPreparingTask {
 public:
  virtual ~NetworkPreparingTask() = default;
  // `init_generator` is the fit's initialisation generator (seeded from its seed), already past the
  // network's own initialisation.
  virtual void prepare_network(FieldNetworkImpl& network, at::Generator& init_generator) = 0;
};

}  // namespace siren
