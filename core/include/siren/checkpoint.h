#pragma once
// One file format for checkpoints and finished models: the model info (config, task facts, metrics),
// the weights, and -- for resuming -- the Adam moments, the step and the sampling RNG state.
#include <torch/torch.h>

#include <optional>
#include <string>

#include "siren/model_info.h"
#include "siren/network.h"

namespace siren {

struct TrainingStateRefs {
  torch::optim::Optimizer* optimizer = nullptr;  // optional
  at::Generator* generator = nullptr;            // optional
};

// Written to a temporary name, fsync'd, then renamed: a reader never sees a half-written file.
void save_checkpoint(const std::string& path, const ModelInfo& info, FieldNetwork& network,
                     const TrainingStateRefs& state = {});

// Throws NotFound if missing, InvalidInput if the file is not a siren checkpoint. Tensors are read onto
// `device` whatever device wrote them, so a checkpoint made on a GPU resumes on a CPU and back.
class CheckpointReader {
 public:
  explicit CheckpointReader(const std::string& path, const torch::Device& device = torch::kCPU);
  const ModelInfo& info() const { return info_; }
  void restore_network(FieldNetwork& network);
  // False when the file holds weights only.
  bool restore_optimizer(torch::optim::Optimizer& optimizer);
  bool restore_generator(at::Generator& generator);

 private:
  std::string path_;
  torch::Device device_;
  torch::serialize::InputArchive archive_;
  ModelInfo info_;
};

}  // namespace siren
