#pragma once
// One training step (forward, loss, backward, Adam) recorded once as a CUDA graph and replayed for every
// later step whose batch has the same shapes: a SIREN step is hundreds of small kernels, and on a fast GPU
// launching them one by one from the host costs more than running them. The batch is copied into the
// graph's own input tensors before each replay; what the step returns (loss, output) is read from the
// graph's own output tensors after it.
//
// Capture needs a step that never waits for the device (no .item(), no data-dependent shapes such as
// masked_select): when one does, capture fails, the reason is kept, and the caller runs eagerly.
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "siren/task.h"

namespace siren {

class TrainingStepGraph {
 public:
  // The step to capture: runs on its argument (the graph's input tensors) and returns the tensors the
  // caller reads after a replay.
  using Step = std::function<std::vector<torch::Tensor>(const Batch& inputs)>;

  // Whether this build and device can capture at all: empty if so, else why not.
  static std::string unavailable_reason(const torch::Device& device);

  explicit TrainingStepGraph(torch::Device device);
  ~TrainingStepGraph();
  TrainingStepGraph(const TrainingStepGraph&) = delete;
  TrainingStepGraph& operator=(const TrainingStepGraph&) = delete;

  // Records `step` on copies of `batch`. Nothing it records runs yet: the first replay performs it. False
  // when capture failed (failure_reason() says why); the graph then stays empty.
  bool capture(const Batch& batch, const Step& step);
  bool captured() const;
  // Same fields with the same shapes and dtypes as the captured batch.
  bool accepts(const Batch& batch) const;
  // Copies `batch` into the inputs and runs the recorded step. Returns the step's outputs, valid until the
  // next replay.
  const std::vector<torch::Tensor>& replay(const Batch& batch);
  // The graph's copy of the last replayed batch (for metrics on the replay's output).
  const Batch& inputs() const;
  const std::string& failure_reason() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Whether two batches have the same fields, shapes and dtypes: the condition for replaying a graph.
bool same_batch_layout(const Batch& a, const Batch& b);

}  // namespace siren
