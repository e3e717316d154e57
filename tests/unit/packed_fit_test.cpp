// Packed fits (packed_fit.h): K small fits trained as one batched step end exactly as their lone fits.
#include <gtest/gtest.h>

#include <filesystem>

#include <unistd.h>

#include "siren/checkpoint.h"
#include "siren/fit.h"
#include "siren/io/image.h"
#include "siren/packed_fit.h"
#include "siren/packed_sirens.h"
#include "synthetic.h"

namespace siren {
namespace {

namespace fs = std::filesystem;

// Member i's image: the synthetic image rolled by i * 37 pixels, so that every fit has its own signal.
std::string image_png(int index, int side = 16) {
  Image image = testing::synthetic_image(side, side);
  std::rotate(image.pixels.begin(), image.pixels.begin() + (index * 37) % image.pixels.size(), image.pixels.end());
  return encode_png(image);
}

FitConfig small_config(uint64_t seed, int64_t steps) {
  FitConfig c = preset_fit_config("image");
  c.model.hidden_features = 32;
  c.model.hidden_layers = 2;
  c.train.steps = steps;
  c.train.learning_rate = 1e-3;  // visible progress in a few dozen steps
  c.train.seed = seed;
  c.train.checkpoint_every = 0;
  return c;
}

class PackedFitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("siren_packed_fit_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  PackedFitMember member(const FitConfig& config, const std::string& png, const std::string& name,
                         FitCallbacks callbacks = {}) const {
    fs::create_directories(dir_ / name);
    return PackedFitMember{prepare_fit(config, png), {path(name), path(name + ".ckpt")}, std::move(callbacks), nullptr};
  }

  fs::path dir_;
};

std::vector<torch::Tensor> weights_of(const std::string& checkpoint, const ModelSpec& spec) {
  FieldNetwork network(spec);
  CheckpointReader(checkpoint).restore_network(network);
  return network->parameters();
}

// The largest difference between two models' weights, relative to the largest weight.
double weight_difference(const std::string& a, const std::string& b, const ModelSpec& spec) {
  const auto wa = weights_of(a, spec), wb = weights_of(b, spec);
  double diff = 0, scale = 0;
  for (size_t i = 0; i < wa.size(); ++i) {
    diff = std::max(diff, (wa[i] - wb[i]).abs().max().item<double>());
    scale = std::max(scale, wa[i].abs().max().item<double>());
  }
  return diff / scale;
}

struct Counted {
  std::vector<Progress> progress;
  FitCallbacks callbacks() {
    FitCallbacks cb;
    cb.on_progress = [this](const Progress& p) { progress.push_back(p); };
    return cb;
  }
};

TEST_F(PackedFitTest, EveryMemberEndsAsItsLoneFit) {
  // Four fits, one of fewer steps: it leaves the pack half way and the others go on without it.
  const std::vector<int64_t> steps{40, 40, 20, 40};
  std::vector<PackedFitMember> members;
  std::vector<Counted> counted(steps.size());
  for (size_t i = 0; i < steps.size(); ++i)
    members.push_back(member(small_config(11 + i, steps[i]), image_png(i), "packed" + std::to_string(i),
                             counted[i].callbacks()));
  const ModelSpec spec = members.front().fit.info.config.model;
  const std::vector<PackedFitResult> packed = run_packed_fits(std::move(members));
  ASSERT_EQ(packed.size(), steps.size());

  for (size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("member " + std::to_string(i));
    ASSERT_TRUE(packed[i].result) << packed[i].error;
    const FitResult& p = *packed[i].result;
    const FitResult lone = run_fit(small_config(11 + i, steps[i]), image_png(i), {"", path("lone.ckpt")}, {});
    EXPECT_EQ(p.outcome, FitOutcome::Completed);
    EXPECT_EQ(p.final.step, steps[i]);
    // Reports at a cadence in time: the first step, the last, then the final figures, in order.
    const std::vector<Progress>& reports = counted[i].progress;
    ASSERT_GE(reports.size(), 3u);
    EXPECT_EQ(reports.front().step, 0);
    EXPECT_EQ(reports[reports.size() - 2].step, steps[i] - 1);
    EXPECT_EQ(reports.back().step, steps[i]);
    for (size_t r = 1; r < reports.size(); ++r) EXPECT_GT(reports[r].step, reports[r - 1].step);
    EXPECT_NEAR(p.final.loss, lone.final.loss, 1e-4 * lone.final.loss);
    EXPECT_NEAR(p.final.metrics.at("psnr"), lone.final.metrics.at("psnr"), 0.01);
    EXPECT_GT(p.final.metrics.at("psnr"), counted[i].progress.front().metrics.at("psnr") + 3.0);  // it did learn
    const double difference = weight_difference(p.model_path, path("lone.ckpt"), spec);
    std::cout << "member " << i << ": packed and lone weights differ by " << difference << " (relative)\n";
    EXPECT_LT(difference, 1e-4);
  }
}

TEST_F(PackedFitTest, APackedCheckpointResumesAsALoneFit) {
  // Member 0 checkpoints at step 10 inside the pack; a lone fit resumed from that file reaches step 30 as
  // an uninterrupted lone fit does: weights, Adam moments and the sampling generator were all kept.
  FitConfig config = small_config(5, 30);
  config.train.checkpoint_every = 10;
  config.train.batch_size = 100;  // random batches: the generator's state matters
  std::vector<PackedFitMember> members;
  members.push_back(member(config, image_png(0), "a"));
  members.push_back(member(config, image_png(1), "b"));
  run_packed_fits(std::move(members));
  const std::string step10 = periodic_checkpoint_path(path("a"), 10);
  ASSERT_TRUE(fs::exists(step10));

  run_fit(config, image_png(0), {"", path("resumed.ckpt")}, {}, step10);
  run_fit(config, image_png(0), {"", path("lone.ckpt")}, {});
  EXPECT_LT(weight_difference(path("resumed.ckpt"), path("lone.ckpt"), prepare_fit(config, image_png(0)).info.config.model),
            1e-4);
}

TEST_F(PackedFitTest, AStopRequestStopsItsMemberOnly) {
  int polls = 0;  // polled before every step, as by the lone trainer
  FitCallbacks stop_after_five;
  stop_after_five.should_stop = [&polls] { return ++polls > 5; };
  std::vector<PackedFitMember> members;
  members.push_back(member(small_config(1, 20), image_png(0), "a"));
  members.push_back(member(small_config(2, 20), image_png(1), "b", stop_after_five));
  members.push_back(member(small_config(3, 20), image_png(2), "c"));
  const std::vector<PackedFitResult> results = run_packed_fits(std::move(members));
  ASSERT_TRUE(results[1].result);
  EXPECT_EQ(results[1].result->outcome, FitOutcome::Stopped);
  EXPECT_EQ(results[1].result->final.step, 5);
  EXPECT_TRUE(fs::exists(results[1].result->model_path));  // a stopped fit keeps its state, as alone
  for (const size_t i : {0, 2}) {
    ASSERT_TRUE(results[i].result);
    EXPECT_EQ(results[i].result->outcome, FitOutcome::Completed);
    EXPECT_EQ(results[i].result->final.step, 20);
  }
}

TEST(PackingKey, PacksOnlyFitsThatCanShareAStep) {
  const auto key = [](const FitConfig& config, const std::string& png) { return packing_plan(prepare_fit(config, png)).key; };
  const std::string small = key(small_config(1, 10), image_png(0));
  EXPECT_FALSE(small.empty());
  EXPECT_EQ(key(small_config(2, 500), image_png(3)), small) << "seeds, steps and images of one size share a pack";
  EXPECT_EQ(packing_plan(prepare_fit(small_config(1, 10), image_png(0))).max_members, 256);  // 16² points each

  FitConfig wider = small_config(1, 10);
  wider.model.hidden_features = 64;
  EXPECT_NE(key(wider, image_png(0)), small);
  FitConfig faster = small_config(1, 10);
  faster.train.learning_rate = 1e-4;
  EXPECT_NE(key(faster, image_png(0)), small);
  EXPECT_NE(key(small_config(1, 10), image_png(0, 20)), small) << "another image size";

  FitConfig relu = small_config(1, 10);
  relu.model.activation = Activation::Relu;
  EXPECT_EQ(key(relu, image_png(0)), "");
  FitConfig clipped = small_config(1, 10);
  clipped.train.clip_grad_norm = 1.0;
  EXPECT_EQ(key(clipped, image_png(0)), "");
  EXPECT_EQ(key(small_config(1, 10), image_png(0, 160)), "") << "160² points per step: runs alone";

  FitConfig poisson = preset_fit_config("poisson-lapl");
  poisson.model.hidden_features = 32;
  EXPECT_EQ(key(poisson, image_png(0)), "") << "losses on the field's derivatives";
}

TEST(PackedSirensTest, EachMemberComputesItsOwnNetwork) {
  ModelSpec spec;
  spec.hidden_features = 16;
  spec.hidden_layers = 1;
  std::vector<FieldNetwork> networks;
  for (int i = 0; i < 3; ++i) {
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(i);
    networks.emplace_back(spec, gen);
  }
  const PackedSirens pack(networks);
  const torch::Tensor coords = torch::rand({3, 50, 2}) * 2 - 1;
  const torch::Tensor out = pack.forward(coords);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(torch::allclose(out[i], networks[i]->forward(coords[i]), 1e-5, 1e-5)) << "member " << i;
}

}  // namespace
}  // namespace siren
