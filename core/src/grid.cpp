#include "siren/grid.h"

namespace siren {

torch::Tensor coordinate_grid(const std::vector<int64_t>& sizes) {
  std::vector<torch::Tensor> axes;
  for (int64_t n : sizes) {
    // linspace(-1, 1, n) equals the reference's (i / (n - 1) - 0.5) * 2 up to float rounding.
    axes.push_back(n == 1 ? torch::zeros({1}, torch::kFloat64) : (torch::arange(n, torch::kFloat64) / double(n - 1) - 0.5) * 2.0);
  }
  auto mesh = torch::meshgrid(axes, "ij");
  std::vector<torch::Tensor> flat;
  for (auto& m : mesh) flat.push_back(m.reshape({-1}));
  return torch::stack(flat, 1).to(torch::kFloat32).contiguous();
}

}  // namespace siren
