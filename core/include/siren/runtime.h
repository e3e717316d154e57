#pragma once
#include <string>
#include <vector>

namespace siren {

// LibTorch starts with one intra-op thread on some VMs; use every core unless told otherwise.
// threads > 0 sets that count. threads <= 0 applies the default ($SIREN_THREADS, else every hardware
// thread) only if nothing configured threads before, so a server's --threads is not undone per fit.
// Returns the process's count. A thread that set its own count (set_this_thread_threads) keeps it.
int configure_threads(int threads = 0);

// The calling thread's own share of the cores: LibTorch's parallel regions (OpenMP) and siren's CPU GEMMs
// (BLIS, or the wheel's MKL) started from this thread use `threads` threads; other threads keep the
// process's count. Why per thread: every fit on a CPU otherwise starts pools of the process's full size,
// so N fits at once run N x cores threads on the cores; OpenMP's threads then spin at each barrier
// waiting for threads that are not running, and two fits on 2 cores ran 38x slower each instead of 2x.
// A server's worker thread sets cores / workers once, before its first fit (JobManager::worker_loop).
void set_this_thread_threads(int threads);
// The count the calling thread uses: its own (set_this_thread_threads), else the process's.
int this_thread_threads();
// `threads` split evenly between `workers` fits that may run at once: threads / workers, at least 1.
int threads_per_worker(int threads, int workers);
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
