#pragma once
// The sine layer's elementwise pass on a CUDA device: the same contract as sine_cosine_inplace
// (kernels/sine_cosine.h) for float32 device memory, enqueued on `stream` (a cudaStream_t). Compiled
// by nvcc when the build has CUDA (SIREN_HAVE_CUDA_KERNELS). No LibTorch here.
#include <cstdint>

namespace siren::kernels {

// z[i] <- sin(z[i]); cos_out[i] <- cos_scale * cos(z[i]) (the original z[i]), for i < n. Throws
// std::runtime_error when the launch fails.
void sine_cosine_inplace_cuda(float* z, float* cos_out, int64_t n, float cos_scale, void* stream);

}  // namespace siren::kernels
