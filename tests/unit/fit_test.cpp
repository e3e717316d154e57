// Training behaviour: SIREN vs ReLU convergence, exact resume, and the model file round trip.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "siren/checkpoint.h"
#include "siren/errors.h"
#include "siren/field_model.h"
#include "siren/fit.h"
#include "siren/metrics.h"
#include "siren/tasks/image_task.h"
#include "synthetic.h"

namespace siren {
namespace {

namespace fs = std::filesystem;

class FitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("siren_fit_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  FitConfig config(int steps, Activation activation = Activation::Sine) const {
    FitConfig c = preset_fit_config("image");
    c.model.activation = activation;
    c.train.steps = steps;
    c.train.seed = 7;
    return c;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

struct Recorded {
  std::vector<Progress> progress;
  FitCallbacks callbacks() {
    FitCallbacks cb;
    cb.on_progress = [this](const Progress& p) { progress.push_back(p); };
    return cb;
  }
};

TEST_F(FitTest, SirenBeatsReluByAWideMarginAtEqualSteps) {
  const std::string png = encode_png(testing::synthetic_image(32, 32));
  const FitResult siren = run_fit(config(300), png, {}, {});
  const FitResult relu = run_fit(config(300, Activation::Relu), png, {}, {});
  const double siren_psnr = siren.final.metrics.at("psnr"), relu_psnr = relu.final.metrics.at("psnr");
  std::cout << "32x32 after 300 steps: SIREN " << siren_psnr << " dB, ReLU " << relu_psnr << " dB\n";
  EXPECT_GT(siren_psnr, 35.0);
  EXPECT_GT(siren_psnr, relu_psnr + 10.0);
}

TEST_F(FitTest, ProgressReportsEveryStepThenTheFinalNetwork) {
  Recorded rec;
  const FitResult r = run_fit(config(5), encode_png(testing::synthetic_image(8, 8)), {}, rec.callbacks());
  ASSERT_EQ(rec.progress.size(), 6u);  // steps 0..4 measured before each update, then step 5
  for (int i = 0; i < 6; ++i) EXPECT_EQ(rec.progress[i].step, i);
  EXPECT_EQ(r.final.step, 5);
  EXPECT_GT(r.final.elapsed_seconds, 0.0);
  EXPECT_GT(r.final.steps_per_second, 0.0);
  EXPECT_LT(r.final.loss, rec.progress[0].loss);
  EXPECT_EQ(r.outcome, FitOutcome::Completed);
}

TEST_F(FitTest, ResumedFitContinuesTheLossCurveExactly) {
  // Sampled batches exercise the RNG state too, not only weights and Adam moments.
  const std::string png = encode_png(testing::synthetic_image(16, 16));
  FitConfig c = config(12);
  c.model.hidden_features = 32;
  c.train.batch_size = 100;
  c.train.checkpoint_every = 5;

  Recorded straight;
  const FitResult a = run_fit(c, png, {path("a"), path("a.ckpt")}, straight.callbacks());

  FitConfig first = c;
  first.train.steps = 5;
  run_fit(first, png, {path("b"), path("b.ckpt")}, {});
  Recorded resumed;
  const FitResult b = run_fit(c, png, {path("c"), path("c.ckpt")}, resumed.callbacks(), path("b.ckpt"));

  ASSERT_EQ(resumed.progress.size(), 8u);  // steps 5..11 and the final 12
  for (const Progress& p : resumed.progress) {
    EXPECT_EQ(p.loss, straight.progress[p.step].loss) << "step " << p.step;
  }
  EXPECT_EQ(a.final.loss, b.final.loss);
  const std::vector<float> probe = {0.1f, -0.3f, 0.7f, 0.7f};
  EXPECT_EQ(FieldModel::load(path("a.ckpt")).query(probe), FieldModel::load(path("c.ckpt")).query(probe));
  EXPECT_TRUE(fs::exists(path("a/step_10.ckpt")));
}

// Every parameter of a model file, in order.
std::vector<torch::Tensor> model_parameters(const std::string& path) {
  CheckpointReader reader(path);
  FieldNetwork network(reader.info().config.model);
  reader.restore_network(network);
  std::vector<torch::Tensor> parameters;
  for (const auto& p : network->parameters()) parameters.push_back(p.detach());
  return parameters;
}

bool same_parameters(const std::string& a, const std::string& b) {
  const auto pa = model_parameters(a), pb = model_parameters(b);
  if (pa.size() != pb.size()) return false;
  for (size_t i = 0; i < pa.size(); ++i)
    if (!torch::equal(pa[i], pb[i])) return false;
  return true;
}

// Oriented points on the unit sphere (x y z nx ny nz lines), for SDF fits.
std::string sphere_xyz(int count) {
  std::ostringstream out;
  for (int i = 0; i < count; ++i) {
    const double y = 1.0 - 2.0 * (i + 0.5) / count, r = std::sqrt(1.0 - y * y), phi = 2.4 * i;
    out << r * std::cos(phi) << ' ' << y << ' ' << r * std::sin(phi) << ' ' << r * std::cos(phi) << ' ' << y << ' '
        << r * std::sin(phi) << '\n';
  }
  return out.str();
}

// Fits on several threads of one process (a server's workers) with the same seed: each must give the
// parameters it gives alone. Their initialisation and batches come from generators of their own; drawn
// from the process's default generator, one fit's numbers would land in the middle of another's.
TEST_F(FitTest, ConcurrentFitsWithTheSameSeedGiveTheLoneFitsParameters) {
  struct Fit {
    FitConfig config;
    std::string input;
  };
  Fit image{config(8), encode_png(testing::synthetic_image(16, 16))};
  image.config.train.batch_size = 100;  // random batches: the sampling generator is exercised too
  Fit sdf{preset_fit_config("sdf"), sphere_xyz(300)};
  sdf.config.model.hidden_features = 64;
  sdf.config.train.steps = 8;
  sdf.config.train.seed = 7;
  sdf.config.task.options["on_surface_points"] = "100";
  const std::vector<Fit> fits = {image, sdf, image, sdf};  // the paper's 3 x 256 image network: a long init

  const std::vector<std::string> alone = {path("image_alone.ckpt"), path("sdf_alone.ckpt")};
  for (size_t i = 0; i < alone.size(); ++i) run_fit(fits[i].config, fits[i].input, {"", alone[i]}, {});

  for (int round = 0; round < 3; ++round) {
    std::atomic<int> waiting{static_cast<int>(fits.size())};
    std::vector<std::string> together;
    std::vector<std::string> errors(fits.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < fits.size(); ++i)
      together.push_back(path("together_" + std::to_string(round) + "_" + std::to_string(i) + ".ckpt"));
    for (size_t i = 0; i < fits.size(); ++i) {
      threads.emplace_back([&, i] {
        for (--waiting; waiting > 0;) std::this_thread::yield();  // start together, for the most overlap
        try {
          run_fit(fits[i].config, fits[i].input, {"", together[i]}, {});
        } catch (const std::exception& e) {
          errors[i] = e.what();
        }
      });
    }
    for (auto& thread : threads) thread.join();
    for (const std::string& error : errors) ASSERT_EQ(error, "");
    for (size_t i = 0; i < fits.size(); ++i)
      EXPECT_TRUE(same_parameters(alone[i % 2], together[i])) << "round " << round << ", fit " << i;
  }
}

TEST_F(FitTest, ACheckpointNotAllowedToStayLeavesNoFileAndTheOlderOnes) {
  const std::string png = encode_png(testing::synthetic_image(8, 8));
  FitConfig c = config(12);
  c.model.hidden_features = 16;
  c.train.checkpoint_every = 3;
  FitCallbacks callbacks;
  std::vector<int64_t> asked, told;
  // As a fleet's replica superseded after step 6: steps 9 and 12 are not its to keep.
  callbacks.may_keep_checkpoint = [&](int64_t step) {
    asked.push_back(step);
    return step <= 6;
  };
  callbacks.on_checkpoint = [&](int64_t step, const std::string&) { told.push_back(step); };
  run_fit(c, png, {path("ckpt"), path("model.ckpt")}, callbacks);
  EXPECT_EQ(asked, (std::vector<int64_t>{3, 6, 9}));  // the final state is the model file, not a checkpoint
  EXPECT_EQ(told, (std::vector<int64_t>{3, 6, 12}));  // 12: the model file
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(path("ckpt"))) left.push_back(entry.path().filename().string());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"step_3.ckpt", "step_6.ckpt"}));
  EXPECT_EQ(fs::path(*latest_periodic_checkpoint(path("ckpt"))).filename(), "step_6.ckpt");
}

TEST_F(FitTest, ResumeRejectsMismatchedOrExhaustedCheckpoints) {
  const std::string png = encode_png(testing::synthetic_image(8, 8));
  FitConfig c = config(3);
  c.model.hidden_features = 16;
  run_fit(c, png, {"", path("m.ckpt")}, {});
  EXPECT_THROW(run_fit(c, png, {}, {}, path("m.ckpt")), InvalidInput);  // already has 3 steps
  FitConfig wider = c;
  wider.model.hidden_features = 32;
  wider.train.steps = 6;
  EXPECT_THROW(run_fit(wider, png, {}, {}, path("m.ckpt")), InvalidInput);
  EXPECT_THROW(validate_fit(wider, png, path("m.ckpt")), InvalidInput);  // caught before any training
  FitConfig more = c;
  more.train.steps = 6;
  EXPECT_NO_THROW(validate_fit(more, png, path("m.ckpt")));
  std::ofstream(path("junk.ckpt")) << "not a checkpoint";
  c.train.steps = 6;
  EXPECT_THROW(run_fit(c, png, {}, {}, path("junk.ckpt")), InvalidInput);
}

TEST_F(FitTest, StopRequestCheckpointsAndReturns) {
  int calls = 0;
  FitCallbacks cb;
  cb.should_stop = [&] { return ++calls > 3; };
  FitConfig c = config(1000);
  c.model.hidden_features = 16;
  const FitResult r = run_fit(c, encode_png(testing::synthetic_image(8, 8)), {"", path("stopped.ckpt")}, cb);
  EXPECT_EQ(r.outcome, FitOutcome::Stopped);
  EXPECT_EQ(FieldModel::read_info(path("stopped.ckpt")).steps, 3);
}

TEST_F(FitTest, ModelFileRendersAndQueries) {
  const Image img = testing::synthetic_image(24, 16, 3);
  FitConfig c = config(200);
  c.model.hidden_features = 64;
  const FitResult r = run_fit(c, encode_png(img), {"", path("m.ckpt")}, {});
  const FieldModel model = FieldModel::load(path("m.ckpt"));
  EXPECT_EQ(model.info().metadata.at("width"), "24");
  EXPECT_EQ(model.info().steps, 200);
  EXPECT_EQ(model.out_features(), 3);
  const Image same = model.render_image(24, 16);
  // Rendering at the fitted size reproduces the reported PSNR (the fit saw the 8-bit PNG, so compare to that).
  const torch::Tensor pred = normalized_pixels(same), gt = normalized_pixels(decode_image(encode_png(img)));
  EXPECT_NEAR(psnr_from_normalized(pred, gt), r.final.metrics.at("psnr"), 0.01);
  const Image big = model.render_image(48, 32);
  EXPECT_EQ(big.width, 48);
  EXPECT_EQ(big.height, 32);
  // Query at the top-left pixel centre (-1, -1) approximates that pixel.
  const std::vector<float> v = model.query({-1.0f, -1.0f});
  ASSERT_EQ(v.size(), 3u);
  EXPECT_NEAR(v[0], img.at(0, 0, 0) * 2 - 1, 0.1);
  EXPECT_THROW(model.query({0.1f, 0.2f, 0.3f}), InvalidInput);
  EXPECT_THROW(model.query({NAN, 0.0f}), InvalidInput);
  EXPECT_THROW(FieldModel::load(path("missing.ckpt")), NotFound);
}

TEST_F(FitTest, BadInputFailsBeforeTraining) {
  EXPECT_THROW(validate_fit(config(10), "GIF89a garbage"), InvalidInput);
  FitConfig c = config(10);
  c.task.kind = "telepathy";
  EXPECT_THROW(validate_fit(c, encode_png(testing::synthetic_image(4, 4))), InvalidInput);
  c = config(-1);
  EXPECT_THROW(validate_fit(c, encode_png(testing::synthetic_image(4, 4))), InvalidInput);
  // 0 steps (and no epochs) is a fit of no updates: the network as built (image-from-prior's preset).
  EXPECT_EQ(validate_fit(config(0), encode_png(testing::synthetic_image(4, 4))).train.steps, 0);
}

TEST(LatestPeriodicCheckpoint, PicksTheHighestStepAndIgnoresOtherFiles) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("siren_latest_ckpt_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  EXPECT_FALSE(latest_periodic_checkpoint(dir.string()).has_value());
  for (const char* name : {"step_20.ckpt", "step_100.ckpt", "step_9.ckpt", "step_500.ckpt.tmp", "step_x.ckpt",
                           "step_.ckpt", "model.ckpt"})
    std::ofstream(dir / name) << "x";
  const auto latest = latest_periodic_checkpoint(dir.string());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(fs::path(*latest).filename(), "step_100.ckpt");  // numerically, not as text
  EXPECT_FALSE(latest_periodic_checkpoint((dir / "missing").string()).has_value());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace siren
