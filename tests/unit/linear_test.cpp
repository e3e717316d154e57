// The network's products (linear.h) against LibTorch's own: on the CPU they run on BLIS when it is
// there, which must give the same values and the same first and second derivatives (the SDF and Poisson
// losses differentiate through them twice), whatever the operands' layout.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "siren/blas/blis.h"
#include "siren/linear.h"

namespace siren {
namespace {

void expect_close(const torch::Tensor& got, const torch::Tensor& want, double tolerance = 1e-5) {
  ASSERT_EQ(got.sizes(), want.sizes());
  const double scale = std::max(1.0, want.abs().max().item<double>());
  EXPECT_LE((got - want).abs().max().item<double>(), tolerance * scale);
}

TEST(CpuGemm, SaysWhichGemmRuns) {
  const std::string description = blas::cpu_gemm_description();
  EXPECT_EQ(description.rfind(blas::blis_enabled() ? "blis" : "torch", 0), 0u) << description;
}

TEST(CpuGemm, AutoTakesMklOnIntelAndBlisElsewhereUnlessTold) {
  using blas::CpuGemm;
  EXPECT_EQ(blas::choose_cpu_gemm(nullptr, "GenuineIntel"), CpuGemm::kTorch);
  EXPECT_EQ(blas::choose_cpu_gemm(nullptr, "AuthenticAMD"), CpuGemm::kBlis);
  EXPECT_EQ(blas::choose_cpu_gemm(nullptr, ""), CpuGemm::kBlis);
  EXPECT_EQ(blas::choose_cpu_gemm("auto", "GenuineIntel"), CpuGemm::kTorch);
  EXPECT_EQ(blas::choose_cpu_gemm("blis", "GenuineIntel"), CpuGemm::kBlis);
  EXPECT_EQ(blas::choose_cpu_gemm("torch", "AuthenticAMD"), CpuGemm::kTorch);
  EXPECT_EQ(blas::choose_cpu_gemm("mkl?", "AuthenticAMD"), CpuGemm::kBlis);  // not understood: auto
}

TEST(MatrixProduct, EqualsTorchMmForEveryLayoutAndShape) {
  torch::manual_seed(0);
  for (auto [m, k, n] : {std::tuple{7, 5, 3}, {64, 256, 256}, {1000, 256, 1}, {1, 3, 256}, {33, 1, 17}}) {
    const torch::Tensor a = torch::randn({m, k}), b = torch::randn({k, n});
    expect_close(matrix_product(a, b), torch::mm(a, b));
    expect_close(matrix_product(a.t().contiguous().t(), b), torch::mm(a, b));         // column-major a
    expect_close(matrix_product(a, b.t().contiguous().t()), torch::mm(a, b));         // column-major b
    expect_close(matrix_product(a, torch::ones({1, n}).expand({k, n})), torch::mm(a, torch::ones({k, n})));  // stride 0
  }
  const torch::Tensor big = torch::randn({8, 12});
  expect_close(matrix_product(big.narrow(1, 2, 5), torch::eye(5)), big.narrow(1, 2, 5));  // a strided view
}

TEST(Affine, EqualsTorchLinearWithItsFirstAndSecondDerivatives) {
  torch::manual_seed(1);
  const torch::Tensor weight = torch::randn({16, 3}).requires_grad_(true);
  const torch::Tensor bias = torch::randn({16}).requires_grad_(true);
  const torch::Tensor head = torch::randn({1, 16}).requires_grad_(true);
  const torch::Tensor x = torch::randn({50, 3}).requires_grad_(true);

  // A small field f(x) = head · sin(W x + b) and the norm of its input gradient, as the eikonal term.
  auto eikonal = [&](bool ours) {
    const torch::Tensor pre = ours ? affine(x, weight, bias) : torch::nn::functional::linear(x, weight, bias);
    const torch::Tensor y = ours ? matrix_product(torch::sin(pre), head.t()) : torch::mm(torch::sin(pre), head.t());
    const torch::Tensor g = torch::autograd::grad({y}, {x}, {torch::ones_like(y)}, true, true)[0];
    const torch::Tensor loss = (g.norm(2, 1) - 1).pow(2).mean() + y.pow(2).mean();
    const auto grads = torch::autograd::grad({loss}, {weight, bias, head});
    return std::tuple{y.detach(), g.detach(), grads};
  };
  const auto [y_ours, g_ours, grads_ours] = eikonal(true);
  const auto [y_ref, g_ref, grads_ref] = eikonal(false);
  expect_close(y_ours, y_ref);
  expect_close(g_ours, g_ref);
  for (size_t i = 0; i < grads_ref.size(); ++i) expect_close(grads_ours[i], grads_ref[i], 1e-4);
}

TEST(AddmmNoGrad, ScalesTheBiasAndTheProduct) {
  torch::manual_seed(2);
  const torch::Tensor x = torch::randn({40, 8}), weight = torch::randn({6, 8}), bias = torch::randn({6});
  expect_close(addmm_no_grad(bias, x, weight, 30.0, 30.0), torch::addmm(bias, x, weight.t(), 30.0, 30.0), 1e-5);
}

}  // namespace
}  // namespace siren
