// The learned image prior (image-prior, train_img_neural_process) and images conditioned on it
// (image-from-prior, test_neural_process): datasets, bad input, and a prior trained briefly on handwritten
// digits that beats a plain SIREN fitted to the same 100 known pixels of held-out digits.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "siren/errors.h"
#include "siren/io/archive.h"
#include "siren/field_model.h"
#include "siren/fit.h"
#include "siren/io/files.h"
#include "siren/task_kinds.h"
#include "siren/tasks/image_dataset.h"
#include "siren/tasks/image_from_prior_task.h"
#include "siren/tasks/image_prior_task.h"
#include "synthetic.h"
#include "test_support.h"

namespace siren {
namespace {

namespace fs = std::filesystem;

std::string digits_png() { return read_file(std::string(SIREN_SOURCE_DIR) + "/../shared/data/digits.png"); }

// A tar archive of (name, bytes) members (libarchive's, as a client sends a folder).
std::string tar_archive(const std::vector<std::pair<std::string, std::string>>& members) {
  std::vector<ArchiveMember> files;
  for (const auto& [name, bytes] : members) files.push_back({name, bytes});
  return write_tar(files);
}

TaskSpec prior_spec(std::map<std::string, std::string> options = {}) {
  return TaskSpec{kImagePriorKind, std::move(options)};
}

TEST(ImagePrior, DatasetFromTiledImageOrTarArchive) {
  const Image digits = decode_image(digits_png());
  EXPECT_EQ(image_tiles(digits, 20, 20).size(), 5000u);  // 100 x 50 digits of 20 x 20
  const ImagePriorTask tiled =
      testing::built_task<ImagePriorTask>(prior_spec({{"tile", "20x20"}, {"holdout", "100"}}), digits_png());
  EXPECT_EQ(tiled.training_images(), 4900);
  EXPECT_EQ(tiled.heldout_images(), 100);
  EXPECT_EQ(tiled.metadata().at("width"), "32");  // the reference's 32 x 32 by default

  const std::string a = encode_png(testing::synthetic_image(24, 24)), b = encode_png(testing::synthetic_image(30, 20));
  const std::string tar = tar_archive({{"faces/a.png", a}, {"faces/README.txt", "not an image"}, {"faces/b.PNG", b}});
  ASSERT_TRUE(is_archive(tar));
  EXPECT_FALSE(is_archive(a));  // a PNG is no archive
  EXPECT_EQ(images_from_archive(tar).size(), 2u);
  const ImagePriorTask archived = testing::built_task<ImagePriorTask>(prior_spec({{"size", "16"}}), tar);
  EXPECT_EQ(archived.training_images() + archived.heldout_images(), 2);
  EXPECT_EQ(archived.metadata().at("width"), "16");
}

TEST(ImagePrior, BadDatasetsAreInvalidInputWithClearMessages) {
  auto message = [](const TaskSpec& spec, const std::string& input) {
    return testing::invalid_input_message([&] { make_task(spec, input); });
  };
  EXPECT_NE(message(prior_spec(), "").find("input"), std::string::npos);  // empty: no input at all
  EXPECT_NE(message(prior_spec(), "garbage bytes").find("neither an archive of images nor an image"),
            std::string::npos);
  EXPECT_NE(message(prior_spec(), digits_png()).find("--tile"), std::string::npos);
  EXPECT_NE(message(prior_spec({{"tile", "3000x20"}}), digits_png()).find("do not fit"), std::string::npos);
  const std::string broken = tar_archive({{"x/ok.png", encode_png(testing::synthetic_image(8, 8))},
                                          {"x/broken.png", "this is not a PNG"}});
  EXPECT_NE(message(prior_spec(), broken).find("\"x/broken.png\" is not a decodable image"), std::string::npos);
  EXPECT_NE(message(prior_spec(), tar_archive({{"notes.txt", "hello"}})).find("holds no images"), std::string::npos);
  const std::string one = tar_archive({{"one.png", encode_png(testing::synthetic_image(8, 8))}});
  EXPECT_NE(message(prior_spec(), one).find("at least 2 images"), std::string::npos);
  EXPECT_NE(message(TaskSpec{kImageFromPriorKind, {}}, "").find("prior"), std::string::npos);
}

// One brief prior on the digits at 32 x 32, shared by the tests below: a small SIREN (32 x 1 hidden)
// predicted from a 64-wide latent, 200 steps of 32 digits at lr 1e-3 (the preset's 256-wide networks,
// 5e-5 and 401 epochs take hours on a CPU). 64 digits are held out, 32 scored, 4 of them also fitted by
// plain SIRENs (150 steps). About 25 s with SIREN_THREADS=1; minutes when OpenMP threads contend for
// busy cores.
struct DigitsPrior {
  fs::path dir;
  FitResult result;
};

const DigitsPrior& digits_prior() {
  static const DigitsPrior prior = [] {
    DigitsPrior p;
    p.dir = fs::temp_directory_path() / ("siren_prior_test_" + std::to_string(::getpid()));
    fs::create_directories(p.dir);
    FitConfig config = preset_fit_config(kImagePriorKind);
    config.task.options = {{"tile", "20x20"},      {"holdout", "64"},         {"latent", "64"},
                           {"hyper_hidden", "64"}, {"eval_images", "32"},     {"baseline_images", "4"},
                           {"baseline_steps", "150"}};
    config.model.hidden_features = 32;
    config.model.hidden_layers = 1;
    config.train.epochs = 0;
    config.train.steps = 200;
    config.train.batch_size = 32;
    config.train.learning_rate = 1e-3;
    config.train.checkpoint_every = 100;
    config.train.device = "cpu";
    p.result = run_fit(config, digits_png(), {(p.dir / "ckpt").string(), (p.dir / "prior.siren").string()}, {});
    return p;
  }();
  return prior;
}

// Measured (seed 0): knowing 100 pixels of 4 held-out digits, the prior's MSE is 0.050 where plain SIRENs
// fitted to those 100 pixels alone reach 0.095 (PSNR 13.0 vs 10.3 dB); over 32 held-out digits the
// prior's MSE falls from 0.054 knowing 10 pixels to 0.047 knowing all.
TEST(ImagePrior, BriefPriorOnDigitsBeatsPlainSirenOnTheSame100KnownPixels) {
  const FitResult& fit = digits_prior().result;
  const auto& m = fit.final.metrics;
  for (const char* key : {"heldout_mse_10", "heldout_mse_100", "heldout_mse_1000", "heldout_mse_half", "heldout_mse_full",
                          "siren_mse_100", "prior_mse_100", "siren_psnr_full", "heldout_psnr_100"})
    EXPECT_TRUE(m.count(key)) << key;
  EXPECT_EQ(m.at("heldout_images"), 32);
  EXPECT_LT(m.at("prior_mse_100"), 0.92 * m.at("siren_mse_100"));
  EXPECT_GT(m.at("prior_psnr_100"), m.at("siren_psnr_100") + 0.3);
  // The encoder's reading matters: more known pixels, a better image.
  EXPECT_LT(m.at("heldout_mse_full"), 0.97 * m.at("heldout_mse_10"));
  EXPECT_LT(m.at("heldout_mse_100"), 0.06);
}

TEST(ImagePrior, ModelRendersAndCheckpointsHoldThePrior) {
  const DigitsPrior& prior = digits_prior();
  const FieldModel model = FieldModel::load(prior.result.model_path);
  EXPECT_EQ(model.info().task_kind, "image-prior");
  const Image rendered = model.render_image(32, 32);  // the first held-out digit from 100 known pixels
  EXPECT_EQ(rendered.width, 32);
  EXPECT_FALSE(testing::exported_bytes(model, "png", {{"width", "64"}, {"height", "64"}}).empty());
  // The periodic checkpoints hold the encoder and hypernetwork too: a prior can be read from them.
  const auto latest = latest_periodic_checkpoint((prior.dir / "ckpt").string());
  ASSERT_TRUE(latest.has_value());
  EXPECT_NE(latest->find("step_100"), std::string::npos);  // the last before the final model
}

// The convolutional encoder (ConvImgEncoder, its widths scaled by --latent) trains, checkpoints and
// conditions like the set encoder; tiny here (8 x 8 digits, 4 channels) to stay quick.
TEST(ImagePrior, ConvEncoderTrainsAndConditions) {
  const fs::path dir = digits_prior().dir / "conv";
  fs::create_directories(dir);
  FitConfig config = preset_fit_config(kImagePriorKind);
  config.task.options = {{"tile", "20x20"}, {"size", "8"},          {"encoder", "conv"},     {"holdout", "8"},
                         {"latent", "4"},   {"hyper_hidden", "8"}, {"baseline_images", "0"}, {"context_max", "30"}};
  config.model.hidden_features = 8;
  config.model.hidden_layers = 1;
  config.train.epochs = 0;
  config.train.steps = 3;
  config.train.batch_size = 4;
  config.train.device = "cpu";
  const FitResult fit = run_fit(config, digits_png(), {"", (dir / "prior.siren").string()}, {});
  EXPECT_TRUE(fit.final.metrics.count("heldout_mse_half"));
  EXPECT_FALSE(fit.final.metrics.count("heldout_mse_100"));  // 64 pixels: 10 known is the only count that fits
  EXPECT_FALSE(fit.final.metrics.count("siren_mse_10"));
  TaskInputs inputs;
  inputs.append("prior", read_file((dir / "prior.siren").string()));
  inputs.append("image", encode_png(testing::synthetic_image(8, 8)));
  const auto task =
      testing::built_task<ImageFromPriorTask>(TaskSpec{kImageFromPriorKind, {{"context", "20"}}}, inputs);
  EXPECT_EQ(task.observed_pixels(), 20);
  EXPECT_NE(testing::invalid_input_message(
                [&] { make_task(TaskSpec{kImageFromPriorKind, {{"context", "65"}}}, inputs); })
                .find("more than the prior's 64 pixels"),
            std::string::npos);
}

TEST(ImageFromPrior, OneForwardPassGivesAnImageModelThatBeatsTheMeanAndRendersLarger) {
  const DigitsPrior& prior = digits_prior();
  const std::string prior_file = read_file(prior.result.model_path);
  // A digit from the grid (maybe seen in training, which is fine here: this checks the conditioning).
  const Image digit = image_tiles(decode_image(digits_png()), 20, 20)[4321];
  TaskInputs inputs;
  inputs.append("prior", prior_file);
  inputs.append("image", encode_png(digit));
  FitConfig config = preset_fit_config(kImageFromPriorKind);
  EXPECT_EQ(config.train.steps, 0);
  config.train.device = "cpu";
  const fs::path model_path = prior.dir / "digit.siren";
  const FitResult fit = run_fit(config, inputs, {"", model_path.string()}, {});
  EXPECT_EQ(fit.final.step, 0);
  const FieldModel model = FieldModel::load(model_path.string());
  EXPECT_EQ(model.info().task_kind, "image-from-prior");
  EXPECT_EQ(model.info().metadata.at("known_pixels"), "100");
  EXPECT_EQ(model.info().config.model.hidden_features, 32);  // the prior's SIREN, not the request's
  // The model is the prediction: its PSNR over the whole digit is the prior's kind of figure.
  EXPECT_GT(fit.final.metrics.at("psnr"), 10.0);
  const Image large = model.render_image(64, 64);  // super-resolution: any grid
  EXPECT_EQ(large.width, 64);
  EXPECT_FALSE(testing::exported_bytes(model, "png", {}).empty());

  // Fine-tuning on the known pixels only raises their PSNR.
  config.train.steps = 50;
  const FitResult tuned = run_fit(config, inputs, {"", (prior.dir / "tuned.siren").string()}, {});
  EXPECT_GT(tuned.final.metrics.at("psnr_observed"), fit.final.metrics.at("psnr_observed"));

  // A mask names the known pixels instead.
  Image mask{20, 20, 1, std::vector<float>(400, 0.0f)};
  for (int i = 0; i < 200; ++i) mask.pixels[i] = 1.0f;  // the top half
  inputs.append("mask", encode_png(mask));
  const auto masked = testing::built_task<ImageFromPriorTask>(TaskSpec{kImageFromPriorKind, {}}, inputs);
  EXPECT_NEAR(masked.observed_pixels(), 512, 64);  // about the top half at the prior's 32 x 32
}

TEST(ImageFromPrior, BadPriorsAreInvalidInput) {
  TaskInputs inputs;
  inputs.append("prior", "not a model file");
  inputs.append("image", encode_png(testing::synthetic_image(8, 8)));
  EXPECT_NE(testing::invalid_input_message([&] { make_task(TaskSpec{kImageFromPriorKind, {}}, inputs); })
                .find("not a"),
            std::string::npos);
}

}  // namespace
}  // namespace siren
