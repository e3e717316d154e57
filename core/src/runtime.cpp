#include "siren/runtime.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>

#include "siren/errors.h"

namespace siren {

namespace {

// BLIS (the BLAS chosen by scripts/install-deps.sh) ignores LibTorch's thread setting and runs
// single-threaded unless told otherwise. Debian's libblas.so.3 build of BLIS reads BLIS_NUM_THREADS when
// it initialises (at its first call); a libblis build also takes the count through its own API.
void configure_blas_threads(int threads) {
  ::setenv("BLIS_NUM_THREADS", std::to_string(threads).c_str(), /*overwrite=*/0);
  using SetThreads = void (*)(long);
  if (auto set = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "bli_thread_set_num_threads"))) set(threads);
}

// BLIS picks its kernels from the CPU's vendor and family, and the BLIS of Debian bookworm (0.9) does not
// know CPUs newer than it (AMD Zen 5, family 0x1A, among them): it falls back to its portable C kernels,
// 5x slower than its AVX-512 ones on the same machine (bench/RESULTS.md). Where the CPU has the AVX-512
// subsets BLIS's "skx" kernels use, ask for them; BLIS reads BLIS_ARCH_TYPE once, at its first call, so
// this runs when the library loads. An explicit BLIS_ARCH_TYPE is left alone.
constexpr const char* kBlisSkylakeXArch = "0";  // BLIS's arch_t id of "skx" (0.9: the first entry)

bool configure_blas_kernels() {
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  if (avx512) ::setenv("BLIS_ARCH_TYPE", kBlisSkylakeXArch, /*overwrite=*/0);
  return avx512;
}

const bool kBlasKernelsConfigured = configure_blas_kernels();

}  // namespace

void configure_threads(int threads) {
  static std::atomic<bool> configured{false};
  if (threads <= 0 && configured.load()) return;
  configured = true;
  if (threads <= 0) {
    if (const char* env = std::getenv("SIREN_THREADS")) threads = std::atoi(env);
  }
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  if (threads <= 0) threads = 1;
  (void)kBlasKernelsConfigured;
  if (at::get_num_threads() != threads) at::set_num_threads(threads);
  configure_blas_threads(threads);
}

bool cuda_available() { return torch::cuda::is_available(); }

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
