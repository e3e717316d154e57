// Differential operators against analytic derivatives of known functions, and trainability through them.
#include <gtest/gtest.h>

#include "siren/network.h"
#include "siren/operators.h"

namespace siren {
namespace {

torch::Tensor points(int64_t n, int64_t d, uint64_t seed) {
  torch::manual_seed(seed);
  return (torch::rand({n, d}, torch::kFloat64) * 2 - 1).requires_grad_(true);
}

TEST(Operators, GradientAndLaplacianOfAKnownFunction) {
  const torch::Tensor x = points(64, 2, 0);
  const torch::Tensor a = x.select(1, 0), b = x.select(1, 1);
  // f = sin(2a) b^2 + a^3
  const torch::Tensor f = (torch::sin(2 * a) * b * b + a.pow(3)).unsqueeze(1);
  const torch::Tensor g = gradient(f, x);
  const torch::Tensor expected_g = torch::stack({2 * torch::cos(2 * a) * b * b + 3 * a * a, 2 * torch::sin(2 * a) * b}, 1);
  EXPECT_TRUE(torch::allclose(g, expected_g.detach(), 1e-10, 1e-12));
  const torch::Tensor lap = laplacian(f, x);
  const torch::Tensor expected_lap = (-4 * torch::sin(2 * a) * b * b + 6 * a + 2 * torch::sin(2 * a)).unsqueeze(1);
  EXPECT_TRUE(torch::allclose(lap, expected_lap.detach(), 1e-10, 1e-12));
}

TEST(Operators, DivergenceAndJacobianOfAVectorField) {
  const torch::Tensor x = points(32, 3, 1);
  const torch::Tensor a = x.select(1, 0), b = x.select(1, 1), c = x.select(1, 2);
  // v = (a b, b^2 c, exp(c) a)
  const torch::Tensor v = torch::stack({a * b, b * b * c, torch::exp(c) * a}, 1);
  const torch::Tensor expected_div = (b + 2 * b * c + torch::exp(c) * a).unsqueeze(1);
  EXPECT_TRUE(torch::allclose(divergence(v, x), expected_div.detach(), 1e-10, 1e-12));
  const torch::Tensor j = jacobian(v, x);
  ASSERT_EQ(j.sizes(), (std::vector<int64_t>{32, 3, 3}));
  EXPECT_TRUE(torch::allclose(j.select(1, 1).select(1, 1), (2 * b * c).detach(), 1e-10, 1e-12));  // d v1 / d b
  EXPECT_TRUE(torch::allclose(j.select(1, 2).select(1, 2), (torch::exp(c) * a).detach(), 1e-10, 1e-12));
  EXPECT_TRUE(torch::allclose(j.select(1, 0).select(1, 2), torch::zeros({32}, torch::kFloat64), 0, 1e-14));
}

TEST(Operators, SirenGradientMatchesFiniteDifferences) {
  torch::manual_seed(4);
  ModelSpec spec;
  spec.hidden_features = 32;
  spec.hidden_layers = 2;
  FieldNetwork net(spec);
  net->to(torch::kFloat64);
  const torch::Tensor x = points(16, 2, 5);
  const torch::Tensor g = gradient(net->forward(x), x).detach();
  const double h = 1e-6;
  for (int d = 0; d < 2; ++d) {
    torch::Tensor dx = torch::zeros({1, 2}, torch::kFloat64);
    dx[0][d] = h;
    torch::NoGradGuard no_grad;
    const torch::Tensor fd = (net->forward(x + dx) - net->forward(x - dx)) / (2 * h);
    EXPECT_TRUE(torch::allclose(g.select(1, d), fd.squeeze(1), 1e-5, 1e-6)) << "dim " << d;
  }
}

TEST(Operators, LossesOnDerivativesTrainThroughTheNetwork) {
  // A Laplacian loss needs third-order autodiff: every parameter must receive a finite, non-zero gradient.
  torch::manual_seed(6);
  ModelSpec spec;
  spec.hidden_features = 16;
  spec.hidden_layers = 1;
  FieldNetwork net(spec);
  const torch::Tensor x = (torch::rand({64, 2}) * 2 - 1).requires_grad_(true);
  const torch::Tensor loss = laplacian(net->forward(x), x).pow(2).mean() + gradient(net->forward(x), x).pow(2).mean();
  loss.backward();
  // Derivatives w.r.t. the input do not depend on the last layer's bias: it alone gets no gradient.
  auto params = net->parameters();
  EXPECT_FALSE(params.back().grad().defined() && params.back().grad().abs().sum().item<double>() > 0);
  params.pop_back();
  for (const auto& p : params) {
    ASSERT_TRUE(p.grad().defined());
    EXPECT_TRUE(torch::isfinite(p.grad()).all().item<bool>());
    EXPECT_GT(p.grad().abs().sum().item<double>(), 0.0);
  }
}

TEST(Operators, ConstantFieldHasZeroGradient) {
  const torch::Tensor x = points(8, 2, 7);
  const torch::Tensor f = torch::ones({8, 1}, torch::kFloat64);
  EXPECT_EQ(gradient(f, x).abs().sum().item<double>(), 0.0);
}

}  // namespace
}  // namespace siren
