#include "device_memory.h"

#include <dlfcn.h>

#include <mutex>

#include "siren/runtime.h"

namespace siren::server {
namespace {

// The few NVML declarations needed (nvml.h is not packaged with the CPU toolchain); C ABI, stable
// since NVML's _v2 entry points (driver 325+).
using nvmlReturn_t = int;  // 0 = NVML_SUCCESS
using nvmlDevice_t = struct nvmlDevice_st*;
struct nvmlMemory_t {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

struct nvmlUtilization_t {
  unsigned int gpu;     // percent of the last sample period with a kernel running
  unsigned int memory;  // percent of it with device memory being read or written
};

struct Nvml {
  nvmlReturn_t (*device_get_count)(unsigned int*) = nullptr;
  nvmlReturn_t (*device_get_handle)(unsigned int, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*device_get_memory)(nvmlDevice_t, nvmlMemory_t*) = nullptr;
  nvmlReturn_t (*device_get_utilization)(nvmlDevice_t, nvmlUtilization_t*) = nullptr;  // optional
  bool ok = false;
};

const Nvml& nvml() {
  static Nvml api;
  static std::once_flag once;
  std::call_once(once, [] {
    if (!siren::cuda_available()) return;  // a CPU LibTorch: report no devices even if a GPU is present
    void* lib = ::dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return;
    auto init = reinterpret_cast<nvmlReturn_t (*)()>(::dlsym(lib, "nvmlInit_v2"));
    api.device_get_count = reinterpret_cast<decltype(api.device_get_count)>(::dlsym(lib, "nvmlDeviceGetCount_v2"));
    api.device_get_handle =
        reinterpret_cast<decltype(api.device_get_handle)>(::dlsym(lib, "nvmlDeviceGetHandleByIndex_v2"));
    api.device_get_memory =
        reinterpret_cast<decltype(api.device_get_memory)>(::dlsym(lib, "nvmlDeviceGetMemoryInfo"));
    api.device_get_utilization =
        reinterpret_cast<decltype(api.device_get_utilization)>(::dlsym(lib, "nvmlDeviceGetUtilizationRates"));
    api.ok = init && api.device_get_count && api.device_get_handle && api.device_get_memory && init() == 0;
  });
  return api;
}

}  // namespace

std::vector<DeviceMemory> device_memory() {
  std::vector<DeviceMemory> out;
  const Nvml& api = nvml();
  if (!api.ok) return out;
  unsigned int count = 0;
  if (api.device_get_count(&count) != 0) return out;
  for (unsigned int i = 0; i < count; ++i) {
    nvmlDevice_t device = nullptr;
    nvmlMemory_t memory{};
    if (api.device_get_handle(i, &device) != 0 || api.device_get_memory(device, &memory) != 0) continue;
    DeviceMemory entry{"cuda:" + std::to_string(i), static_cast<int64_t>(memory.used),
                       static_cast<int64_t>(memory.total)};
    nvmlUtilization_t utilization{};
    if (api.device_get_utilization && api.device_get_utilization(device, &utilization) == 0)
      entry.utilization = utilization.gpu / 100.0;
    out.push_back(entry);
  }
  return out;
}

}  // namespace siren::server
