#include "siren/metrics.h"

#include <cmath>
#include <limits>

namespace siren {

double mse_on_unit_range(const torch::Tensor& prediction, const torch::Tensor& target) {
  torch::NoGradGuard no_grad;
  const torch::Tensor p = (prediction.to(torch::kFloat64) / 2 + 0.5).clamp(0.0, 1.0);
  const torch::Tensor t = target.to(torch::kFloat64) / 2 + 0.5;
  return (p - t).pow(2).mean().item<double>();
}

double psnr_from_mse(double mse) {
  if (mse <= 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(1.0 / mse);
}

double psnr_from_normalized(const torch::Tensor& prediction, const torch::Tensor& target) {
  return psnr_from_mse(mse_on_unit_range(prediction, target));
}

}  // namespace siren
