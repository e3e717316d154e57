#pragma once
// What the reference's Helmholtz and wave experiments share (dataio.py): the media (squared slowness
// m = 1/c^2 over space), the Gaussian sources and the disk sampling that keeps points on a source.
#include <torch/torch.h>

#include <string>
#include <vector>

namespace siren {

// uniform: m = 1 everywhere; square: m = 1/4 (velocity 2) where |x|,|y| < 0.3; circle: m = 1/4 where
// sqrt(x^2 + y^2) < 0.1 (get_squared_slowness, perturbation 2).
enum class Velocity { Uniform, Square, Circle };
const std::vector<std::string>& velocity_names();  // "uniform", "square", "circle"
Velocity velocity_from_name(const std::string& name);  // throws InvalidInput
std::string velocity_name(Velocity velocity);

// m at the points (x, y): tensors of the same shape; returns that shape.
torch::Tensor squared_slowness(Velocity velocity, const torch::Tensor& x, const torch::Tensor& y);

// The reference's gaussian(x, mu, sigma, d=2), where sigma acts as a variance:
// exp(-0.5 |p - mu|^2 / sigma) / sqrt(sigma^2 (2 pi)^2). xy: (N, 2) -> (N, 1). Peak 1 / (2 pi sigma).
torch::Tensor reference_gaussian(const torch::Tensor& xy, double mu_x, double mu_y, double sigma);

// n points in the disk of `radius` around (cx, cy) as the reference draws them: r = radius * sqrt(U),
// theta = 2 pi U (all radii first, then all angles), from `gen` only. (n, 2) float32 on the CPU.
torch::Tensor sample_disk(int64_t n, double radius, double cx, double cy, at::Generator& gen);

}  // namespace siren
