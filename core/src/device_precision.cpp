#include "siren/device_precision.h"

#include <ATen/autocast_mode.h>

namespace siren {

void apply_matmul_precision(const torch::Device& device, const std::string& precision) {
  if (!device.is_cuda()) return;
  at::globalContext().setAllowTF32CuBLAS(precision == "tf32");
}

AutocastScope::AutocastScope(const torch::Device& device, const std::string& precision)
    : active_(device.is_cuda() && precision == "bf16") {
  if (!active_) return;
  was_enabled_ = at::autocast::is_autocast_enabled(at::kCUDA);
  previous_dtype_ = at::autocast::get_autocast_dtype(at::kCUDA);
  at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
  at::autocast::set_autocast_enabled(at::kCUDA, true);
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  at::autocast::set_autocast_enabled(at::kCUDA, was_enabled_);
  at::autocast::set_autocast_dtype(at::kCUDA, previous_dtype_);
  if (!was_enabled_) at::autocast::clear_cache();  // the bf16 copies of the weights made in this scope
}

}  // namespace siren
