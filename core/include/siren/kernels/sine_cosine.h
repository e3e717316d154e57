#pragma once
// The sine layer's one elementwise pass: from the scaled pre-activation z = ω0·(Wx + b), the
// activation sin(z) (written over z) and the derivative factor ω0·cos(z) the backward pass needs,
// computed together (SLEEF's vectorised sincos, 1-ULP accuracy like ATen's own sin/cos). Dispatched at
// run time to AVX-512 or AVX2 kernels where the CPU has them, scalar otherwise; parallel over chunks.
// No LibTorch here.
#include <cstdint>

namespace siren::kernels {

// z[i] <- sin(z[i]); cos_out[i] <- cos_scale * cos(z[i]) (the original z[i]), for i < n.
void sine_cosine_inplace(float* z, float* cos_out, int64_t n, float cos_scale);

// z[i] <- sin(z[i]) for i < n: the inference pass (queries, renders, evaluation), where no cosine is kept.
void sine_inplace(float* z, int64_t n);

// out[i] <- sin(x[i]), resp. cos(x[i]), for i < n (out may be x): the autograd layers' sine and its
// derivative, which read the pre-activation without overwriting it.
void sine(const float* x, float* out, int64_t n);
void cosine(const float* x, float* out, int64_t n);

// The instruction set the kernel runs with on this machine: "avx512", "avx2" or "scalar".
const char* sine_cosine_isa();

namespace detail {
// Also the vector kernels' tail, for the last n % width elements.
void sine_cosine_scalar(float* z, float* cos_out, int64_t n, float cos_scale);
void sine_cosine_avx512(float* z, float* cos_out, int64_t n, float cos_scale);
void sine_cosine_avx2(float* z, float* cos_out, int64_t n, float cos_scale);
void sine_scalar(const float* x, float* out, int64_t n);
void sine_avx512(const float* x, float* out, int64_t n);
void sine_avx2(const float* x, float* out, int64_t n);
void cosine_scalar(const float* x, float* out, int64_t n);
void cosine_avx512(const float* x, float* out, int64_t n);
void cosine_avx2(const float* x, float* out, int64_t n);
}  // namespace detail

}  // namespace siren::kernels
