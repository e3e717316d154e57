// The inverse Helmholtz task: the .mat reader, the multi-source PML loss, sampling, a small fit whose
// loss and receiver misfit fall, and the velocity / wavefield exports.
#include <gtest/gtest.h>
#include <matio.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#include "siren/errors.h"
#include "siren/export.h"
#include "siren/field_model.h"
#include "siren/fit.h"
#include "siren/io/files.h"
#include "siren/io/image.h"
#include "siren/io/matlab.h"
#include "siren/tasks/helmholtz_task.h"
#include "siren/tasks/inverse_helmholtz_task.h"
#include "helmholtz_support.h"
#include "test_support.h"

namespace siren {
namespace {

using testing::invalid_input_message;
using testing::plane_wave;
using testing::pml_residual_of;

const std::string kReferenceData = std::string(SIREN_SOURCE_DIR) + "/../shared/data/data_cylinder_5.mat";

// A matrix to write: rows x cols, column-major as MATLAB, optionally complex.
struct MatMatrix {
  size_t rows, cols;
  std::vector<double> re, im;  // im empty: real
};

// A v5 .mat file holding `variables`, as bytes.
std::string mat_file(const std::map<std::string, MatMatrix>& variables) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("siren_ih_" + std::to_string(::getpid()) + ".mat")).string();
  mat_t* mat = Mat_CreateVer(path.c_str(), nullptr, MAT_FT_MAT5);
  if (mat == nullptr) throw std::runtime_error("cannot create " + path);
  for (const auto& [name, m] : variables) {
    size_t dims[2] = {m.rows, m.cols};
    std::vector<double> re = m.re, im = m.im;
    mat_complex_split_t split{re.data(), im.data()};
    matvar_t* var = m.im.empty() ? Mat_VarCreate(name.c_str(), MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, re.data(), 0)
                                 : Mat_VarCreate(name.c_str(), MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, &split, MAT_F_COMPLEX);
    Mat_VarWrite(mat, var, MAT_COMPRESSION_NONE);
    Mat_VarFree(var);
  }
  Mat_Close(mat);
  const std::string bytes = read_file(path);
  std::filesystem::remove(path);
  return bytes;
}

// 2 sources, 3 receivers: a small valid survey.
std::map<std::string, MatMatrix> small_survey() {
  return {{"source", {2, 2, {-0.3, 0.3, -0.3, -0.3}, {}}},
          {"receivers", {3, 2, {-0.4, 0.0, 0.4, 0.4, 0.4, 0.4}, {}}},
          {"rec_val", {3, 2, {1, 2, 3, 4, 5, 6}, {-1, -2, -3, -4, -5, -6}}}};
}

TEST(ReceiverDataMat, ReadsTheReferencesDataCylinder5) {
  if (!std::filesystem::exists(kReferenceData)) GTEST_SKIP() << kReferenceData << " not present";
  const ReceiverData data = read_receiver_data_mat(read_file(kReferenceData));
  ASSERT_EQ(data.source_count(), 5u);
  ASSERT_EQ(data.receiver_count(), 30u);
  // Values scipy.io.loadmat gives (the sources on a line at y = -0.347, receivers on three sides).
  EXPECT_NEAR(data.sources[0][0], -0.347059, 1e-6);
  EXPECT_NEAR(data.sources[0][1], -0.347059, 1e-6);
  EXPECT_NEAR(data.sources[4][0], 0.347059, 1e-6);
  EXPECT_NEAR(data.receivers[0][1], 0.401961, 1e-6);
  EXPECT_NEAR(data.value(0, 0).real(), 0.0618, 5e-4);
  EXPECT_NEAR(data.value(0, 0).imag(), 0.028, 5e-4);
  EXPECT_NEAR(data.value(29, 4).real(), 0.0521, 5e-4);
}

TEST(ReceiverDataMat, ReadsVariablesInMatlabsColumnMajorOrder) {
  const ReceiverData data = read_receiver_data_mat(mat_file(small_survey()));
  ASSERT_EQ(data.source_count(), 2u);
  ASSERT_EQ(data.receiver_count(), 3u);
  EXPECT_EQ(data.sources[1], (std::array<double, 2>{0.3, -0.3}));
  EXPECT_EQ(data.receivers[2], (std::array<double, 2>{0.4, 0.4}));
  EXPECT_EQ(data.value(1, 0), std::complex<double>(2, -2));  // rec_val(2, 1) in MATLAB's terms
  EXPECT_EQ(data.value(2, 1), std::complex<double>(6, -6));
  auto real_values = small_survey();
  real_values["rec_val"].im.clear();
  EXPECT_EQ(read_receiver_data_mat(mat_file(real_values)).value(1, 1), std::complex<double>(5, 0));
}

TEST(ReceiverDataMat, BadFilesAreInvalidInputNamingTheProblem) {
  auto message = [](const std::string& bytes) { return invalid_input_message([&] { read_receiver_data_mat(bytes); }); };
  EXPECT_NE(message("").find("empty"), std::string::npos);
  EXPECT_NE(message("not a mat file at all").find("not a readable MATLAB .mat file"), std::string::npos);
  auto without = small_survey();
  without.erase("rec_val");
  EXPECT_NE(message(mat_file(without)).find("no readable variable \"rec_val\""), std::string::npos);
  auto square = small_survey();
  square["source"] = {3, 3, std::vector<double>(9, 0.1), {}};
  EXPECT_NE(message(mat_file(square)).find("\"source\" must be an N x 2 real matrix of (x, y), got 3 x 3"),
            std::string::npos);
  auto mismatched = small_survey();
  mismatched["rec_val"] = {2, 2, {1, 2, 3, 4}, {}};
  EXPECT_NE(message(mat_file(mismatched)).find("\"rec_val\" must be a receivers x sources (3 x 2) matrix, got 2 x 2"),
            std::string::npos);
  auto outside = small_survey();
  outside["receivers"].re[0] = 1.5;
  EXPECT_NE(message(mat_file(outside)).find("outside the domain"), std::string::npos);
  auto nan = small_survey();
  nan["rec_val"].im[3] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(message(mat_file(nan)).find("non-finite"), std::string::npos);
  if (std::filesystem::exists(kReferenceData)) {
    const std::string bytes = read_file(kReferenceData);
    EXPECT_NE(message(bytes.substr(0, bytes.size() / 2)), "(no InvalidInput thrown)");  // truncated
    EXPECT_NE(message(bytes.substr(0, 100)).find("not a readable MATLAB .mat file"), std::string::npos);
  }
  // Through the task: the same messages, as the server's INVALID_ARGUMENT.
  EXPECT_NE(invalid_input_message([&] {
              make_task(TaskSpec{"inverse-helmholtz", {}}, mat_file(without));
            }).find("rec_val"),
            std::string::npos);
}


TEST(InverseHelmholtz, ResidualOfSeveralSourcesIsEachSourcesResidual) {
  torch::manual_seed(2);
  const double k = 20;
  const torch::Tensor coords = (torch::rand({300, 2}) * 2 - 1).requires_grad_(true);  // PML included
  const torch::Tensor m = 0.5 + torch::rand({300, 1});
  const torch::Tensor u1 = plane_wave(coords, 7, 3) * (1 + coords.select(1, 0).unsqueeze(1));
  const torch::Tensor u2 = plane_wave(coords, -2, 11);
  const torch::Tensor both = pml_residual_of(coords, torch::cat({u1, u2}, 1), m, k);
  ASSERT_EQ(both.sizes(), (std::vector<int64_t>{300, 4}));
  EXPECT_TRUE(torch::allclose(both.narrow(1, 0, 2), pml_residual_of(coords, u1, m, k), 1e-4, 1e-3));
  EXPECT_TRUE(torch::allclose(both.narrow(1, 2, 2), pml_residual_of(coords, u2, m, k), 1e-4, 1e-3));
}

TEST(InverseHelmholtz, InvertedSlownessIsClampedAndKnownBeyondTheFrame) {
  const torch::Tensor coords = torch::tensor({0.f, 0.f, 0.5f, -0.7f, 0.8f, 0.f, 0.f, -0.9f}).view({4, 2});
  const torch::Tensor q = torch::tensor({-0.5f, -3.f, 2.f, 2.f}).view({4, 1});
  const torch::Tensor m = inverted_squared_slowness(coords, q);
  EXPECT_NEAR(m[0].item<float>(), 0.5, 1e-6);
  EXPECT_NEAR(m[1].item<float>(), 0.001, 1e-6);  // clamp(q, -0.999) + 1
  EXPECT_EQ(m[2].item<float>(), 1);              // |x| > 0.75
  EXPECT_EQ(m[3].item<float>(), 1);              // |y| > 0.75
}

TEST(InverseHelmholtz, SamplesReceiversFirstAndEachSourceLast) {
  const InverseHelmholtzTask task = testing::built_task<InverseHelmholtzTask>(
      TaskSpec{"inverse-helmholtz", {{"sidelength", "30"}, {"pretrain_steps", "10"}, {"pretrain_velocity", "square"}}},
      mat_file(small_survey()));
  ModelSpec spec;
  task.configure_model(spec);
  EXPECT_EQ(spec.out_features, 5);  // 2 sources: 2 x (re, im) + the slowness
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(4);
  const Batch b = task.sample_at_step(3, 0, gen);
  ASSERT_EQ(b.coords.sizes(), (std::vector<int64_t>{900, 2}));
  EXPECT_TRUE(torch::allclose(b.coords.narrow(0, 0, 3), torch::tensor({-0.4f, 0.4f, 0.f, 0.4f, 0.4f, 0.4f}).view({3, 2})));
  ASSERT_EQ(b.field("receivers").sizes(), (std::vector<int64_t>{3, 4}));
  EXPECT_TRUE(torch::equal(b.field("receivers")[1], torch::tensor({2.f, -2.f, 5.f, -5.f})));
  ASSERT_EQ(b.field("source").sizes(), (std::vector<int64_t>{900, 4}));
  for (int s = 0; s < 2; ++s) {
    const double cx = s == 0 ? -0.3 : 0.3;
    const torch::Tensor block = b.coords.narrow(0, 700 + 100 * s, 100);
    EXPECT_LE(torch::hypot(block.select(1, 0) - cx, block.select(1, 1) + 0.3).max().item<double>(), 0.05 + 1e-6);
    // Each source's own term is nonzero on its own disk only.
    EXPECT_TRUE(torch::all(b.field("source").narrow(0, 700 + 100 * s, 100).select(1, 2 * s) > 0).item<bool>());
    EXPECT_TRUE(torch::all(b.field("source").narrow(0, 700 + 100 * (1 - s), 100).select(1, 2 * s) == 0).item<bool>());
  }
  EXPECT_TRUE(b.field("pretraining").item<bool>());
  EXPECT_EQ(b.field("squared_slowness").min().item<float>(), 0.25f);  // the square inclusion is in the batch
  EXPECT_FALSE(task.sample_at_step(10, 0, gen).field("pretraining").item<bool>());
  EXPECT_FALSE(task.sample(0, gen).field("pretraining").item<bool>());
  EXPECT_NE(invalid_input_message([&] { task.sample(100, gen); }).find("cannot hold"), std::string::npos);
  EXPECT_NE(invalid_input_message([] {
              make_task(TaskSpec{"inverse-helmholtz", {{"sidelength", "10"}}}, mat_file(small_survey()));
            }).find("fewer than the 3 receivers"),
            std::string::npos);
}

TEST(InverseHelmholtz, DataTermIsTheReceiverMisfitOrThePretrainingMedium) {
  const InverseHelmholtzTask task = testing::built_task<InverseHelmholtzTask>(
      TaskSpec{"inverse-helmholtz", {{"sidelength", "20"}, {"pretrain_steps", "1"}}}, mat_file(small_survey()));
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(1);
  for (const int64_t step : {0, 1}) {
    const Batch b = task.sample_at_step(step, 0, gen);
    const torch::Tensor coords = b.coords.clone().requires_grad_(true);
    // u = 0 everywhere, q = 0.5: the receiver term is sum |data| x N; the medium term sum |1.5 - 1| x N.
    const torch::Tensor output = torch::cat({coords.narrow(1, 0, 1).repeat({1, 4}) * 0, coords.narrow(1, 0, 1) * 0 + 0.5}, 1);
    const LossTerms terms = task.losses(coords, output, b);
    ASSERT_EQ(terms.size(), 3u);
    EXPECT_EQ(terms[2].first, "data_term");
    const double expected = step == 0 ? 0.5 * 400 * 400 : (2 * (1 + 2 + 3 + 4 + 5 + 6)) * 400.0;
    EXPECT_NEAR(terms[2].second.item<double>(), expected, 1e-3 * expected) << step;
    EXPECT_NEAR(task.metrics(output, b).at("receiver_misfit"), 1.0, 1e-6);
    EXPECT_EQ(task.metrics(output, b).at("pretraining"), step == 0 ? 1.0 : 0.0);
  }
}

TEST(InverseHelmholtz, PresetIsTrainInverseHelmholtz) {
  const FitConfig c = preset_fit_config("inverse-helmholtz");
  EXPECT_EQ(c.model.activation, Activation::Sine);
  EXPECT_EQ(c.model.out_features, 11);
  EXPECT_EQ(c.model.hidden_features, 256);
  EXPECT_EQ(c.model.hidden_layers, 3);
  EXPECT_DOUBLE_EQ(c.train.learning_rate, 2e-5);
  EXPECT_EQ(c.train.steps, 80000);
  EXPECT_EQ(describe_task("inverse-helmholtz").option("pretrain_steps")->default_value, "0");
  EXPECT_EQ(export_formats("inverse-helmholtz").front().name, "png");
}

// A survey of one source at (0, -0.35) in the uniform medium, recorded on a line of receivers at
// y = 0.4: the free-space field the helmholtz task checks against (helmholtz_free_space_solution).
std::string free_space_survey(int receivers) {
  MatMatrix rec{static_cast<size_t>(receivers), 2, {}, {}}, values{static_cast<size_t>(receivers), 1, {}, {}};
  rec.re.resize(2 * receivers);
  for (int i = 0; i < receivers; ++i) {
    const double x = -0.4 + 0.8 * i / (receivers - 1), y = 0.4;
    rec.re[i] = x;
    rec.re[receivers + i] = y;
    const auto u = helmholtz_free_space_solution(std::hypot(x, y + 0.35), kHelmholtzWavenumber);
    values.re.push_back(u[0]);
    values.im.push_back(u[1]);
  }
  return mat_file({{"source", {1, 2, {0.0, -0.35}, {}}}, {"receivers", rec}, {"rec_val", values}});
}

// Small fits shared by the training and export tests: one on the free-space survey (fast: one source),
// and a few steps on the reference's data for the exports of its 5 wavefields.
class InverseHelmholtzFit : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string stem = (std::filesystem::temp_directory_path() / ("siren_ih_" + std::to_string(::getpid()))).string();
    path_ = stem + ".ckpt";
    FitCallbacks callbacks;
    callbacks.on_progress = [](const Progress& p) {
      if (p.step >= kSteps) return;
      losses_.push_back(p.loss);
      if (p.metrics.count("receiver_misfit")) misfits_.push_back(p.metrics.at("receiver_misfit"));
    };
    result_ = run_fit(config(kSteps), free_space_survey(20), {"", path_}, callbacks);
    if (std::filesystem::exists(kReferenceData)) {
      reference_path_ = stem + "_reference.ckpt";
      run_fit(config(2), read_file(kReferenceData), {"", reference_path_}, {});
    }
  }
  static FitConfig config(int64_t steps) {
    FitConfig c = preset_fit_config("inverse-helmholtz");
    c.task.options = {{"sidelength", "24"}, {"pretrain_steps", std::to_string(kPretrainSteps)}};  // 576 points
    c.model.hidden_features = 32;
    c.model.hidden_layers = 2;
    c.train.learning_rate = 1e-4;
    c.train.steps = steps;
    c.train.seed = 3;
    c.train.checkpoint_every = 0;
    return c;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove(path_);
    if (!reference_path_.empty()) std::filesystem::remove(reference_path_);
  }
  static std::string exported(const std::string& path, const std::string& format, const ExportOptions& options) {
    return testing::exported_bytes(FieldModel::load(path), format, options);
  }
  static constexpr int64_t kSteps = 50;
  static constexpr int64_t kPretrainSteps = 5;
  // From a measured run (see the report) with margin: thresholds a broken loss or data term would miss.
  static constexpr double kLossRatio = 0.5;
  static constexpr double kMisfitRatio = 0.8;
  static std::string path_, reference_path_;
  static std::vector<double> losses_, misfits_;
  static FitResult result_;
};
std::string InverseHelmholtzFit::path_, InverseHelmholtzFit::reference_path_;
std::vector<double> InverseHelmholtzFit::losses_, InverseHelmholtzFit::misfits_;
FitResult InverseHelmholtzFit::result_;

double mean_of_last(const std::vector<double>& v, size_t n) {
  double sum = 0;
  for (size_t i = v.size() - n; i < v.size(); ++i) sum += v[i];
  return sum / static_cast<double>(n);
}

TEST_F(InverseHelmholtzFit, LossFallsAndTheReceiverMisfitDrops) {
  EXPECT_EQ(result_.outcome, FitOutcome::Completed);
  ASSERT_EQ(losses_.size(), static_cast<size_t>(kSteps));
  ASSERT_EQ(misfits_.size(), static_cast<size_t>(kSteps));
  for (size_t i = 0; i < misfits_.size(); i += 5) std::cout << "step " << i << " loss " << losses_[i] << " misfit " << misfits_[i] << "\n";
  // The inversion stage (after the pretraining steps): its loss falls, and the wavefields approach the
  // data at the receivers.
  const double first = losses_[kPretrainSteps], late = mean_of_last(losses_, 5);
  EXPECT_LT(late, kLossRatio * first) << "first inversion step " << first << ", last five " << late;
  const double misfit_first = misfits_[kPretrainSteps], misfit_late = mean_of_last(misfits_, 5);
  EXPECT_LT(misfit_late, kMisfitRatio * misfit_first) << "misfit " << misfit_first << " -> " << misfit_late;
}

TEST_F(InverseHelmholtzFit, ExportsTheVelocityAndTheWavefields) {
  const Image velocity = decode_image(exported(path_, "png", {{"size", "48"}}));
  EXPECT_EQ(velocity.width, 48);
  EXPECT_EQ(velocity.height, 48);
  EXPECT_EQ(decode_image(exported(path_, "png", {})).width, 256);
  EXPECT_EQ(decode_image(exported(path_, "png", {{"size", "16"}, {"min", "0.5"}, {"max", "2"}, {"markers", "off"}})).width, 16);
  EXPECT_EQ(decode_image(exported(path_, "wavefield-png", {{"size", "20"}, {"component", "magnitude"}})).width, 20);
  EXPECT_THROW(exported(path_, "wavefield-png", {{"source", "1"}}), InvalidInput);
  EXPECT_THROW(exported(path_, "wavefield-png", {{"component", "phase"}}), InvalidInput);
  EXPECT_THROW(exported(path_, "png", {{"markers", "maybe"}}), InvalidInput);
  if (reference_path_.empty()) GTEST_SKIP() << kReferenceData << " not present";
  const Image all = decode_image(exported(reference_path_, "wavefield-png", {{"size", "20"}}));
  EXPECT_EQ(all.width, 5 * 20);  // 5 sources side by side
  EXPECT_EQ(all.height, 20);
  EXPECT_EQ(decode_image(exported(reference_path_, "wavefield-png", {{"size", "20"}, {"source", "4"}, {"component", "imag"}})).width, 20);
}

}  // namespace
}  // namespace siren
