#include "siren/tasks/pde_media.h"

#include <cmath>

#include "siren/errors.h"

namespace siren {

const std::vector<std::string>& velocity_names() {
  static const std::vector<std::string> names = {"uniform", "square", "circle"};
  return names;
}

Velocity velocity_from_name(const std::string& name) {
  if (name == "uniform") return Velocity::Uniform;
  if (name == "square") return Velocity::Square;
  if (name == "circle") return Velocity::Circle;
  throw InvalidInput("unknown velocity \"" + name + "\"; velocities: uniform, square, circle");
}

std::string velocity_name(Velocity velocity) {
  switch (velocity) {
    case Velocity::Square: return "square";
    case Velocity::Circle: return "circle";
    case Velocity::Uniform: break;
  }
  return "uniform";
}

torch::Tensor squared_slowness(Velocity velocity, const torch::Tensor& x, const torch::Tensor& y) {
  constexpr double kPerturbation = 2.0;  // the velocity inside the inclusion, relative to the background
  const torch::Tensor ones = torch::ones_like(x);
  switch (velocity) {
    case Velocity::Square:
      return torch::where((x.abs() < 0.3) & (y.abs() < 0.3), ones / (kPerturbation * kPerturbation), ones);
    case Velocity::Circle:
      return torch::where(torch::sqrt(x * x + y * y) < 0.1, ones / (kPerturbation * kPerturbation), ones);
    case Velocity::Uniform: break;
  }
  return ones;
}

torch::Tensor reference_gaussian(const torch::Tensor& xy, double mu_x, double mu_y, double sigma) {
  const torch::Tensor dx = xy.select(1, 0) - mu_x, dy = xy.select(1, 1) - mu_y;
  const torch::Tensor q = -0.5 * (dx * dx + dy * dy);
  const double norm = 1.0 / std::sqrt(sigma * sigma * (2 * M_PI) * (2 * M_PI));
  return (norm * torch::exp(q / sigma)).unsqueeze(1);
}

torch::Tensor sample_disk(int64_t n, double radius, double cx, double cy, at::Generator& gen) {
  const auto cpu_float = torch::TensorOptions().dtype(torch::kFloat32);
  const torch::Tensor r = radius * torch::rand({n, 1}, gen, cpu_float).sqrt();
  const torch::Tensor theta = 2 * M_PI * torch::rand({n, 1}, gen, cpu_float);
  return torch::cat({r * torch::cos(theta) + cx, r * torch::sin(theta) + cy}, 1);
}

}  // namespace siren
