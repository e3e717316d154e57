// The closed-form derivatives carried through a SIREN (sine_derivatives.h) against autograd's, and the
// Helmholtz residual built on them against the reference's formulation (autograd through the products).
#include <gtest/gtest.h>

#include <vector>

#include "helmholtz_support.h"
#include "siren/fit.h"
#include "siren/network.h"
#include "siren/operators.h"
#include "siren/tasks/helmholtz_pml.h"

namespace siren {
namespace {

FieldNetwork network(Activation activation, int in, int out, int hidden, int layers, uint64_t seed) {
  ModelSpec spec;
  spec.activation = activation;
  spec.in_features = in;
  spec.out_features = out;
  spec.hidden_features = hidden;
  spec.hidden_layers = layers;
  torch::manual_seed(seed);
  return FieldNetwork(spec);
}

FieldNetwork siren_network(int in, int out, int hidden, int layers, uint64_t seed) {
  return network(Activation::Sine, in, out, hidden, layers, seed);
}

// Every parameter's gradient after a backward pass, flattened into one tensor (zeros where none flowed).
torch::Tensor parameter_gradients(FieldNetwork& net) {
  std::vector<torch::Tensor> grads;
  for (const auto& p : net->parameters())
    grads.push_back(p.grad().defined() ? p.grad().clone().flatten() : torch::zeros({p.numel()}));
  return torch::cat(grads);
}

// max |a - b| / max |b|: relative to the tensor's scale (derivatives of a SIREN reach ω per layer).
double relative_difference(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>() / b.abs().max().item<double>();
}

struct Shape {
  int in, out, hidden, layers;
};

TEST(FieldDerivatives, ClosedFormEqualsAutogradForEveryChannelAndCoordinate) {
  for (const Shape& s : {Shape{1, 1, 64, 3}, Shape{2, 11, 64, 3}, Shape{3, 1, 32, 2}, Shape{2, 3, 48, 0}}) {
    FieldNetwork net = siren_network(s.in, s.out, s.hidden, s.layers, 7);
    const torch::Tensor coords = (torch::rand({200, s.in}) * 2 - 1).requires_grad_(true);
    const FieldDerivatives closed = net->forward_with_derivatives(coords, DerivativeOrder::Second, true);
    const FieldDerivatives autograd = derivatives_by_autograd(net->forward(coords), coords, DerivativeOrder::Second);
    ASSERT_EQ(closed.jacobian.sizes(), autograd.jacobian.sizes());
    ASSERT_EQ(closed.second.sizes(), autograd.second.sizes());
    EXPECT_LT(relative_difference(closed.value, autograd.value), 1e-6) << s.in << "->" << s.out;
    EXPECT_LT(relative_difference(closed.jacobian, autograd.jacobian), 1e-5) << s.in << "->" << s.out;
    EXPECT_LT(relative_difference(closed.second, autograd.second), 1e-5) << s.in << "->" << s.out;
    // Not trivially equal: the derivatives are large and vary (a SIREN's second derivatives reach ~ω²).
    EXPECT_GT(autograd.second.abs().max().item<double>(), 10.0);
  }
}

TEST(FieldDerivatives, FirstOrderAloneLeavesTheSecondUndefined) {
  FieldNetwork net = siren_network(3, 1, 32, 1, 3);
  const torch::Tensor coords = torch::rand({50, 3}).requires_grad_(true);
  const FieldDerivatives closed = net->forward_with_derivatives(coords, DerivativeOrder::First, true);
  EXPECT_FALSE(closed.second.defined());
  EXPECT_LT(relative_difference(closed.jacobian.squeeze(1), gradient(net->forward(coords), coords)), 1e-5);
}

TEST(FieldDerivatives, TheLaplacianAloneEqualsTheSumOfTheDiagonalAndItsWeightGradients) {
  // Poisson's route: the summed second derivatives as one stream, against autograd's per-coordinate
  // diagonal summed, in value and in the weight gradients of a loss on it.
  for (const Shape& s : {Shape{2, 1, 64, 3}, Shape{3, 2, 32, 2}, Shape{2, 1, 48, 0}}) {
    FieldNetwork net = siren_network(s.in, s.out, s.hidden, s.layers, 5);
    const torch::Tensor coords = (torch::rand({150, s.in}) * 2 - 1).requires_grad_(true);
    auto laplacian_and_gradient = [&](bool closed_form) {
      net->zero_grad();
      const FieldDerivatives f = net->forward_with_derivatives(coords, DerivativeOrder::Laplacian, closed_form);
      EXPECT_FALSE(f.second.defined());
      (f.laplacian().pow(2).mean() + f.value.pow(2).mean()).backward();
      return std::make_pair(f.laplacian().detach(), parameter_gradients(net));
    };
    const auto [closed, closed_grad] = laplacian_and_gradient(true);
    const auto [autograd, autograd_grad] = laplacian_and_gradient(false);
    const torch::Tensor diagonal_sum =
        net->forward_with_derivatives(coords, DerivativeOrder::Second, true).second.sum(2).detach();
    ASSERT_EQ(closed.sizes(), diagonal_sum.sizes());
    EXPECT_LT(relative_difference(closed, autograd), 1e-5) << s.in << "->" << s.out;
    EXPECT_LT(relative_difference(closed, diagonal_sum), 1e-5) << s.in << "->" << s.out;
    EXPECT_LT(relative_difference(closed_grad, autograd_grad), 1e-4) << s.in << "->" << s.out;
    EXPECT_GT(autograd.abs().max().item<double>(), 10.0);
    EXPECT_THROW(net->forward_with_derivatives(coords, DerivativeOrder::Laplacian, true).laplacian(1), c10::Error);
  }
}

// The one-output gradient node (sine_gradient.h) against autograd's double backward: the value, the
// gradient, and the gradients of a loss on both w.r.t. every weight and bias and the coordinates.
TEST(FieldDerivatives, TheGradientNodeEqualsAutogradInValuesAndEveryWeightGradient) {
  for (const Shape& s : {Shape{3, 1, 64, 3}, Shape{2, 1, 48, 2}, Shape{1, 1, 32, 1}, Shape{3, 1, 40, 0}}) {
    FieldNetwork net = siren_network(s.in, 1, s.hidden, s.layers, 17);
    const torch::Tensor normals = torch::randn({180, s.in});
    const torch::Tensor coords = (torch::rand({180, s.in}) * 2 - 1).requires_grad_(true);
    auto gradient_and_its_weight_gradients = [&](bool closed_form) {
      net->zero_grad();
      coords.mutable_grad() = torch::Tensor();
      const FieldDerivatives f = net->forward_with_derivatives(coords, DerivativeOrder::First, closed_form);
      const torch::Tensor g = f.jacobian.select(1, 0);
      // The SDF loss's kinds of terms (on the value, the gradient's norm, its direction), made smooth: the
      // loss's own |.| and cosine turn rounding-size differences near their kinks into 1e-4 ones.
      const torch::Tensor loss = f.value.pow(2).mean() * 3 + (g.pow(2).sum(-1) - 1).pow(2).mean() +
                                 (g * normals).sum(-1).mean() + torch::exp(-f.value.pow(2)).mean();
      loss.backward();
      return std::make_tuple(f.value.detach(), g.detach(), parameter_gradients(net), coords.grad().clone());
    };
    const auto [value, gradient, weight_grads, coord_grads] = gradient_and_its_weight_gradients(true);
    const auto [value_ag, gradient_ag, weight_grads_ag, coord_grads_ag] = gradient_and_its_weight_gradients(false);
    const std::string shape = std::to_string(s.in) + "x" + std::to_string(s.hidden) + "x" + std::to_string(s.layers);
    // 1e-5: the node's GEMM computes ω·b + ω·(xWᵀ), the autograd layers ω·(xWᵀ + b).
    EXPECT_LT(relative_difference(value, value_ag), 1e-5) << shape;
    EXPECT_LT(relative_difference(gradient, gradient_ag), 1e-5) << shape;
    EXPECT_LT(relative_difference(weight_grads, weight_grads_ag), 1e-5) << shape;
    EXPECT_LT(relative_difference(coord_grads, coord_grads_ag), 1e-5) << shape;
    // Not trivially equal: the gradient and the weights' gradients are not small.
    EXPECT_GT(gradient_ag.abs().max().item<double>(), 0.25) << shape;
    EXPECT_GT(weight_grads_ag.abs().max().item<double>(), 1e-3) << shape;
  }
}

TEST(FieldDerivatives, TheGradientNodeTrainsOnALossOfTheValueOrOfTheGradientAlone) {
  // A loss on one of the two outputs leaves the other's incoming gradient undefined.
  FieldNetwork net = siren_network(3, 1, 32, 2, 23);
  const torch::Tensor coords = torch::rand({64, 3}) * 2 - 1;
  for (const bool on_value : {true, false}) {
    auto weight_gradients = [&](bool closed_form) {
      net->zero_grad();
      const FieldDerivatives f = net->forward_with_derivatives(coords, DerivativeOrder::First, closed_form);
      (on_value ? f.value.pow(2).mean() : f.jacobian.pow(2).mean()).backward();
      return parameter_gradients(net);
    };
    EXPECT_LT(relative_difference(weight_gradients(true), weight_gradients(false)), 1e-5) << on_value;
  }
}

TEST(FieldDerivatives, GradientQueriesEqualAutogradsForEveryNetwork) {
  // input_gradient (FieldModel::query_gradients): the gradient node's forward pass for a one-output SIREN,
  // autograd's backward pass of the outputs' sum for the others; nothing left requiring grad.
  std::vector<FieldNetwork> nets{siren_network(3, 1, 64, 3, 4), siren_network(2, 3, 32, 2, 4),
                                 network(Activation::Relu, 3, 1, 32, 3, 4)};
  for (FieldNetwork& net : nets) {
    const int64_t in = net->spec().in_features;
    const torch::Tensor coords = torch::rand({300, in}) * 2 - 1;
    const torch::Tensor g = net->input_gradient(coords);
    const torch::Tensor x = coords.clone().requires_grad_(true);
    const torch::Tensor expected = gradient(net->forward(x), x);
    ASSERT_EQ(g.sizes(), expected.sizes());
    EXPECT_FALSE(g.requires_grad());
    EXPECT_LT(relative_difference(g, expected), 1e-5) << in << "->" << net->spec().out_features;
  }
}

TEST(FieldDerivatives, ParameterGradientsOfALossOnThemAgree) {
  // Training differentiates the derivatives w.r.t. the weights: both routes give the same update.
  FieldNetwork net = siren_network(2, 4, 32, 2, 11);
  const torch::Tensor coords = (torch::rand({100, 2}) * 2 - 1).requires_grad_(true);
  auto weight_gradient = [&](bool closed_form) {
    net->zero_grad();
    const FieldDerivatives f = net->forward_with_derivatives(coords, DerivativeOrder::Second, closed_form);
    (f.laplacian().pow(2).mean() + f.jacobian.abs().mean() + f.value.pow(2).mean()).backward();
    return parameter_gradients(net);
  };
  const torch::Tensor closed = weight_gradient(true), autograd = weight_gradient(false);
  EXPECT_LT(relative_difference(closed, autograd), 1e-4);
  EXPECT_GT(autograd.abs().max().item<double>(), 0.0);
}

TEST(FieldDerivatives, OtherNetworksUseAutograd) {
  FieldNetwork net = network(Activation::Tanh, 2, 2, 16, 3, 2);
  EXPECT_FALSE(net->has_closed_form_derivatives());
  const torch::Tensor coords = torch::rand({30, 2});  // need not require grad
  const FieldDerivatives f = net->forward_with_derivatives(coords, DerivativeOrder::Second, true);
  const torch::Tensor x = coords.clone().requires_grad_(true);
  const FieldDerivatives expected = derivatives_by_autograd(net->forward(x), x, DerivativeOrder::Second);
  EXPECT_TRUE(torch::allclose(f.second, expected.second, 1e-5, 1e-6));
}

// The reference's helmholtz_pml: autograd differentiates (ey/ex) du/dx and (ex/ey) du/dy as products.
torch::Tensor reference_pml_residual(const torch::Tensor& coords, const torch::Tensor& u, const torch::Tensor& m,
                                     double k) {
  auto pair = [](const torch::Tensor& re, const torch::Tensor& im) { return torch::stack({re, im}, 2).reshape({re.size(0), -1}); };
  auto re = [](const torch::Tensor& z) { return z.slice(1, 0, z.size(1), 2); };
  auto im = [](const torch::Tensor& z) { return z.slice(1, 1, z.size(1), 2); };
  auto mul = [&](const torch::Tensor& a, const torch::Tensor& b) {
    return pair(re(a) * re(b) - im(a) * im(b), re(a) * im(b) + im(a) * re(b));
  };
  auto div = [&](const torch::Tensor& a, const torch::Tensor& b) {
    const torch::Tensor d = re(b) * re(b) + im(b) * im(b);
    return pair((re(a) * re(b) + im(a) * im(b)) / d, (im(a) * re(b) - re(a) * im(b)) / d);
  };
  const torch::Tensor du = jacobian(u, coords);
  const torch::Tensor sx = pml_damping(coords.select(1, 0), k).unsqueeze(1);
  const torch::Tensor sy = pml_damping(coords.select(1, 1), k).unsqueeze(1);
  const torch::Tensor ex = torch::cat({torch::ones_like(sx), -sx / k}, 1);
  const torch::Tensor ey = torch::cat({torch::ones_like(sy), -sy / k}, 1);
  const torch::Tensor a = jacobian(mul(div(ey, ex), du.select(2, 0)), coords).select(2, 0);
  const torch::Tensor b = jacobian(mul(div(ex, ey), du.select(2, 1)), coords).select(2, 1);
  return a + b + mul(mul(ex, ey), m * (k * k) * u);
}

TEST(FieldDerivatives, HelmholtzResidualEqualsTheReferencesIncludingThePml) {
  const double k = 20;
  FieldNetwork net = siren_network(2, 6, 64, 3, 5);  // three sources' wavefields
  const torch::Tensor coords = (torch::rand({400, 2}) * 2 - 1).requires_grad_(true);  // a third in the PML
  const torch::Tensor m = 0.5 + torch::rand({400, 1});
  const torch::Tensor reference = reference_pml_residual(coords, net->forward(coords), m, k);
  const torch::Tensor closed = helmholtz_pml_residual(
      coords, net->forward_with_derivatives(coords, DerivativeOrder::Second, true), m, k);
  EXPECT_LT(relative_difference(closed, reference), 1e-5);
  EXPECT_LT(relative_difference(testing::pml_residual_of(coords, net->forward(coords), m, k), reference), 1e-5);
}

TEST(FieldDerivatives, PmlDampingDerivativeIsTheSlopeOfTheDamping) {
  const torch::Tensor x = torch::tensor({-0.9, -0.6, -0.2, 0.0, 0.4, 0.55, 0.8}, torch::kFloat64).requires_grad_(true);
  const torch::Tensor slope = gradient(pml_damping(x, 20).sum(), x);
  EXPECT_TRUE(torch::allclose(pml_damping_derivative(x.detach(), 20), slope, 1e-9, 1e-9));
  EXPECT_GT(slope.abs().max().item<double>(), 100.0);
}

}  // namespace
}  // namespace siren
