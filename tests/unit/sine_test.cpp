// siren::sine and siren::cosine (sine.h) against LibTorch's: the same values and the same derivatives to
// third order, which the Laplacian losses' backward pass reaches.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "siren/sine.h"

namespace siren {
namespace {

std::vector<torch::Tensor> derivatives(const torch::Tensor& x, bool ours) {
  const torch::Tensor y = ours ? sine(x) : torch::sin(x);
  const torch::Tensor d1 = torch::autograd::grad({y.sum()}, {x}, {}, true, true)[0];
  const torch::Tensor d2 = torch::autograd::grad({d1.sum()}, {x}, {}, true, true)[0];
  const torch::Tensor d3 = torch::autograd::grad({d2.sum()}, {x}, {}, true, true)[0];
  return {y.detach(), d1.detach(), d2.detach(), d3.detach()};
}

TEST(Sine, ValuesAndThreeDerivativesEqualLibTorchs) {
  torch::manual_seed(0);
  const torch::Tensor x = (torch::rand({1000, 7}) * 200 - 100).requires_grad_(true);  // SIREN's ω0·z range
  const auto ours = derivatives(x, true), reference = derivatives(x, false);
  for (size_t order = 0; order < ours.size(); ++order)
    EXPECT_LT((ours[order] - reference[order]).abs().max().item<double>(), 2e-6) << "order " << order;
  EXPECT_LT((cosine(x.detach()) - torch::cos(x.detach())).abs().max().item<double>(), 2e-6);
}

}  // namespace
}  // namespace siren
