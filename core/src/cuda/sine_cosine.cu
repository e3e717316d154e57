#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "siren/kernels/sine_cosine_cuda.h"

namespace siren::kernels {
namespace {

constexpr int kThreadsPerBlock = 256;
constexpr int64_t kMaxBlocks = 8192;  // a grid-stride loop covers the rest

// One pass over z: sincosf (full precision, as ATen's sin and cos) keeps both results from one
// argument reduction; the cosine is stored pre-multiplied by ω0 for the backward pass.
__global__ void sine_cosine_kernel(float* __restrict__ z, float* __restrict__ cos_out, int64_t n, float cos_scale) {
  const int64_t stride = static_cast<int64_t>(blockDim.x) * gridDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    float s, c;
    sincosf(z[i], &s, &c);
    z[i] = s;
    cos_out[i] = cos_scale * c;
  }
}

}  // namespace

void sine_cosine_inplace_cuda(float* z, float* cos_out, int64_t n, float cos_scale, void* stream) {
  if (n <= 0) return;
  const int64_t blocks = std::min<int64_t>((n + kThreadsPerBlock - 1) / kThreadsPerBlock, kMaxBlocks);
  sine_cosine_kernel<<<static_cast<unsigned>(blocks), kThreadsPerBlock, 0, static_cast<cudaStream_t>(stream)>>>(
      z, cos_out, n, cos_scale);
  const cudaError_t error = cudaGetLastError();
  if (error != cudaSuccess)
    throw std::runtime_error(std::string("sine/cosine kernel launch failed: ") + cudaGetErrorString(error));
}

}  // namespace siren::kernels
