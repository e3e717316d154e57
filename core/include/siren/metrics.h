#pragma once
#include <torch/torch.h>

namespace siren {

// PSNR as the reference's utils.write_psnr: both in [-1,1], mapped to [0,1] by x/2 + 0.5, prediction
// clipped to [0,1], data range 1: 10 log10(1 / MSE) over every pixel and channel.
double psnr_from_normalized(const torch::Tensor& prediction, const torch::Tensor& target);
// The MSE behind that PSNR (on the [0,1] scale, prediction clipped).
double mse_on_unit_range(const torch::Tensor& prediction, const torch::Tensor& target);
double psnr_from_mse(double mse);

// The a, b minimising mean((a * prediction + b - target)^2) over all elements, in float64. For fields
// known only up to scale and offset (Poisson reconstructions). A constant prediction gets a = 0,
// b = mean(target).
struct AffineMatch {
  double scale = 1;
  double offset = 0;
};
AffineMatch affine_match(const torch::Tensor& prediction, const torch::Tensor& target);

}  // namespace siren
