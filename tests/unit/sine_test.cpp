// siren::sine and siren::cosine (sine.h) against LibTorch's: the same values and the same derivatives to
// third order, which the Laplacian losses' backward pass reaches.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <utility>
#include <vector>

#include "siren/sine.h"
#ifdef SIREN_HAVE_SLEEF
#include "siren/kernels/sine_cosine.h"
#endif

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

#ifdef SIREN_HAVE_SLEEF
// Every instruction set's kernels this CPU can run, on lengths that leave a scalar tail, out of place and
// in place.
TEST(SineKernels, EveryInstructionSetMatchesTheLibm) {
  using Unary = void (*)(const float*, float*, int64_t);
  std::vector<std::pair<std::string, std::pair<Unary, Unary>>> kernels = {
      {"scalar", {kernels::detail::sine_scalar, kernels::detail::cosine_scalar}},
      {"dispatched", {kernels::sine, kernels::cosine}}};
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    kernels.push_back({"avx2", {kernels::detail::sine_avx2, kernels::detail::cosine_avx2}});
  if (__builtin_cpu_supports("avx512f"))
    kernels.push_back({"avx512", {kernels::detail::sine_avx512, kernels::detail::cosine_avx512}});
  for (const int64_t n : {1, 15, 17, 100003}) {
    std::vector<float> x(n);
    for (int64_t i = 0; i < n; ++i) x[i] = static_cast<float>(-90.0 + 180.0 * i / n);
    for (const auto& [isa, pair] : kernels) {
      std::vector<float> s(n), c(n), in_place = x;
      pair.first(x.data(), s.data(), n);
      pair.second(x.data(), c.data(), n);
      pair.first(in_place.data(), in_place.data(), n);
      double worst = 0;
      for (int64_t i = 0; i < n; ++i) {
        worst = std::max(worst, std::abs(s[i] - std::sin(static_cast<double>(x[i]))));
        worst = std::max(worst, std::abs(c[i] - std::cos(static_cast<double>(x[i]))));
        worst = std::max(worst, static_cast<double>(std::abs(in_place[i] - s[i])));
      }
      EXPECT_LT(worst, 2e-7) << isa << ", n = " << n;
    }
  }
}
#endif

}  // namespace
}  // namespace siren
