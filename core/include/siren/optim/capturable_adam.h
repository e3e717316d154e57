#pragma once
// Adam's update as torch::optim::Adam computes it, but with the step count read from a tensor on the
// parameters' device. torch::optim::Adam forms its bias corrections 1 - β^t on the host from an integer
// step; a CUDA graph that captured those would replay step t's corrections forever. Here t lives on the
// device, so a captured update stays right on every replay (PyTorch's Adam(capturable=True) idea).
//
// It shares the moments of the torch::optim::Adam it is made from (the one that is checkpointed), so a fit
// can alternate between the two: the trainer runs torch's update eagerly and this one inside its graph.
#include <torch/torch.h>

#include <string>
#include <vector>

namespace siren::optim {

class CapturableAdam {
 public:
  // Creates any moments `adam` has not made yet (zeros, as its first step would). Throws
  // std::invalid_argument for options this update does not implement (see unsupported_reason).
  explicit CapturableAdam(torch::optim::Adam& adam);

  // Empty when CapturableAdam can run `adam`'s options, else why not (AMSGrad, several groups).
  static std::string unsupported_reason(const torch::optim::Adam& adam);

  // Loads the host's step count (that of `adam`'s state) into the device counter. Call before each graph
  // replay: an eager step in between advances the host count only.
  void load_step_count();
  // One update from each parameter's .grad: counter += 1, then Adam. Nothing here reads the device back.
  void step();
  // Adds one to the host's step count of every parameter, after a replayed update, so that checkpoints and
  // later eager steps see the right count.
  void count_replayed_step();

 private:
  torch::optim::Adam& adam_;
  torch::Tensor step_;  // float64 scalar on the parameters' device
};

}  // namespace siren::optim
