#include "siren/kernels/sine_cosine.h"

#include <ATen/Parallel.h>
#include <sleef.h>

namespace siren::kernels {
namespace {

using Kernel = void (*)(float*, float*, int64_t, float);
using UnaryKernel = void (*)(const float*, float*, int64_t);

struct Dispatch {
  Kernel kernel;
  UnaryKernel sine;
  UnaryKernel cosine;
  const char* isa;
};

Dispatch choose() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    return {detail::sine_cosine_avx512, detail::sine_avx512, detail::cosine_avx512, "avx512"};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return {detail::sine_cosine_avx2, detail::sine_avx2, detail::cosine_avx2, "avx2"};
  return {detail::sine_cosine_scalar, detail::sine_scalar, detail::cosine_scalar, "scalar"};
}

const Dispatch& dispatch() {
  static const Dispatch chosen = choose();
  return chosen;
}

// Large enough that a chunk amortises the thread hand-off, small enough to split a 256-wide layer.
constexpr int64_t kGrain = 1 << 15;

}  // namespace

void detail::sine_cosine_scalar(float* z, float* cos_out, int64_t n, float cos_scale) {
  for (int64_t i = 0; i < n; ++i) {
    const Sleef_float2 sc = Sleef_sincosf_u10(z[i]);
    z[i] = sc.x;
    cos_out[i] = cos_scale * sc.y;
  }
}

void detail::sine_scalar(const float* x, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = Sleef_sinf_u10(x[i]);
}

void detail::cosine_scalar(const float* x, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = Sleef_cosf_u10(x[i]);
}

void sine(const float* x, float* out, int64_t n) {
  const UnaryKernel kernel = dispatch().sine;
  at::parallel_for(0, n, kGrain, [&](int64_t begin, int64_t end) { kernel(x + begin, out + begin, end - begin); });
}

void cosine(const float* x, float* out, int64_t n) {
  const UnaryKernel kernel = dispatch().cosine;
  at::parallel_for(0, n, kGrain, [&](int64_t begin, int64_t end) { kernel(x + begin, out + begin, end - begin); });
}

void sine_inplace(float* z, int64_t n) { sine(z, z, n); }

void sine_cosine_inplace(float* z, float* cos_out, int64_t n, float cos_scale) {
  const Kernel kernel = dispatch().kernel;
  at::parallel_for(0, n, kGrain, [&](int64_t begin, int64_t end) {
    kernel(z + begin, cos_out + begin, end - begin, cos_scale);
  });
}

const char* sine_cosine_isa() { return dispatch().isa; }

}  // namespace siren::kernels
