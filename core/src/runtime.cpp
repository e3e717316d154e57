#include "siren/runtime.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>

#include "siren/blas/blis.h"
#include "siren/errors.h"

#ifdef _OPENMP
#include <omp.h>
#endif

// MKL's per-thread count, exported by the PyTorch wheel's LibTorch (MKL built in); mkl_service.h maps
// mkl_set_num_threads_local onto this C entry point (the lowercase symbols are the Fortran ones, which
// take a pointer). Weak: a LibTorch without MKL has none, and then there is no MKL to tell.
extern "C" int MKL_Set_Num_Threads_Local(int threads) __attribute__((weak));

namespace siren {

namespace {

// BLIS (siren's CPU GEMMs, blas/blis.h) ignores LibTorch's thread setting and runs single-threaded unless
// told otherwise: it reads BLIS_NUM_THREADS when it initialises and also takes the count through its API.
void configure_blas_threads(int threads) {
  ::setenv("BLIS_NUM_THREADS", std::to_string(threads).c_str(), /*overwrite=*/0);
  blas::set_blis_threads(threads);
}

// BLIS picks its kernels from the CPU's vendor and family, and the BLIS of Debian bookworm (0.9) does not
// know CPUs newer than it (AMD Zen 5, family 0x1A, among them): it falls back to its portable C kernels,
// 5x slower than its AVX-512 ones on the same machine (bench/RESULTS.md). Where the CPU has the AVX-512
// subsets BLIS's "skx" kernels use, ask for them; BLIS reads BLIS_ARCH_TYPE once, at its first call, so
// this runs when the library loads. An explicit BLIS_ARCH_TYPE is left alone.
constexpr const char* kBlisSkylakeXArch = "0";  // BLIS's arch_t id of "skx" (0.9: the first entry)

// MKL (siren's CPU products on Intel CPUs, blas/blis.h) chooses its code path by the operands' memory
// alignment and splits a product's sums by thread count and shape, so the same fit could round differently
// from one run to the next: a paused and resumed fit would not retrace an uninterrupted one, nor a point's
// queried value come out the same twice (ServicePackedFits.APackedFitPausedAndResumed…, E2ETest.QueryReturns…
// failed that way). Its conditional numerical reproducibility mode, strict (whatever the alignment), makes
// them bitwise reproducible for ~1.5 % of a step (bench/RESULTS.md). MKL reads it at its first call; an
// explicit MKL_CBWR is left alone.
constexpr const char* kMklReproducible = "AUTO,STRICT";

bool configure_blas_kernels() {
  ::setenv("MKL_CBWR", kMklReproducible, /*overwrite=*/0);
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  if (avx512) ::setenv("BLIS_ARCH_TYPE", kBlisSkylakeXArch, /*overwrite=*/0);
  return avx512;
}

const bool kBlasKernelsConfigured = configure_blas_kernels();

std::atomic<int> process_threads{0};  // configure_threads' count; 0 until it runs
thread_local int own_threads = 0;     // set_this_thread_threads' count; 0 = the process's

// OpenMP keeps its thread count per thread (omp_set_num_threads sets the calling thread's), which is what
// lets one process run fits of different sizes. at::set_num_threads cannot be used: it also stores the
// count process-wide, where every thread that starts parallel work later picks it up.
void apply_own_threads(int threads) {
  // ATen sets a thread's OpenMP count from the process-wide one at the thread's first parallel op (once
  // per thread; inline, so there may be a copy of that flag in LibTorch and one in siren): make both
  // happen now, so that neither undoes the count set below.
  at::get_num_threads();
  at::internal::lazy_init_num_threads();
#ifdef _OPENMP
  omp_set_num_threads(threads);
#endif
  // The wheel's MKL (SIREN_CPU_GEMM=torch) keeps its own count, per thread as well.
  if (MKL_Set_Num_Threads_Local) MKL_Set_Num_Threads_Local(threads);
  blas::set_this_thread_blis_threads(threads);
}

}  // namespace

int configure_threads(int threads) {
  static std::atomic<bool> configured{false};
  if (threads <= 0 && configured.load()) return process_threads.load();
  configured = true;
  if (threads <= 0) {
    if (const char* env = std::getenv("SIREN_THREADS")) threads = std::atoi(env);
  }
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  if (threads <= 0) threads = 1;
  (void)kBlasKernelsConfigured;
  process_threads = threads;
  if (at::get_num_threads() != threads) at::set_num_threads(threads);
  configure_blas_threads(threads);
  // at::set_num_threads also set this thread's OpenMP count: a thread with a share of its own keeps it.
  if (own_threads > 0) apply_own_threads(own_threads);
  return threads;
}

void set_this_thread_threads(int threads) {
  own_threads = std::max(threads, 1);
  apply_own_threads(own_threads);
}

int this_thread_threads() { return own_threads > 0 ? own_threads : at::get_num_threads(); }

int threads_per_worker(int threads, int workers) { return std::max(threads / std::max(workers, 1), 1); }

bool cuda_available() { return torch::cuda::is_available(); }

int cuda_device_count() { return cuda_available() ? static_cast<int>(torch::cuda::device_count()) : 0; }

std::vector<std::string> expand_devices(const std::string& spec) {
  std::vector<std::string> devices;
  if (spec.empty() || spec == "all") {
    for (int i = 0; i < cuda_device_count(); ++i) devices.push_back("cuda:" + std::to_string(i));
    if (devices.empty()) devices.push_back("cpu");
    return devices;
  }
  size_t begin = 0;
  while (begin <= spec.size()) {
    const size_t end = std::min(spec.find(',', begin), spec.size());
    std::string device = resolve_device(spec.substr(begin, end - begin));
    if (device == "cuda") device = "cuda:0";
    for (const auto& seen : devices)
      if (seen == device) throw InvalidInput("--devices names " + device + " twice");
    devices.push_back(device);
    begin = end + 1;
  }
  return devices;
}

bool worker_accepts(const std::string& worker_device, const std::string& requested) {
  if (requested.empty() || requested == "auto" || requested == "cpu") return true;
  if (requested == "cuda") return worker_device.rfind("cuda", 0) == 0;
  return requested == worker_device;
}

std::string placed_device(const std::string& worker_device, const std::string& requested) {
  return requested == "cpu" ? "cpu" : worker_device;
}

std::string resolve_device(const std::string& requested) {
  if (requested.empty() || requested == "auto") return cuda_available() ? "cuda" : "cpu";
  if (requested == "cpu") return "cpu";
  if (requested.rfind("cuda", 0) == 0) {
    if (!cuda_available())
      throw InvalidInput("device \"" + requested + "\" requested but CUDA is not available on this server");
    if (requested == "cuda") return requested;
    if (requested.size() > 5 && requested[4] == ':') {
      const int index = std::atoi(requested.c_str() + 5);
      if (index >= 0 && index < static_cast<int>(torch::cuda::device_count())) return requested;
    }
  }
  throw InvalidInput("unknown device \"" + requested + "\"; use auto, cpu, cuda or cuda:N");
}

}  // namespace siren
