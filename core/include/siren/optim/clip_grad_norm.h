#pragma once
// Gradient clipping by total norm, as PyTorch's torch.nn.utils.clip_grad_norm_ (the reference's clip_grad)
// computes it: total = ‖(‖g₁‖, ‖g₂‖, …)‖, every gradient scaled by min(1, max_norm / (total + 1e-6)).
// LibTorch's C++ version returns the norm as a double, which reads the device back every step and keeps
// the step out of a CUDA graph; here the scale stays a tensor on the gradients' device.
#include <torch/torch.h>

#include <vector>

namespace siren::optim {

// Scales the defined .grad of `parameters` in place. Nothing is read back to the host.
void clip_grad_norm_on_device(const std::vector<torch::Tensor>& parameters, double max_norm);

}  // namespace siren::optim
