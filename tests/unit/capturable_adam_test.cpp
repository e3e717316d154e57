// The update a CUDA graph captures (CapturableAdam: the step count on the device) must be torch's Adam: the
// same parameters after many steps, whichever of the two ran each step, and the same step count in the
// state that checkpoints save.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "siren/optim/capturable_adam.h"

namespace siren::optim {
namespace {

struct Problem {
  torch::nn::Sequential net{torch::nn::Linear(3, 16), torch::nn::Functional(torch::sin), torch::nn::Linear(16, 2)};
  torch::Tensor x = torch::randn({64, 3});
  torch::Tensor y = torch::randn({64, 2});

  void backward() {
    for (auto& p : net->parameters()) p.mutable_grad() = torch::Tensor();
    (net->forward(x) - y).pow(2).mean().backward();
  }
};

Problem make_problem() {
  torch::manual_seed(3);
  return Problem{};
}

double largest_difference(Problem& a, Problem& b) {
  double worst = 0;
  const auto pa = a.net->parameters(), pb = b.net->parameters();
  for (size_t i = 0; i < pa.size(); ++i) worst = std::max(worst, (pa[i] - pb[i]).abs().max().item<double>());
  return worst;
}

TEST(CapturableAdam, StepsAsTorchAdamDoes) {
  Problem eager = make_problem(), captured = make_problem();
  const auto options = torch::optim::AdamOptions(1e-2).weight_decay(1e-3);
  torch::optim::Adam eager_adam(eager.net->parameters(), options);
  torch::optim::Adam shared_state(captured.net->parameters(), options);
  CapturableAdam capturable(shared_state);
  for (int step = 0; step < 200; ++step) {
    eager.backward();
    eager_adam.step();
    captured.backward();
    capturable.step();
    capturable.count_replayed_step();
  }
  // Moving weights at lr 1e-2 for 200 steps: a wrong bias correction or moment shows up far above 1e-5.
  EXPECT_LT(largest_difference(eager, captured), 1e-5);
  const auto& state = static_cast<torch::optim::AdamParamState&>(
      *shared_state.state().at(captured.net->parameters().front().unsafeGetTensorImpl()));
  EXPECT_EQ(state.step(), 200);
}

TEST(CapturableAdam, AlternatesWithTorchAdamOnTheSameState) {
  Problem reference = make_problem(), mixed = make_problem();
  torch::optim::Adam reference_adam(reference.net->parameters(), torch::optim::AdamOptions(1e-2));
  torch::optim::Adam mixed_adam(mixed.net->parameters(), torch::optim::AdamOptions(1e-2));
  CapturableAdam capturable(mixed_adam);
  for (int step = 0; step < 60; ++step) {
    reference.backward();
    reference_adam.step();
    mixed.backward();
    if (step % 3 == 0) {  // an eager step in between, as when a batch changes shape
      mixed_adam.step();
    } else {
      capturable.load_step_count();
      capturable.step();
      capturable.count_replayed_step();
    }
  }
  EXPECT_LT(largest_difference(reference, mixed), 1e-5);
}

TEST(CapturableAdam, WithoutReloadingTheCountAfterEagerStepsItWouldDrift) {
  // The converse of the test above, so that it can fail: skipping load_step_count() uses stale bias
  // corrections, which early in a fit moves the weights measurably.
  Problem reference = make_problem(), stale = make_problem();
  torch::optim::Adam reference_adam(reference.net->parameters(), torch::optim::AdamOptions(1e-2));
  torch::optim::Adam stale_adam(stale.net->parameters(), torch::optim::AdamOptions(1e-2));
  CapturableAdam capturable(stale_adam);
  for (int step = 0; step < 10; ++step) {
    reference.backward();
    reference_adam.step();
    stale.backward();
    if (step < 5) {
      stale_adam.step();
    } else {
      capturable.step();
      capturable.count_replayed_step();
    }
  }
  EXPECT_GT(largest_difference(reference, stale), 1e-4);
}

TEST(CapturableAdam, RefusesAmsgrad) {
  Problem problem = make_problem();
  torch::optim::Adam adam(problem.net->parameters(), torch::optim::AdamOptions(1e-3).amsgrad(true));
  EXPECT_EQ(CapturableAdam::unsupported_reason(adam), "AMSGrad");
  EXPECT_THROW(CapturableAdam{adam}, std::invalid_argument);
}

}  // namespace
}  // namespace siren::optim
