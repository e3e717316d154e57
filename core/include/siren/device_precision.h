#pragma once
// How a fit's matrix products run on a GPU (TrainOptions::precision):
//   tf32  float32 tensors; cuBLAS may use TF32 tensor cores for float32 products (10-bit mantissa inputs,
//         float32 accumulation). The default: the image preset's PSNR after 1,000 steps stays within 0.1 dB
//         of fp32 (tests/gpu, bench/RESULTS.md).
//   fp32  IEEE float32 products throughout.
//   bf16  autocast: products (and the activations between them) in bfloat16; weights, Adam state and the
//         losses stay float32. Fastest, least precise: an option with its measured quality.
// On a CPU every precision computes in float32.
#include <torch/torch.h>

#include <string>

namespace siren {

// TF32 on or off for float32 products on CUDA devices. cuBLAS reads one process-wide switch, so fits
// running at the same time on one server share the setting of the one that started last.
void apply_matmul_precision(const torch::Device& device, const std::string& precision);

// While alive: bf16 autocast on this thread when the fit asked for bf16 on a CUDA device; otherwise nothing.
class AutocastScope {
 public:
  AutocastScope(const torch::Device& device, const std::string& precision);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false;
  bool was_enabled_ = false;
  at::ScalarType previous_dtype_ = at::kHalf;
};

}  // namespace siren
