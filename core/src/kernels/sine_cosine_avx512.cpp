// Compiled with -mavx512f (core/CMakeLists.txt); called only on CPUs that have it.
#include <immintrin.h>
#include <sleef.h>

#include "siren/kernels/sine_cosine.h"

namespace siren::kernels::detail {

void sine_cosine_avx512(float* z, float* cos_out, int64_t n, float cos_scale) {
  const __m512 scale = _mm512_set1_ps(cos_scale);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const Sleef___m512_2 sc = Sleef_sincosf16_u10avx512f(_mm512_loadu_ps(z + i));
    _mm512_storeu_ps(z + i, sc.x);
    _mm512_storeu_ps(cos_out + i, _mm512_mul_ps(sc.y, scale));
  }
  sine_cosine_scalar(z + i, cos_out + i, n - i, cos_scale);
}

void sine_avx512(const float* x, float* out, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, Sleef_sinf16_u10avx512f(_mm512_loadu_ps(x + i)));
  sine_scalar(x + i, out + i, n - i);
}

void cosine_avx512(const float* x, float* out, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, Sleef_cosf16_u10avx512f(_mm512_loadu_ps(x + i)));
  cosine_scalar(x + i, out + i, n - i);
}

}  // namespace siren::kernels::detail
