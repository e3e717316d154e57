// Compiled with -mavx2 -mfma (core/CMakeLists.txt); called only on CPUs that have them.
#include <immintrin.h>
#include <sleef.h>

#include "siren/kernels/sine_cosine.h"

namespace siren::kernels::detail {

void sine_cosine_avx2(float* z, float* cos_out, int64_t n, float cos_scale) {
  const __m256 scale = _mm256_set1_ps(cos_scale);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const Sleef___m256_2 sc = Sleef_sincosf8_u10avx2(_mm256_loadu_ps(z + i));
    _mm256_storeu_ps(z + i, sc.x);
    _mm256_storeu_ps(cos_out + i, _mm256_mul_ps(sc.y, scale));
  }
  sine_cosine_scalar(z + i, cos_out + i, n - i, cos_scale);
}

void sine_avx2(const float* x, float* out, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, Sleef_sinf8_u10avx2(_mm256_loadu_ps(x + i)));
  sine_scalar(x + i, out + i, n - i);
}

void cosine_avx2(const float* x, float* out, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, Sleef_cosf8_u10avx2(_mm256_loadu_ps(x + i)));
  cosine_scalar(x + i, out + i, n - i);
}

}  // namespace siren::kernels::detail
