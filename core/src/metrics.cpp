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

AffineMatch affine_match(const torch::Tensor& prediction, const torch::Tensor& target) {
  torch::NoGradGuard no_grad;
  const torch::Tensor p = prediction.detach().to(torch::kFloat64).reshape({-1});
  const torch::Tensor t = target.detach().to(torch::kFloat64).reshape({-1});
  const double p_mean = p.mean().item<double>(), t_mean = t.mean().item<double>();
  const torch::Tensor pc = p - p_mean;
  const double variance = pc.pow(2).mean().item<double>();
  AffineMatch fit;
  fit.scale = variance > 0 ? (pc * (t - t_mean)).mean().item<double>() / variance : 0.0;
  fit.offset = t_mean - fit.scale * p_mean;
  return fit;
}

double psnr_from_normalized(const torch::Tensor& prediction, const torch::Tensor& target) {
  return psnr_from_mse(mse_on_unit_range(prediction, target));
}

}  // namespace siren
