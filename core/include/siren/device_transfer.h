#pragma once
// Per-step host-to-device copies (a task's sampled indices and points, drawn on the CPU so that a seed
// gives the same batches on every device). From pageable memory CUDA synchronises the stream before
// each such copy, so the host would wait for the previous step every step; through a pinned buffer (the
// caching host allocator's, reused) the copy is queued behind it instead.
#include <torch/torch.h>

namespace siren {

// `host` on `device`: the same tensor for a CPU, an asynchronous copy for a GPU.
inline torch::Tensor to_device_async(const torch::Tensor& host, const torch::Device& device) {
  if (!device.is_cuda() || !host.device().is_cpu()) return host.to(device);
  return host.pin_memory().to(device, /*non_blocking=*/true);
}

}  // namespace siren
