#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>

#include "siren/errors.h"
#include "siren/export.h"
#include "siren/field_model.h"
#include "siren/fit.h"
#include "siren/io/image.h"
#include "siren/task_description.h"
#include "siren/tasks/wave_task.h"
#include "test_support.h"

namespace siren {
namespace {

using testing::invalid_input_message;

// The loss on an analytic u: its derivatives by autograd.
FieldDerivatives by_autograd(const torch::Tensor& u, const torch::Tensor& coords) {
  return derivatives_by_autograd(u, coords, DerivativeOrder::Second);
}

WaveTask small_task(int64_t pretrain_steps = kWaveReferencePretrainSteps) {
  WaveSetup setup;
  setup.sidelength = 60;  // 3600 points: more than the 2000 kept at t = 0
  setup.pretrain_steps = pretrain_steps;
  return WaveTask(setup);
}

torch::Tensor distance_to(const torch::Tensor& coords, double x, double y) {
  return torch::hypot(coords.select(1, 1) - x, coords.select(1, 2) - y);
}

TEST(Wave, TimeWindowGrowsLinearlyAfterPretraining) {
  EXPECT_EQ(wave_time_window(0, 2000), 0.0);
  EXPECT_EQ(wave_time_window(1999, 2000), 0.0);
  EXPECT_EQ(wave_time_window(2000, 2000), 0.0);  // the reference's counter restarts at 0
  EXPECT_NEAR(wave_time_window(2001, 2000), 0.4 / 1e5, 1e-15);
  EXPECT_NEAR(wave_time_window(52000, 2000), 0.2, 1e-12);
  EXPECT_NEAR(wave_time_window(102000, 2000), 0.4, 1e-12);
  EXPECT_NEAR(wave_time_window(202000, 2000), 0.8, 1e-12);  // not capped, as the reference's counter
  EXPECT_NEAR(wave_time_window(100000, 0), 0.4, 1e-12);
}

TEST(Wave, PretrainingPutsEveryPointOnTheInitialCondition) {
  const WaveTask task = small_task();
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(1);
  const Batch b = task.sample_at_step(1999, 0, gen);  // the last pretraining step
  ASSERT_EQ(b.coords.sizes(), (std::vector<int64_t>{3600, 3}));
  EXPECT_TRUE(torch::all(b.field("dirichlet")).item<bool>());
  EXPECT_LE(b.coords.select(1, 0).abs().max().item<double>(), 0.001);
  EXPECT_GT(b.coords.select(1, 0).abs().max().item<double>(), 0.0009);
  EXPECT_LE(distance_to(b.coords.narrow(0, 2600, 1000), 0, 0).max().item<double>(), 0.25 + 1e-6);
  // u0 = gaussian / (50 gaussian(0)): peak 0.02, cut below 1e-5; set everywhere while pretraining.
  const torch::Tensor u0 = b.field("initial");
  EXPECT_LE(u0.max().item<double>(), 0.02 + 1e-7);
  EXPECT_GT(u0.max().item<double>(), 0.0);
  const torch::Tensor r = distance_to(b.coords, 0, 0);
  EXPECT_TRUE(torch::all(u0.squeeze(1).masked_select(r < 0.05) > 0).item<bool>());
  EXPECT_TRUE(torch::all(u0.squeeze(1).masked_select(r > 0.12) == 0).item<bool>());
}

TEST(Wave, AfterPretrainingTimeOpensAndTheLast2000PointsStayAtZero) {
  const WaveTask task = small_task();
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(2);
  // The first step after pretraining: a zero-width window, so still all on the initial condition.
  EXPECT_TRUE(torch::all(task.sample_at_step(2000, 0, gen).field("dirichlet")).item<bool>());
  const Batch b = task.sample_at_step(52000, 0, gen);  // window 0.2
  const torch::Tensor t = b.coords.select(1, 0);
  EXPECT_GE(t.min().item<double>(), 0.0);
  EXPECT_LE(t.max().item<double>(), 0.2 + 1e-6);
  EXPECT_GT(t.max().item<double>(), 0.19);
  EXPECT_TRUE(torch::all(t.narrow(0, 1600, 2000) == 0).item<bool>());
  const torch::Tensor mask = b.field("dirichlet").squeeze(1);
  EXPECT_TRUE(torch::equal(mask, t == 0));
  EXPECT_GE(mask.sum().item<int64_t>(), 2000);
  EXPECT_LE(mask.sum().item<int64_t>(), 2001);
  EXPECT_TRUE(torch::all(b.field("initial").squeeze(1).masked_select(~mask) == 0).item<bool>());
  EXPECT_LE(distance_to(b.coords.narrow(0, 2600, 1000), 0, 0).max().item<double>(), 0.25 + 1e-6);
  EXPECT_NEAR(task.metrics(torch::zeros({3600, 1}), b).at("time_window"), t.max().item<double>(), 1e-9);
  // The plain sample(): the fully grown window.
  EXPECT_GT(task.sample(0, gen).coords.select(1, 0).max().item<double>(), 0.39);
}

// The reference's default run (train_wave_equation.py without --pretrain): the window opens from the
// first step, t >= 0 throughout (pretraining would draw t in [-0.001, 0.001]), and the preset says so.
TEST(Wave, DefaultHasNoPretrainingAsTheReference) {
  EXPECT_EQ(kWavePretrainSteps, 0);
  EXPECT_EQ(describe_task("wave").option("pretrain_steps")->default_value, "0");
  const WaveTask task = testing::built_task<WaveTask>(TaskSpec{"wave", {{"sidelength", "60"}}}, "");
  EXPECT_EQ(task.setup().pretrain_steps, 0);
  EXPECT_EQ(task.metadata().at("pretrain_steps"), "0");
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(3);
  // Step 0: a zero-width window, every t exactly 0 (the reference's counter 0).
  const Batch first = task.sample_at_step(0, 0, gen);
  EXPECT_TRUE(torch::all(first.coords.select(1, 0) == 0).item<bool>());
  for (int64_t step : {1, 10, 1999}) {
    const Batch b = task.sample_at_step(step, 0, gen);
    const torch::Tensor t = b.coords.select(1, 0);
    EXPECT_GE(t.min().item<double>(), 0.0) << step;
    EXPECT_GT(t.max().item<double>(), 0.0) << step;
    EXPECT_LE(t.max().item<double>(), wave_time_window(step, 0) + 1e-9) << step;
    EXPECT_LT(b.field("dirichlet").sum().item<int64_t>(), 3600) << step;  // not all on the initial condition
  }
  EXPECT_NEAR(wave_time_window(50000, task.setup().pretrain_steps), 0.2, 1e-12);
  // Pretraining stays an option: 2000 = the reference's --pretrain.
  const WaveTask pretrained = testing::built_task<WaveTask>(
      TaskSpec{"wave", {{"sidelength", "60"}, {"pretrain_steps", std::to_string(kWaveReferencePretrainSteps)}}}, "");
  EXPECT_LT(pretrained.sample_at_step(10, 0, gen).coords.select(1, 0).min().item<double>(), 0.0);
}

TEST(Wave, SamplingDependsOnlyOnStepAndGenerator) {
  const WaveTask task = small_task(10);
  at::Generator a = at::make_generator<at::CPUGeneratorImpl>(4), b = at::make_generator<at::CPUGeneratorImpl>(4);
  const Batch x = task.sample_at_step(5000, 0, a), y = task.sample_at_step(5000, 0, b);
  EXPECT_TRUE(torch::equal(x.coords, y.coords));
  EXPECT_TRUE(torch::equal(x.field("initial"), y.field("initial")));
  EXPECT_FALSE(torch::equal(task.sample_at_step(5000, 0, a).coords, x.coords));  // the generator moved on
  EXPECT_EQ(task.sample_at_step(5, 2500, a).coords.size(0), 2500);
  EXPECT_TRUE(task.needs_coordinate_gradients());
}

TEST(Wave, TravellingWavesSolveTheResidual) {
  // u = cos(k (x - c t)) with c^2 = 1/m solves u_tt = (u_xx + u_yy) / m.
  torch::manual_seed(2);
  const double k = 7;
  const torch::Tensor coords = (torch::rand({300, 3}) * 2 - 1).requires_grad_(true);
  const torch::Tensor mask = torch::zeros({300, 1}, torch::kBool);
  for (double m : {1.0, 0.25}) {
    const double c = 1 / std::sqrt(m);
    const torch::Tensor u = torch::cos(k * (coords.select(1, 1) - c * coords.select(1, 0))).unsqueeze(1);
    const LossTerms terms =
        wave_loss_terms(by_autograd(u, coords), torch::zeros({300, 1}), mask, torch::full({300, 1}, m));
    ASSERT_EQ(terms.size(), 3u);
    EXPECT_EQ(terms[2].first, "diff_constraint_hom");
    EXPECT_LT(terms[2].second.item<double>() / 300, 1e-3 * k * k / m) << m;
    // The same wave against the wrong medium does not.
    const LossTerms wrong =
        wave_loss_terms(by_autograd(u, coords), torch::zeros({300, 1}), mask, torch::full({300, 1}, 1 / m));
    if (m != 1.0) {
      EXPECT_GT(wrong[2].second.item<double>() / 300, 1.0);
    }
  }
}

TEST(Wave, BoundaryTermsAreSumsScaledAsTheReference) {
  // u = 0.5 + t: |u - u0| and |u_t| = 1 on the masked points.
  const torch::Tensor coords = torch::tensor({0.f, 0.f, 0.f, 0.f, 0.5f, 0.f, 0.2f, 0.f, 0.f, 0.3f, 0.f, 0.1f})
                                   .view({4, 3})
                                   .requires_grad_(true);
  const torch::Tensor u = (0.5 + coords.select(1, 0)).unsqueeze(1);
  const torch::Tensor u0 = torch::tensor({0.25f, 0.f, 0.f, 0.f}).view({4, 1});
  const torch::Tensor mask = torch::tensor({true, true, false, false}).view({4, 1});
  const LossTerms terms = wave_loss_terms(by_autograd(u, coords), u0, mask, torch::ones({4, 1}));
  EXPECT_EQ(terms[0].first, "dirichlet");
  EXPECT_EQ(terms[1].first, "neumann");
  EXPECT_NEAR(terms[0].second.item<double>(), (0.25 + 0.5) * 4 / 10.0, 1e-6);
  EXPECT_NEAR(terms[1].second.item<double>(), (1 + 1) * 4 / 100.0, 1e-6);
  EXPECT_NEAR(terms[2].second.item<double>(), 0.0, 1e-6);  // u_tt = 0 = lap u
  // All points on the initial condition (pretraining): the PDE term is off, exactly 0.
  const LossTerms pretrain =
      wave_loss_terms(by_autograd(u, coords), u0, torch::ones({4, 1}, torch::kBool), torch::ones({4, 1}));
  EXPECT_EQ(pretrain[2].second.item<double>(), 0.0);
}

TEST(Wave, OptionsAreValidatedWithClearMessages) {
  auto make = [](std::map<std::string, std::string> options, const std::string& bytes = "") {
    return [options, bytes] { testing::built_task<WaveTask>(TaskSpec{"wave", options}, bytes); };
  };
  EXPECT_NE(invalid_input_message(make({{"velocity", "fast"}})).find("velocity must be one of uniform, square, circle"),
            std::string::npos);
  EXPECT_NE(invalid_input_message(make({{"source", "0,inf"}})).find("source must be \"x,y\""), std::string::npos);
  EXPECT_NE(invalid_input_message(make({{"pretrain_steps", "-1"}})).find("pretrain_steps must be an integer"),
            std::string::npos);
  EXPECT_NE(invalid_input_message(make({{"sidelength", "3.5"}})).find("sidelength must be an integer"),
            std::string::npos);
  EXPECT_NE(invalid_input_message(make({{"wavenumber", "20"}})).find("unknown wave task option"), std::string::npos);
  EXPECT_NE(invalid_input_message(make({}, "x")).find("takes no input file"), std::string::npos);
  const WaveTask task = testing::built_task<WaveTask>(TaskSpec{"wave", {{"source", "0.1,0.2"}, {"pretrain_steps", "0"}, {"velocity", "circle"}}}, "");
  EXPECT_EQ(task.setup().pretrain_steps, 0);
  EXPECT_EQ(task.metadata().at("velocity"), "circle");
  EXPECT_EQ(task.num_points(), 340 * 340);

  const FitConfig c = preset_fit_config("wave");
  EXPECT_EQ(c.model.in_features, 3);
  EXPECT_EQ(c.model.out_features, 1);
  EXPECT_EQ(c.model.hidden_features, 512);
  EXPECT_EQ(c.model.hidden_layers, 3);
  EXPECT_DOUBLE_EQ(c.train.learning_rate, 2e-5);
  EXPECT_EQ(c.train.steps, 100000);
  EXPECT_EQ(export_formats("wave").front().name, "png");
}

// One tiny fit with no input: pretraining, then the window opens.
class WaveFit : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = (std::filesystem::temp_directory_path() / ("siren_wave_" + std::to_string(::getpid()) + ".ckpt")).string();
    FitConfig c = preset_fit_config("wave");
    c.task.options = {{"sidelength", "50"}, {"pretrain_steps", "25"}};  // 2500 points per step
    c.model.hidden_features = 32;
    c.model.hidden_layers = 2;
    c.train.learning_rate = 1e-4;
    c.train.steps = 40;
    c.train.seed = 2;
    c.train.checkpoint_every = 0;
    FitCallbacks callbacks;
    callbacks.on_progress = [](const Progress& p) {
      if (p.step < 40) losses_.push_back(p.loss);
    };
    result_ = run_fit(c, "", {"", path_}, callbacks);
  }
  static void TearDownTestSuite() { std::filesystem::remove(path_); }

  static std::string export_png(const ExportOptions& options) {
    return testing::exported_bytes(FieldModel::load(path_), "png", options);
  }

  static std::string path_;
  static std::vector<double> losses_;
  static FitResult result_;
};
std::string WaveFit::path_;
std::vector<double> WaveFit::losses_;
FitResult WaveFit::result_;

TEST_F(WaveFit, PretrainingLossFallsClearly) {
  ASSERT_EQ(losses_.size(), 40u);
  double late = 0;
  for (size_t i = 20; i < 25; ++i) late += losses_[i] / 5;  // the end of pretraining
  EXPECT_LT(late, 0.5 * losses_.front()) << "first " << losses_.front() << ", steps 20-24 " << late;
  EXPECT_EQ(result_.outcome, FitOutcome::Completed);
  ASSERT_TRUE(result_.final.metrics.count("initial_error"));
  EXPECT_NEAR(result_.final.metrics.at("time_window"), wave_time_window(40, 25), 1e-6);
}

TEST_F(WaveFit, ExportsTimeSlicesSideBySide) {
  const Image two = decode_image(export_png({{"t", "0,0.1"}, {"size", "24"}}));
  EXPECT_EQ(two.width, 48);
  EXPECT_EQ(two.height, 24);
  EXPECT_EQ(two.channels, 3);
  EXPECT_EQ(decode_image(export_png({{"t", "0.05"}, {"size", "16"}})).width, 16);
  EXPECT_EQ(decode_image(export_png({{"size", "10"}})).width, 50);  // 5 times over the trained window
  EXPECT_THROW(export_png({{"t", "soon"}}), InvalidInput);
  EXPECT_THROW(export_png({{"t", "0,,1"}}), InvalidInput);
  EXPECT_THROW(export_png({{"frame", "1"}}), InvalidInput);
}

}  // namespace
}  // namespace siren
