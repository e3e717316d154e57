// The fused sine layer (sine_layer.h) against the reference's separate ops: the same values and the
// same gradients to float precision, the same fit quality, and a clear refusal of second derivatives.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "siren/fit.h"
#ifdef SIREN_HAVE_SLEEF
#include "siren/kernels/sine_cosine.h"
#endif
#include "siren/network.h"
#include "siren/sine_layer.h"
#include "synthetic.h"

namespace siren {
namespace {

double relative_error(const torch::Tensor& got, const torch::Tensor& want) {
  return ((got - want).norm() / want.norm()).item<double>();
}

#ifdef SIREN_HAVE_SLEEF
TEST(SineCosineKernel, MatchesLibmOverTheRangeSirenPreactivationsTake) {
  // Every instruction-set path: long arrays hit the vector body, short tails the scalar remainder.
  std::vector<float> z, expected_sin, expected_cos;
  for (int i = 0; i < 100003; ++i) {
    const float x = -120.0f + 240.0f * static_cast<float>(i) / 100003.0f;
    z.push_back(x);
    expected_sin.push_back(static_cast<float>(std::sin(static_cast<double>(x))));
    expected_cos.push_back(static_cast<float>(3.0 * std::cos(static_cast<double>(x))));
  }
  using Kernel = void (*)(float*, float*, int64_t, float);
  std::vector<std::pair<std::string, Kernel>> kernels = {
      {std::string("dispatched (") + kernels::sine_cosine_isa() + ")", kernels::sine_cosine_inplace}};
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) kernels.emplace_back("avx512", kernels::detail::sine_cosine_avx512);
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    kernels.emplace_back("avx2", kernels::detail::sine_cosine_avx2);
  for (const auto& [name, kernel] : kernels) {
    std::vector<float> sine = z, cosine(z.size());
    kernel(sine.data(), cosine.data(), static_cast<int64_t>(z.size()), 3.0f);
    double worst_sin = 0, worst_cos = 0;
    for (size_t i = 0; i < z.size(); ++i) {
      worst_sin = std::max(worst_sin, std::abs(double(sine[i]) - expected_sin[i]));
      worst_cos = std::max(worst_cos, std::abs(double(cosine[i]) - expected_cos[i]));
    }
    std::cout << "sine/cosine kernel " << name << ": max error sin " << worst_sin << ", 3cos " << worst_cos << "\n";
    EXPECT_LT(worst_sin, 2e-7) << name;
    EXPECT_LT(worst_cos, 6e-7) << name;
  }
}

#endif  // SIREN_HAVE_SLEEF

TEST(FusedSineLayer, ValuesAndGradientsMatchTheReferenceOps) {
  torch::manual_seed(1);
  const double omega0 = 30.0;
  const torch::Tensor x0 = torch::rand({777, 64}) * 2 - 1;
  const torch::Tensor w0 = (torch::rand({48, 64}) * 2 - 1) * std::sqrt(6.0 / 64) / omega0;
  const torch::Tensor b0 = (torch::rand({48}) * 2 - 1) / 8.0;
  const torch::Tensor upstream = torch::randn({777, 48});

  auto run = [&](bool fused) {
    torch::Tensor x = x0.clone().requires_grad_(true), w = w0.clone().requires_grad_(true),
                  b = b0.clone().requires_grad_(true);
    const torch::Tensor y = fused ? fused_sine_linear(x, w, b, omega0)
                                  : torch::sin(torch::nn::functional::linear(x, w, b) * omega0);
    (y * upstream).sum().backward();
    return std::vector<torch::Tensor>{y.detach(), x.grad(), w.grad(), b.grad()};
  };
  const auto fused = run(true), reference = run(false);
  const char* names[] = {"values", "d/dx", "d/dW", "d/db"};
  for (int k = 0; k < 4; ++k) {
    const double error = relative_error(fused[k], reference[k]);
    std::cout << names[k] << " relative error " << error << "\n";
    EXPECT_LT(error, 1e-5) << names[k];
  }
}

TEST(FusedSineLayer, RefusesSecondDerivatives) {
  const torch::Tensor x = torch::rand({8, 3}).requires_grad_(true);
  const torch::Tensor w = torch::rand({4, 3}).requires_grad_(true), b = torch::rand({4}).requires_grad_(true);
  const torch::Tensor y = fused_sine_linear(x, w, b, 30.0).sum();
  EXPECT_THROW(torch::autograd::grad({y}, {x}, {}, /*retain_graph=*/true, /*create_graph=*/true), c10::Error);
}

TEST(FusedSineLayer, NetworkUsesAutogradLayersWhenCoordinatesNeedDerivatives) {
  ModelSpec spec;
  spec.in_features = 2;
  torch::manual_seed(4);
  FieldNetwork network(spec);
  const torch::Tensor coords = (torch::rand({50, 2}) * 2 - 1).requires_grad_(true);
  const torch::Tensor y = network->forward(coords);
  // Second derivatives exist, so the fused node was not used.
  const torch::Tensor g = torch::autograd::grad({y.sum()}, {coords}, {}, true, true)[0];
  EXPECT_NO_THROW(torch::autograd::grad({g.sum()}, {coords}));
}

TEST(FusedSineLayer, WholeNetworkGradientsMatchTheAutogradLayers) {
  ModelSpec spec;
  spec.in_features = 2;
  spec.out_features = 3;
  const torch::Tensor coords = torch::rand({1000, 2}) * 2 - 1, target = torch::rand({1000, 3});
  std::vector<std::vector<torch::Tensor>> grads;
  for (bool fused : {true, false}) {
    torch::manual_seed(9);
    FieldNetwork network(spec);
    network->set_fused_sine_layers(fused);
    (network->forward(coords) - target).pow(2).mean().backward();
    std::vector<torch::Tensor> g;
    for (const auto& p : network->parameters()) g.push_back(p.grad().clone());
    grads.push_back(g);
  }
  for (size_t i = 0; i < grads[0].size(); ++i) {
    EXPECT_LT(relative_error(grads[0][i], grads[1][i]), 1e-5) << "parameter " << i;
  }
}

TEST(FusedSineLayer, FitReachesTheSamePsnrAsTheAutogradLayers) {
  const std::string png = encode_png(testing::synthetic_image(32, 32));
  double psnr[2];
  for (int fused = 0; fused < 2; ++fused) {
    FitConfig config = preset_fit_config("image");
    config.model.hidden_features = 64;
    config.train.steps = 1000;
    config.train.seed = 2;
    config.train.fused_sine_layers = fused == 1;
    psnr[fused] = run_fit(config, png, {}, {}).final.metrics.at("psnr");
  }
  std::cout << "32x32, 3x64, 1000 steps: fused " << psnr[1] << " dB, autograd layers " << psnr[0] << " dB\n";
  EXPECT_GT(psnr[0], 30.0);  // a real fit, not two equal failures
  EXPECT_NEAR(psnr[1], psnr[0], 0.2);
}

}  // namespace
}  // namespace siren
