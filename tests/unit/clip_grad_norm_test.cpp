// Clipping on the device gives LibTorch's clip_grad_norm_ (PyTorch's formula) without reading the norm back.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "siren/optim/clip_grad_norm.h"

namespace siren {
namespace {

std::vector<torch::Tensor> parameters_with_gradients(double gradient_scale) {
  torch::manual_seed(3);
  std::vector<torch::Tensor> parameters;
  for (const int64_t size : {64, 8, 300}) {
    torch::Tensor p = torch::randn({size}).requires_grad_(true);
    p.mutable_grad() = torch::randn({size}) * gradient_scale;
    parameters.push_back(p);
  }
  parameters.push_back(torch::randn({5}).requires_grad_(true));  // no gradient: left alone
  return parameters;
}

std::vector<torch::Tensor> gradients(const std::vector<torch::Tensor>& parameters) {
  std::vector<torch::Tensor> grads;
  for (const torch::Tensor& p : parameters)
    if (p.grad().defined()) grads.push_back(p.grad().clone());
  return grads;
}

TEST(ClipGradNorm, ScalesLikeLibTorchWhenTheNormIsOverTheBound) {
  auto ours = parameters_with_gradients(1.0);
  auto libtorch = parameters_with_gradients(1.0);
  const double norm = torch::nn::utils::clip_grad_norm_(libtorch, 1.0);
  ASSERT_GT(norm, 5.0);  // far over the bound: the scale is not 1
  optim::clip_grad_norm_on_device(ours, 1.0);
  const auto a = gradients(ours), b = gradients(libtorch);
  ASSERT_EQ(a.size(), 3u);
  double squared = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::allclose(a[i], b[i], 1e-6, 1e-7)) << i;
    squared += a[i].square().sum().item<double>();
  }
  EXPECT_NEAR(std::sqrt(squared), 1.0, 1e-5);
  EXPECT_FALSE(ours.back().grad().defined());
}

TEST(ClipGradNorm, LeavesGradientsUnderTheBoundExactlyAsTheyAre) {
  auto parameters = parameters_with_gradients(1e-3);
  const auto before = gradients(parameters);
  optim::clip_grad_norm_on_device(parameters, 1.0);
  const auto after = gradients(parameters);
  for (size_t i = 0; i < before.size(); ++i) EXPECT_TRUE(torch::equal(before[i], after[i])) << i;
}

}  // namespace
}  // namespace siren
