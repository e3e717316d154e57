// Faithfulness of the network and its initialisation to the paper's code (modules.py).
#include <gtest/gtest.h>

#include <cmath>

#include "siren/network.h"

namespace siren {
namespace {

ModelSpec sine_spec(int in, int out, int hidden = 256, int layers = 3) {
  ModelSpec s;
  s.in_features = in;
  s.out_features = out;
  s.hidden_features = hidden;
  s.hidden_layers = layers;
  return s;
}

double max_abs(const torch::Tensor& t) { return t.abs().max().item<double>(); }

TEST(NetworkInit, ParameterCountsMatchTheReference) {
  EXPECT_EQ(FieldNetwork(sine_spec(2, 1))->parameter_count(), 198401);  // image
  EXPECT_EQ(FieldNetwork(sine_spec(1, 1))->parameter_count(), 198145);  // audio
  EXPECT_EQ(FieldNetwork(sine_spec(3, 1))->parameter_count(), 198657);  // SDF
  EXPECT_EQ(FieldNetwork(sine_spec(3, 1, 512))->parameter_count(), 790529);  // wave
}

TEST(NetworkInit, SineWeightBoundsAreThePapers) {
  torch::manual_seed(0);
  FieldNetwork net(sine_spec(2, 1));
  auto& layers = net->layers();
  ASSERT_EQ(layers.size(), 5u);  // "3 hidden layers" = 5 linear layers
  // First layer U(-1/in, 1/in): bound 0.5 for 2-D input, and the samples fill the range.
  EXPECT_LE(max_abs(layers[0]->weight), 0.5);
  EXPECT_GT(max_abs(layers[0]->weight), 0.49);
  const double hidden_bound = std::sqrt(6.0 / 256.0) / 30.0;  // 0.0051031
  for (size_t i = 1; i < layers.size(); ++i) {
    EXPECT_LE(max_abs(layers[i]->weight), hidden_bound + 1e-9) << "layer " << i;
    EXPECT_GT(max_abs(layers[i]->weight), 0.95 * hidden_bound) << "layer " << i;
  }
  // Biases keep PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  EXPECT_LE(max_abs(layers[0]->bias), 1.0 / std::sqrt(2.0));
  EXPECT_GT(max_abs(layers[0]->bias), 0.6);
  for (size_t i = 1; i < layers.size(); ++i) EXPECT_LE(max_abs(layers[i]->bias), 1.0 / 16.0 + 1e-9);
}

TEST(NetworkInit, FirstLayerBoundFollowsInputDimension) {
  EXPECT_LE(max_abs(FieldNetwork(sine_spec(1, 1))->layers()[0]->weight), 1.0);
  EXPECT_GT(max_abs(FieldNetwork(sine_spec(1, 1))->layers()[0]->weight), 0.9);
  EXPECT_LE(max_abs(FieldNetwork(sine_spec(3, 1))->layers()[0]->weight), 1.0 / 3.0);
}

TEST(NetworkInit, ReluUsesKaimingNormal) {
  torch::manual_seed(1);
  ModelSpec s = sine_spec(2, 1, 512);
  s.activation = Activation::Relu;
  FieldNetwork net(s);
  const double std_hidden = net->layers()[2]->weight.std().item<double>();
  EXPECT_NEAR(std_hidden, std::sqrt(2.0 / 512.0), 0.02 * std::sqrt(2.0 / 512.0));
}

TEST(NetworkInit, TanhUsesXavierNormal) {
  torch::manual_seed(1);
  ModelSpec s = sine_spec(2, 1, 512);
  s.activation = Activation::Tanh;
  FieldNetwork net(s);
  EXPECT_NEAR(net->layers()[2]->weight.std().item<double>(), std::sqrt(2.0 / 1024.0), 0.02 * std::sqrt(2.0 / 1024.0));
}

TEST(NetworkForward, OmegaMultipliesBiasToo) {
  // A 1-layer check of sin(w0 (Wx + b)): compute by hand from the first layer.
  torch::manual_seed(2);
  FieldNetwork net(sine_spec(2, 1, 8, 0));
  const torch::Tensor x = torch::rand({5, 2}) * 2 - 1;
  const auto acts = net->forward_with_activations(x);
  const auto& l0 = net->layers()[0];
  const torch::Tensor expected = torch::sin(30.0 * (x.matmul(l0->weight.t()) + l0->bias));
  EXPECT_TRUE(torch::allclose(acts[2], expected, 1e-5, 1e-6));
  const auto& l1 = net->layers()[1];
  EXPECT_TRUE(torch::allclose(net->forward(x), expected.matmul(l1->weight.t()) + l1->bias, 1e-5, 1e-6));
}

std::vector<torch::Tensor> parameters_of(FieldNetwork& net) {
  std::vector<torch::Tensor> out;
  for (const auto& p : net->parameters()) out.push_back(p.detach().clone());
  return out;
}

void expect_equal_parameters(FieldNetwork& a, FieldNetwork& b, const std::string& what) {
  const auto pa = parameters_of(a), pb = parameters_of(b);
  ASSERT_EQ(pa.size(), pb.size()) << what;
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i])) << what << ", parameter " << i;
}

// A fit initialises from a generator of its own (other fits share the default one): from seed S, it must
// draw the numbers the default generator gives after torch::manual_seed(S), PyTorch's, for every model.
TEST(NetworkInit, OwnGeneratorDrawsWhatTheSeededDefaultGeneratorDraws) {
  for (const Activation activation : {Activation::Sine, Activation::Relu, Activation::Tanh, Activation::ReluRbf}) {
    ModelSpec s = sine_spec(2, 3, 64, 2);
    s.activation = activation;
    torch::manual_seed(21);
    FieldNetwork seeded_default(s);
    FieldNetwork own(s, at::make_generator<at::CPUGeneratorImpl>(21));
    expect_equal_parameters(seeded_default, own, "activation " + std::to_string(static_cast<int>(activation)));
  }
}

TEST(NetworkInit, OwnGeneratorIgnoresTheDefaultGenerator) {
  ModelSpec s = sine_spec(3, 1, 64, 2);
  s.activation = Activation::ReluRbf;  // the RBF centres are drawn too
  torch::manual_seed(1);
  FieldNetwork a(s, at::make_generator<at::CPUGeneratorImpl>(4));
  torch::manual_seed(2);
  torch::rand({100});
  FieldNetwork b(s, at::make_generator<at::CPUGeneratorImpl>(4));
  expect_equal_parameters(a, b, "same generator seed, another default generator state");
}

// Arcsine distribution on [-1, 1]: CDF(x) = 1/2 + asin(x)/pi.
double ks_distance_to_arcsine(const torch::Tensor& samples) {
  const torch::Tensor sorted = std::get<0>(samples.flatten().to(torch::kFloat64).sort());
  const int64_t n = sorted.numel();
  const torch::Tensor cdf = 0.5 + torch::asin(sorted.clamp(-1, 1)) / M_PI;
  const torch::Tensor empirical = torch::arange(1, n + 1, torch::kFloat64) / double(n);
  return (cdf - empirical).abs().max().item<double>();
}

TEST(NetworkInit, DeepSirenActivationsAreArcsineAndPreactivationsNormal) {
  // The paper's Sec. 3.2 / supplement: with this init, every sine layer's output follows an arcsine
  // distribution and the pre-activations are approximately normal, at any depth.
  torch::manual_seed(3);
  ModelSpec s = sine_spec(1, 1, 1024, 8);
  FieldNetwork net(s);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::linspace(-1, 1, 2048).unsqueeze(1);
  const auto acts = net->forward_with_activations(x);
  // acts: [input, pre_0, act_0, pre_1, act_1, ..., output]
  // Theory (paper, supplement 1.3): a hidden pre-activation is omega0*Wx with Var = n * Var(W) * omega0^2 *
  // Var(x) = 2 Var(x), plus the bias, which the reference also scales by omega0: omega0*b ~ U(+-30/sqrt(n)),
  // Var = (30/sqrt(n))^2 / 3. sin of a N(0, s) variable has variance (1 - exp(-2 s)) / 2 (-> 1/2, the
  // arcsine's, as s grows). Iterating gives the stationary statistics every deep layer should show.
  const double bias_var = std::pow(30.0 / std::sqrt(1024.0), 2) / 3.0;
  double act_var = acts[4].var().item<double>();  // after the second sine layer
  for (int layer = 2; layer <= 8; ++layer) {
    const torch::Tensor pre = acts[1 + 2 * layer];
    const torch::Tensor act = acts[2 + 2 * layer];
    const double expected_pre_var = 2.0 * act_var + bias_var;
    act_var = (1.0 - std::exp(-2.0 * expected_pre_var)) / 2.0;
    EXPECT_LT(ks_distance_to_arcsine(act), 0.05) << "layer " << layer;
    EXPECT_NEAR(act.var().item<double>(), act_var, 0.02) << "layer " << layer;
    EXPECT_NEAR(pre.var().item<double>(), expected_pre_var, 0.1 * expected_pre_var) << "layer " << layer;
    const torch::Tensor z = (pre - pre.mean()) / pre.std();
    const double kurtosis = z.pow(4).mean().item<double>();
    EXPECT_NEAR(kurtosis, 3.0, 0.35) << "layer " << layer;  // normal: 3
  }
}

}  // namespace
}  // namespace siren
