#pragma once
#include <string>
#include <vector>

namespace siren {

// LibTorch starts with one intra-op thread on some VMs; use every core unless told otherwise.
// threads > 0 sets that count. threads <= 0 applies the default ($SIREN_THREADS, else every hardware
// thread) only if nothing configured threads before, so a server's --threads is not undone per fit.
void configure_threads(int threads = 0);
// "auto" -> "cuda" when available else "cpu"; validates "cpu", "cuda", "cuda:N". Throws InvalidInput.
std::string resolve_device(const std::string& requested);
bool cuda_available();
int cuda_device_count();

// Devices a server's workers run on, from its --devices flag: "all" (every CUDA device, else the CPU),
// "cpu", or a comma-separated list such as "cuda:0,cuda:2". Throws InvalidInput naming a device that
// is not there.
std::vector<std::string> expand_devices(const std::string& spec);
// Whether a worker on `worker_device` ("cpu" or "cuda:N") may run a fit that asked for `requested`
// (auto, cpu, cuda, cuda:N): auto and cpu run anywhere (cpu always on the CPU), cuda on any GPU worker,
// cuda:N on that device's worker only.
bool worker_accepts(const std::string& worker_device, const std::string& requested);
// Where such a fit runs on that worker: the worker's device, except "cpu", which stays on the CPU.
std::string placed_device(const std::string& worker_device, const std::string& requested);

}  // namespace siren
