#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <complex>
#include <filesystem>
#include <functional>

#include "siren/errors.h"
#include "siren/export.h"
#include "siren/field_model.h"
#include "siren/fit.h"
#include "siren/io/image.h"
#include "siren/tasks/helmholtz_task.h"
#include "helmholtz_support.h"
#include "test_support.h"

namespace siren {
namespace {

using testing::invalid_input_message;
using testing::plane_wave;
using testing::pml_residual_of;

TEST(Helmholtz, PmlDampingIsZeroInsideAndQuadraticBeyondHalf) {
  const torch::Tensor x = torch::tensor({-1.0f, -0.75f, -0.5f, -0.2f, 0.0f, 0.3f, 0.5f, 0.6f, 1.0f});
  const torch::Tensor s = pml_damping(x, 20);
  // k a0 (d / L)^2 with k = 20, a0 = 5, L = 0.5, d = |x| - 0.5 outside.
  const std::vector<float> expected = {100, 25, 0, 0, 0, 0, 0, 4, 100};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(s[i].item<float>(), expected[i], 1e-4) << i;
  EXPECT_NEAR(pml_damping(torch::tensor({0.9f}), 10).item<float>(), 10 * 5 * 0.64, 1e-4);
}


TEST(Helmholtz, PlaneWavesSolveTheEquationOutsideThePml) {
  torch::manual_seed(0);
  const double k = 20;
  const torch::Tensor coords = ((torch::rand({500, 2}) - 0.5) * 0.98).requires_grad_(true);  // |x|, |y| < 0.49
  const torch::Tensor m1 = torch::ones({500, 1});
  const torch::Tensor along_x = pml_residual_of(coords, plane_wave(coords, k, 0), m1, k);
  EXPECT_LT(along_x.abs().max().item<double>(), 1e-2 * k * k) << "|R| should be ~0 against terms of size k^2";
  // m = 1/4 halves the local wavenumber: exp(-i k/2 (x + y)/sqrt(2)) solves it; the k wave does not.
  const torch::Tensor quarter = torch::full({500, 1}, 0.25);
  const double kd = k / 2 / std::sqrt(2.0);
  EXPECT_LT(pml_residual_of(coords, plane_wave(coords, kd, kd), quarter, k).abs().max().item<double>(), 1e-2 * k * k);
  EXPECT_GT(pml_residual_of(coords, plane_wave(coords, k, 0), quarter, k).abs().max().item<double>(), 0.5 * k * k);
  // The operator is differentiable (the loss trains through it).
  EXPECT_TRUE(along_x.requires_grad());
}

TEST(Helmholtz, OutgoingWaveDecaysThroughThePmlAndSolvesTheStretchedEquation) {
  // In the PML x stretches to x~ = x - i a0 d^3 / (3 L^2) (d = x - 0.5): exp(-i k x~) is the outgoing wave,
  // damped by exp(-k a0 d^3 / (3 L^2)). It satisfies the PML operator, derivatives of the stretch included.
  torch::manual_seed(1);
  const double k = 20, a0 = kPmlA0, L = kPmlWidth;
  torch::Tensor coords = torch::rand({400, 2});
  coords = torch::stack({0.3 + 0.65 * coords.select(1, 0), 0.8 * coords.select(1, 1) - 0.4}, 1).requires_grad_(true);
  const torch::Tensor x = coords.select(1, 0);
  const torch::Tensor d = torch::clamp(x - 0.5, 0);
  const torch::Tensor decay = torch::exp(-k * a0 * d * d * d / (3 * L * L));
  const torch::Tensor u = torch::stack({decay * torch::cos(k * x), -decay * torch::sin(k * x)}, 1);
  const torch::Tensor residual = pml_residual_of(coords, u, torch::ones({400, 1}), k);
  EXPECT_LT(residual.abs().max().item<double>(), 2e-2 * k * k);
  // Without the damping the same wave violates the equation inside the layer.
  const torch::Tensor undamped = pml_residual_of(coords, plane_wave(coords, k, 0), torch::ones({400, 1}), k);
  EXPECT_GT(undamped.abs().max().item<double>(), 10.0);
}

TEST(Helmholtz, LossTermsAreSumsScaledAsTheReference) {
  // 4 points: two on the source (f != 0), two off. |.| per channel, summed; on-source x N/1e3.
  const torch::Tensor residual = torch::tensor({3.f, -1.f, 2.f, 2.f, 0.5f, -0.5f, -1.f, 4.f}).view({4, 2});
  const torch::Tensor source = torch::tensor({1.f, 1.f, 2.f, 2.f, 0.f, 0.f, 0.f, 0.f}).view({4, 2});
  const LossTerms terms = helmholtz_loss_terms(residual, source);
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[0].first, "diff_constraint_on");
  EXPECT_EQ(terms[1].first, "diff_constraint_off");
  EXPECT_NEAR(terms[0].second.item<double>(), (2 + 2 + 0 + 0) * 4 / 1e3, 1e-7);
  EXPECT_NEAR(terms[1].second.item<double>(), 0.5 + 0.5 + 1 + 4, 1e-6);
}

TEST(Helmholtz, SourceIsTheReferencesGaussian) {
  const torch::Tensor centre = torch::zeros({1, 2});
  EXPECT_NEAR(reference_gaussian(centre, 0, 0, kHelmholtzSigma).item<double>(), 1591.549, 1e-2);  // 1 / (2 pi 1e-4)
  const torch::Tensor off = torch::tensor({0.01f, 0.0f}).view({1, 2});
  EXPECT_NEAR(reference_gaussian(off, 0, 0, kHelmholtzSigma).item<double>(), 1591.549 * std::exp(-0.5), 1e-2);
}

TEST(Helmholtz, SamplesUniformPointsAndTheSourceNeighbourhood) {
  TaskSpec spec{"helmholtz", {{"velocity", "square"}}};
  const HelmholtzTask task = testing::built_task<HelmholtzTask>(spec, "");
  EXPECT_EQ(task.setup().source[0], -0.35);  // moved off the inclusion, as train_helmholtz
  EXPECT_EQ(task.num_points(), 230 * 230);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(5);
  const Batch b = task.sample(0, gen);
  ASSERT_EQ(b.coords.sizes(), (std::vector<int64_t>{52900, 2}));
  ASSERT_EQ(b.field("source").sizes(), (std::vector<int64_t>{52900, 2}));
  ASSERT_EQ(b.field("squared_slowness").sizes(), (std::vector<int64_t>{52900, 1}));
  EXPECT_TRUE(torch::all(b.coords.abs() <= 1).item<bool>());
  const torch::Tensor last = b.coords.narrow(0, 52900 - 100, 100);
  const torch::Tensor r = torch::hypot(last.select(1, 0) + 0.35, last.select(1, 1));
  EXPECT_LE(r.max().item<double>(), 0.05 + 1e-6);
  // f = (1+1i) g: equal channels, nonzero near the source (g >= 1e-5 within ~0.0615), 0 elsewhere.
  const torch::Tensor f = b.field("source");
  EXPECT_TRUE(torch::equal(f.select(1, 0), f.select(1, 1)));
  EXPECT_TRUE(torch::all(f.narrow(0, 52900 - 100, 100) > 0).item<bool>());
  EXPECT_LE(f.max().item<double>(), 1591.55);
  const torch::Tensor all_r = torch::hypot(b.coords.select(1, 0) + 0.35, b.coords.select(1, 1));
  EXPECT_TRUE(torch::all(f.select(1, 0).masked_select(all_r > 0.062) == 0).item<bool>());
  // The square inclusion: m = 1/4 inside |x|, |y| < 0.3, 1 elsewhere.
  const torch::Tensor m = b.field("squared_slowness").squeeze(1);
  const torch::Tensor inside = (b.coords.select(1, 0).abs() < 0.3) & (b.coords.select(1, 1).abs() < 0.3);
  EXPECT_TRUE(torch::all(m.masked_select(inside) == 0.25).item<bool>());
  EXPECT_TRUE(torch::all(m.masked_select(~inside) == 1).item<bool>());
  // The generator alone decides the draw; the batch size option overrides the point count.
  at::Generator a1 = at::make_generator<at::CPUGeneratorImpl>(9), a2 = at::make_generator<at::CPUGeneratorImpl>(9);
  EXPECT_TRUE(torch::equal(task.sample(300, a1).coords, task.sample(300, a2).coords));
  at::Generator a3 = at::make_generator<at::CPUGeneratorImpl>(8);
  EXPECT_FALSE(torch::equal(task.sample(300, a1).coords, task.sample(300, a3).coords));
  EXPECT_EQ(task.sample(300, a1).coords.size(0), 300);
  EXPECT_EQ(task.sample(40, a1).coords.size(0), 40);  // fewer points than source samples: all near the source
  EXPECT_TRUE(task.needs_coordinate_gradients());
}

TEST(Helmholtz, OptionsAreValidatedWithClearMessages) {
  auto make = [](std::map<std::string, std::string> options, const std::string& bytes = "") {
    return [options, bytes] { testing::built_task<HelmholtzTask>(TaskSpec{"helmholtz", options}, bytes); };
  };
  EXPECT_NE(invalid_input_message(make({{"velocity", "wobbly"}})).find("velocity must be one of uniform, square, circle"),
            std::string::npos);
  EXPECT_NE(invalid_input_message(make({{"source", "nan,0"}})).find("source must be \"x,y\""), std::string::npos);
  EXPECT_NE(invalid_input_message(make({{"source", "0.5"}})).find("source"), std::string::npos);
  EXPECT_NE(invalid_input_message(make({{"source", "2,0"}})).find("[-1, 1]"), std::string::npos);
  EXPECT_NE(invalid_input_message(make({{"wavenumber", "twenty"}})).find("wavenumber must be a number"),
            std::string::npos);
  EXPECT_NE(invalid_input_message(make({{"sidelength", "0"}})).find("sidelength must be an integer"), std::string::npos);
  EXPECT_NE(invalid_input_message(make({{"colour", "red"}})).find("unknown helmholtz task option \"colour\""),
            std::string::npos);
  EXPECT_NE(invalid_input_message(make({}, "PNG...")).find("takes no input file"), std::string::npos);
  const HelmholtzTask task = testing::built_task<HelmholtzTask>(TaskSpec{"helmholtz", {{"source", "0.25,-0.5"}, {"wavenumber", "12.5"}, {"sidelength", "30"}}}, "");
  EXPECT_EQ(task.setup().source, (std::array<double, 2>{0.25, -0.5}));
  EXPECT_EQ(task.setup().wavenumber, 12.5);
  EXPECT_EQ(task.num_points(), 900);
  EXPECT_EQ(task.metadata().at("velocity"), "uniform");
}

TEST(Helmholtz, PresetIsTrainHelmholtz) {
  const FitConfig c = preset_fit_config("helmholtz");
  EXPECT_EQ(c.model.activation, Activation::Sine);
  EXPECT_EQ(c.model.in_features, 2);
  EXPECT_EQ(c.model.out_features, 2);
  EXPECT_EQ(c.model.hidden_features, 256);
  EXPECT_EQ(c.model.hidden_layers, 3);
  EXPECT_DOUBLE_EQ(c.train.learning_rate, 2e-5);
  EXPECT_EQ(c.train.steps, 50000);
  EXPECT_EQ(c.train.clip_grad_norm, 0);
  EXPECT_EQ(export_formats("helmholtz").front().name, "png");
}

TEST(Helmholtz, FreeSpaceSolutionIsAnOutgoingHelmholtzSolution) {
  const double k = 20;
  auto u = [&](double r) {
    const auto v = helmholtz_free_space_solution(r, k);
    return std::complex<double>(v[0], v[1]);
  };
  // Radial Helmholtz equation u'' + u'/r + k^2 u = 0 away from the source (finite differences).
  for (double r : {0.2, 0.37, 0.6}) {
    const double h = 1e-4;
    const auto d2 = (u(r + h) - 2.0 * u(r) + u(r - h)) / (h * h);
    const auto d1 = (u(r + h) - u(r - h)) / (2 * h);
    EXPECT_LT(std::abs(d2 + d1 / r + k * k * u(r)), 1e-3 * k * k * std::abs(u(r))) << r;
  }
  // Outgoing e^(-ikr) (the PML's convention): the phase falls by about k dr.
  const double phase_step = std::arg(u(0.61) / u(0.6));
  EXPECT_NEAR(phase_step, -k * 0.01, 0.01);
  // The reference's display field (0.25i H0^(2) (1+1i) (2/230)^2) differs only by its grid-cell factor
  // and the Gaussian's exp(-sigma k^2 / 2).
  const std::complex<double> h0(std::cyl_bessel_j(0.0, k * 0.3), -std::cyl_neumann(0.0, k * 0.3));
  const std::complex<double> reference = std::complex<double>(0, 0.25) * h0 * std::complex<double>(1, 1) * std::pow(2.0 / 230, 2);
  EXPECT_NEAR(std::abs(u(0.3) * std::pow(2.0 / 230, 2) * std::exp(0.5 * kHelmholtzSigma * k * k) - reference), 0, 1e-12);
}

// One tiny fit through run_fit with no input, shared by the training and export tests.
class HelmholtzFit : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = (std::filesystem::temp_directory_path() / ("siren_helmholtz_" + std::to_string(::getpid()) + ".ckpt")).string();
    FitConfig c = preset_fit_config("helmholtz");
    c.task.options = {{"sidelength", "24"}};  // 576 points per step
    c.model.hidden_features = 32;
    c.model.hidden_layers = 2;
    c.train.learning_rate = 1e-4;
    c.train.steps = 40;
    c.train.seed = 3;
    c.train.checkpoint_every = 0;
    FitCallbacks callbacks;
    callbacks.on_progress = [](const Progress& p) {
      if (p.step < c_steps) losses_.push_back(p.loss);
    };
    result_ = run_fit(c, "", {"", path_}, callbacks);
  }
  static void TearDownTestSuite() { std::filesystem::remove(path_); }

  static std::string export_png(const ExportOptions& options) {
    return testing::exported_bytes(FieldModel::load(path_), "png", options);
  }

  static constexpr int64_t c_steps = 40;
  static std::string path_;
  static std::vector<double> losses_;
  static FitResult result_;
};
std::string HelmholtzFit::path_;
std::vector<double> HelmholtzFit::losses_;
FitResult HelmholtzFit::result_;

TEST_F(HelmholtzFit, LossFallsClearly) {
  ASSERT_EQ(losses_.size(), 40u);
  double late = 0;
  for (size_t i = losses_.size() - 5; i < losses_.size(); ++i) late += losses_[i] / 5;
  EXPECT_LT(late, 0.5 * losses_.front()) << "first " << losses_.front() << ", last five " << late;
  EXPECT_EQ(result_.outcome, FitOutcome::Completed);
  ASSERT_TRUE(result_.final.metrics.count("rel_error"));
  EXPECT_TRUE(std::isfinite(result_.final.metrics.at("rel_error")));
}

TEST_F(HelmholtzFit, ExportsColourMappedPngsOfTheRequestedSize) {
  for (const std::string component : {"real", "imag", "magnitude"}) {
    const Image image = decode_image(export_png({{"component", component}, {"size", "40"}}));
    EXPECT_EQ(image.width, 40) << component;
    EXPECT_EQ(image.height, 40) << component;
    EXPECT_EQ(image.channels, 3) << component;
  }
  EXPECT_EQ(decode_image(export_png({})).width, 256);  // the reference's summary grid
  EXPECT_EQ(decode_image(export_png({{"range", "0.5"}, {"size", "8"}})).height, 8);
  EXPECT_THROW(export_png({{"component", "phase"}}), InvalidInput);
  EXPECT_THROW(export_png({{"size", "0"}}), InvalidInput);
  EXPECT_THROW(export_png({{"width", "10"}}), InvalidInput);
  std::string sink;
  EXPECT_THROW(export_model(FieldModel::load(path_), "png", {{"size", "100"}},
                            [&](const std::string& b) { sink += b; }, /*max_samples=*/9999),
               InvalidInput);
  const FieldModel model = FieldModel::load(path_);
  EXPECT_EQ(model.info().task_kind, "helmholtz");
  EXPECT_EQ(model.info().metadata.at("sidelength"), "24");
}

}  // namespace
}  // namespace siren
