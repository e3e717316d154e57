#pragma once
// Memory in use on the GPUs this process can see, and how busy each is, read through NVML (libnvidia-ml.so.1, shipped
// with the NVIDIA driver, loaded at run time: no build dependency, no LibTorch, no CUDA headers).
#include <cstdint>
#include <string>
#include <vector>

namespace siren::server {

struct DeviceMemory {
  std::string device;       // "cuda:0", ... (NVML's index: one GPU per server, as deploy/ runs it)
  int64_t used_bytes = 0;   // in use on the whole device (this server, plus anything else on it)
  int64_t total_bytes = 0;
  double utilization = -1;  // fraction of NVML's last sample period with a kernel running; -1 = not known
};

// Empty when this LibTorch has no CUDA, or NVML (the driver) is not there. Thread-safe.
std::vector<DeviceMemory> device_memory();

}  // namespace siren::server
