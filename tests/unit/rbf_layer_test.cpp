// The RBF-ReLU baseline's input layer against the reference's formula, evaluated the naive way.
#include <gtest/gtest.h>

#include "siren/network.h"
#include "siren/rbf_layer.h"

namespace siren {
namespace {

TEST(RbfLayer, MatchesTheReferenceFormula) {
  torch::manual_seed(3);
  RbfLayer rbf(2, 64);
  const auto params = rbf->named_parameters();
  const torch::Tensor centres = params["centres"];
  const torch::Tensor sigmas = params["sigmas"];
  EXPECT_LE(centres.abs().max().item<double>(), 1.0);
  EXPECT_TRUE(torch::all(sigmas == 10.0).item<bool>());

  // Points near some centres so that the bumps are not all ~0 (sigma 10 makes them narrow).
  const torch::Tensor x = torch::cat({centres.narrow(0, 0, 8) + 0.05 * torch::randn({8, 2}), torch::rand({8, 2}) * 2 - 1});
  const torch::Tensor squared = (x.unsqueeze(1) - centres.unsqueeze(0)).pow(2).sum(-1);  // (16, 64)
  const torch::Tensor expected = torch::exp(-(squared * sigmas.unsqueeze(0)).pow(2));
  const torch::Tensor got = rbf->forward(x);
  ASSERT_EQ(got.sizes(), expected.sizes());
  EXPECT_TRUE(torch::allclose(got, expected, 1e-4, 1e-5)) << (got - expected).abs().max().item<double>();
  EXPECT_GT(got.max().item<double>(), 0.5);  // the near-centre points really hit a bump
}

TEST(RbfLayer, NetworkFeedsThousandCentresIntoAReluMlp) {
  ModelSpec spec;
  spec.activation = Activation::ReluRbf;
  spec.hidden_features = 32;
  FieldNetwork net(spec);
  EXPECT_EQ(net->layers()[0]->weight.size(1), kRbfCentres);
  const torch::Tensor x = (torch::rand({10, 2}) * 2 - 1).requires_grad_(true);
  const torch::Tensor y = net->forward(x);
  EXPECT_EQ(y.sizes(), (torch::IntArrayRef{10, 1}));
  // Coordinate gradients flow through the RBF layer (Poisson and SDF losses need them).
  const torch::Tensor g = torch::autograd::grad({y.sum()}, {x})[0];
  EXPECT_TRUE(torch::isfinite(g).all().item<bool>());
  EXPECT_EQ(activation_from_string("relu-rbf"), Activation::ReluRbf);
}

}  // namespace
}  // namespace siren
