// Our CUDA kernels against their CPU references, on the device.
#include "gpu_support.h"
#include "siren/linear.h"
#include "siren/network.h"
#include "siren/sine_layer.h"

namespace siren {
namespace {

TEST(GpuKernels, FusedSineLayerEqualsTheAutogradLayersOnTheDevice) {
  SIREN_REQUIRE_CUDA();
  at::globalContext().setAllowTF32CuBLAS(false);  // compare IEEE float32 with IEEE float32
  torch::manual_seed(0);
  const auto on_gpu = torch::TensorOptions().device(torch::kCUDA);
  const torch::Tensor x = torch::rand({4096, 256}, on_gpu).mul_(2).sub_(1).requires_grad_(true);
  const torch::Tensor weight = (torch::rand({256, 256}, on_gpu) * 2 - 1).mul_(0.008).requires_grad_(true);
  const torch::Tensor bias = (torch::rand({256}, on_gpu) * 2 - 1).mul_(0.06).requires_grad_(true);
  const torch::Tensor upstream = torch::randn({4096, 256}, on_gpu);

  const torch::Tensor fused = fused_sine_linear(x, weight, bias, 30.0);
  const auto fused_grads = torch::autograd::grad({(fused * upstream).sum()}, {x, weight, bias});
  const torch::Tensor reference = torch::sin(torch::nn::functional::linear(x, weight, bias) * 30.0);
  const auto reference_grads = torch::autograd::grad({(reference * upstream).sum()}, {x, weight, bias});

  EXPECT_LT((fused - reference).abs().max().item<double>(), 1e-4);
  for (size_t i = 0; i < reference_grads.size(); ++i) {
    const double scale = reference_grads[i].abs().max().item<double>();
    EXPECT_LT((fused_grads[i] - reference_grads[i]).abs().max().item<double>(), 1e-4 * std::max(1.0, scale)) << i;
  }
}

TEST(GpuKernels, TheGradientNodeEqualsAutogradOnTheDevice) {
  // sine_gradient.h's node (SDF, Poisson from gradients) against autograd's double backward, on the device.
  SIREN_REQUIRE_CUDA();
  at::globalContext().setAllowTF32CuBLAS(false);
  ModelSpec spec;
  spec.in_features = 3;
  spec.out_features = 1;
  spec.hidden_features = 128;
  spec.hidden_layers = 3;
  torch::manual_seed(2);
  FieldNetwork net(spec);
  net->to(torch::kCUDA);
  const torch::Tensor coords = (torch::rand({4096, 3}) * 2 - 1).cuda();
  auto weight_gradients = [&](bool closed_form, torch::Tensor* gradient) {
    net->zero_grad();
    const FieldDerivatives f = net->forward_with_derivatives(coords, DerivativeOrder::First, closed_form);
    const torch::Tensor g = f.jacobian.select(1, 0);
    (f.value.pow(2).mean() + (g.pow(2).sum(-1) - 1).pow(2).mean()).backward();
    *gradient = g.detach().cpu();
    std::vector<torch::Tensor> grads;
    for (const auto& p : net->parameters()) grads.push_back(p.grad().flatten().cpu());
    return torch::cat(grads);
  };
  torch::Tensor gradient, gradient_autograd;
  const torch::Tensor node = weight_gradients(true, &gradient);
  const torch::Tensor autograd = weight_gradients(false, &gradient_autograd);
  EXPECT_LT((gradient - gradient_autograd).abs().max().item<double>(), 1e-4 * gradient_autograd.abs().max().item<double>());
  EXPECT_LT((node - autograd).abs().max().item<double>(), 1e-4 * autograd.abs().max().item<double>());
}

TEST(GpuKernels, ProductsOnTheDeviceEqualTheCpusInFp32) {
  SIREN_REQUIRE_CUDA();
  at::globalContext().setAllowTF32CuBLAS(false);
  torch::manual_seed(1);
  const torch::Tensor a = torch::randn({300, 64}), b = torch::randn({64, 5});
  const torch::Tensor on_device = matrix_product(a.cuda(), b.cuda()).cpu();
  EXPECT_LT((on_device - matrix_product(a, b)).abs().max().item<double>(), 1e-4);
}

}  // namespace
}  // namespace siren
