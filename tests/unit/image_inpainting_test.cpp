// The image-inpainting task (train_img_inpainting): masks, its loss and priors, and a fit on 10% of the
// pixels scored on all of them.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include <unistd.h>

#include <ATen/CPUGeneratorImpl.h>

#include "siren/errors.h"
#include "siren/field_model.h"
#include "siren/fit.h"
#include "siren/metrics.h"
#include "siren/task_description.h"
#include "siren/tasks/image_inpainting_task.h"
#include "siren/tasks/inpainting_mask.h"
#include "synthetic.h"
#include "test_support.h"

namespace siren {
namespace {

namespace fs = std::filesystem;

TaskSpec inpainting_spec(std::map<std::string, std::string> options = {}) {
  return TaskSpec{"image-inpainting", std::move(options)};
}

ImageInpaintingTask built(const TaskSpec& spec, const TaskInputs& inputs) {
  return testing::built_task<ImageInpaintingTask>(spec, inputs);
}

// A mask image: white (observed) on the left `observed_columns` columns, black elsewhere.
std::string left_columns_mask(int width, int height, int observed_columns) {
  Image mask{width, height, 1, std::vector<float>(static_cast<size_t>(width) * height, 0.0f)};
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < observed_columns; ++c) mask.pixels[static_cast<size_t>(r) * width + c] = 1.0f;
  return encode_png(mask);
}

TEST(ImageInpainting, RandomMaskObservesTheSparsityFractionReproducibly) {
  const std::string png = encode_png(testing::synthetic_image(48, 48));
  const ImageInpaintingTask task = built(inpainting_spec(), png);  // sparsity 0.1 by default
  EXPECT_EQ(task.kind(), "image-inpainting");
  EXPECT_NEAR(double(task.observed_pixels()) / (48 * 48), 0.1, 0.03);
  EXPECT_EQ(task.metadata().at("width"), "48");  // an image model's metadata
  EXPECT_EQ(task.metadata().at("channels"), "1");
  EXPECT_TRUE(torch::equal(built(inpainting_spec(), png).mask(), task.mask()));  // a resumed fit gets the same
  EXPECT_FALSE(torch::equal(built(inpainting_spec({{"mask_seed", "1"}}), png).mask(), task.mask()));
  EXPECT_NEAR(double(built(inpainting_spec({{"sparsity", "0.5"}}), png).observed_pixels()) / (48 * 48), 0.5, 0.05);
  EXPECT_NE(testing::invalid_input_message([&] { built(inpainting_spec({{"sparsity", "0"}}), png); })
                .find("no pixel is observed"),
            std::string::npos);
}

TEST(ImageInpainting, MaskIsAnOptionalInputOfTheImagesSize) {
  const std::string png = encode_png(testing::synthetic_image(40, 30));
  TaskInputs inputs(png);
  inputs.append("mask", left_columns_mask(40, 30, 10));
  const ImageInpaintingTask task = built(inpainting_spec(), inputs);
  EXPECT_EQ(task.observed_pixels(), 10 * 30);
  EXPECT_EQ(task.mask()[5 * 40 + 9][0].item<float>(), 1.0f);
  EXPECT_EQ(task.mask()[5 * 40 + 10][0].item<float>(), 0.0f);
  // Resized with its image.
  EXPECT_EQ(built(inpainting_spec({{"size", "20x15"}}), inputs).observed_pixels(), 5 * 15);

  TaskInputs wrong_size(png);
  wrong_size.append("mask", left_columns_mask(20, 20, 10));
  EXPECT_NE(testing::invalid_input_message([&] { built(inpainting_spec(), wrong_size); })
                .find("the mask is 20x20 pixels but the image is 40x30"),
            std::string::npos);
  TaskInputs all_dark(png);
  all_dark.append("mask", left_columns_mask(40, 30, 0));
  EXPECT_NE(testing::invalid_input_message([&] { built(inpainting_spec(), all_dark); }).find("observes no pixel"),
            std::string::npos);

  // The description marks it optional; an empty upload is no mask; the image stays required.
  const TaskDescription d = describe_task("image-inpainting");
  ASSERT_EQ(d.inputs.size(), 2u);
  EXPECT_FALSE(d.inputs[0].optional);
  EXPECT_TRUE(d.inputs[1].optional);
  TaskInputs empty_mask(png);
  empty_mask.append("mask", "");
  EXPECT_EQ(empty_mask.resolve(d).count("mask"), 0u);
  EXPECT_EQ(TaskInputs(empty_mask.pack(d)).resolve(d), empty_mask.resolve(d));
  EXPECT_EQ(TaskInputs(inputs.pack(d)).resolve(d), inputs.resolve(d));
  TaskInputs mask_only;
  mask_only.append("mask", left_columns_mask(40, 30, 10));
  EXPECT_NE(testing::invalid_input_message([&] { mask_only.resolve(d); }).find("needs its input \"image\""),
            std::string::npos);
}

TEST(ImageInpainting, LossIsTheMaskedMseOverAllPixelsPlusThePrior) {
  const std::string png = encode_png(testing::synthetic_image(16, 16));
  TaskInputs inputs(png);
  inputs.append("mask", left_columns_mask(16, 16, 4));
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(1);

  const ImageInpaintingTask plain = built(inpainting_spec(), inputs);
  EXPECT_FALSE(plain.needs_coordinate_gradients());
  const Batch batch = plain.sample(0, gen);
  ASSERT_EQ(batch.coords.size(0), 256);
  const torch::Tensor zero = torch::zeros({256, 1});
  const LossTerms terms = plain.losses(batch.coords, zero, batch);
  ASSERT_EQ(terms.size(), 1u);
  // The reference's image_mse(mask): the observed squared errors summed, over all 256 pixels.
  const torch::Tensor observed = plain.values().view({16, 16}).narrow(1, 0, 4);
  EXPECT_NEAR(terms[0].second.item<double>(), observed.pow(2).sum().item<double>() / 256, 1e-6);

  const ImageInpaintingTask tv = built(inpainting_spec({{"prior", "tv"}, {"k1", "0.5"}}), inputs);
  EXPECT_TRUE(tv.needs_coordinate_gradients());
  const Batch with_points = tv.sample(0, gen);
  ASSERT_EQ(with_points.coords.size(0), 256 + 128);  // the pixels, then N/2 random points
  // f = 3 * row + col: |grad f| averages (3 + 1) / 2 = 2 per component pair; k1 = 0.5 -> 1.
  const torch::Tensor coords = with_points.coords.detach().requires_grad_(true);
  const torch::Tensor linear = (coords.select(1, 0) * 3 + coords.select(1, 1)).unsqueeze(1);
  const LossTerms tv_terms = tv.losses(coords, linear, with_points);
  ASSERT_EQ(tv_terms.size(), 2u);
  EXPECT_EQ(tv_terms[1].first, "prior_loss");
  EXPECT_NEAR(tv_terms[1].second.item<double>(), 1.0, 1e-5);

  // FH on f = row^2: its Hessian is [[2, 0], [0, 0]] everywhere, Frobenius norm 2; k1 = 1.
  const ImageInpaintingTask fh = built(inpainting_spec({{"prior", "fh"}}), inputs);
  const torch::Tensor square = coords.select(1, 0).pow(2).unsqueeze(1);
  EXPECT_NEAR(fh.losses(coords, square, with_points)[1].second.item<double>(), 2.0, 1e-5);
}

TEST(ImageInpainting, DownsampleJittersByUnderOnePixel) {
  const ImageInpaintingTask task =
      built(inpainting_spec({{"downsample", "on"}}), encode_png(testing::synthetic_image(20, 10)));
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(3);
  const torch::Tensor offset = task.sample(0, gen).coords - task.coords();
  EXPECT_LE(offset.select(1, 0).abs().max().item<double>(), 1.0 / 10 + 1e-6);  // rows: 1 / height
  EXPECT_LE(offset.select(1, 1).abs().max().item<double>(), 1.0 / 20 + 1e-6);  // columns: 1 / width
  EXPECT_GT(offset.abs().mean().item<double>(), 0.0);
  EXPECT_NE(testing::invalid_input_message([] { check_task_spec(inpainting_spec({{"downsample", "yes"}})); })
                .find("one of off, on"),
            std::string::npos);
}

TEST(ImageInpainting, PresetIsTheReferencesAndTheModelExportsAsAnImage) {
  const TaskDescription d = describe_task("image-inpainting");
  EXPECT_EQ(d.export_formats, std::vector<std::string>{"png"});
  EXPECT_NE(d.details.find("Preset: sine 2->256x3->C"), std::string::npos);
  const FitConfig c = preset_fit_config("image-inpainting");
  EXPECT_EQ(c.model.activation, Activation::Sine);
  EXPECT_EQ(c.model.hidden_features, 256);
  EXPECT_EQ(c.model.hidden_layers, 3);
  EXPECT_EQ(c.train.learning_rate, 1e-4);
  EXPECT_EQ(c.train.steps, 10000);
  EXPECT_EQ(c.train.batch_size, 0);
  EXPECT_EQ(d.option("sparsity")->default_value, "0.1");
  EXPECT_EQ(d.option("k1")->default_value, "1");
}

class ImageInpaintingFit : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("siren_inpainting_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// PSNR of a rendered image against the original, every pixel counted (as metrics.h's).
double psnr_against(const Image& rendered, const Image& original) {
  double sum = 0;
  for (size_t i = 0; i < original.pixels.size(); ++i) sum += std::pow(rendered.pixels[i] - original.pixels[i], 2);
  return psnr_from_mse(sum / double(original.pixels.size()));
}

// The paper's setting at test size: 10% of a 48x48 image's pixels supervise the fit, and "psnr" scores
// it on all of them. Measured (2 shared cores, seed 7, mask seed 0): 17.96 dB at 100 steps (the unseen
// pixels settle by step ~25, after which the fit only memorises the seen ones: 17.96 dB still at 300
// steps, psnr_observed 150 dB); the flat image (its mean everywhere) scores 12.19 dB; the same 100 steps
// supervised on every pixel (sparsity 1) 49.5 dB; with --prior tv --k1 0.01, 18.5 dB.
TEST_F(ImageInpaintingFit, TenPercentOfThePixelsFitTheWholeImage) {
  constexpr int kSide = 48;
  constexpr int kSteps = 100;
  const Image image = testing::synthetic_image(kSide, kSide);
  FitConfig config = preset_fit_config("image-inpainting");
  config.task.options["sparsity"] = "0.1";
  config.train.steps = kSteps;
  config.train.seed = 7;
  const std::string model_path = (dir_ / "inpainted.siren").string();
  std::vector<Progress> progress;
  FitCallbacks callbacks;
  callbacks.on_progress = [&](const Progress& p) { progress.push_back(p); };
  const FitResult fit = run_fit(config, encode_png(image), {"", model_path}, callbacks);

  ASSERT_EQ(progress.size(), size_t(kSteps) + 1);
  EXPECT_TRUE(progress.front().metrics.count("psnr_observed"));
  const double psnr = fit.final.metrics.at("psnr"), observed = fit.final.metrics.at("psnr_observed");

  // The flat output (the image's mean everywhere) as the threshold's floor.
  double mean = 0;
  for (float v : image.pixels) mean += v;
  mean /= double(image.pixels.size());
  Image flat = image;
  std::fill(flat.pixels.begin(), flat.pixels.end(), static_cast<float>(mean));
  const double flat_psnr = psnr_against(flat, image);

  // The model renders as an image model, and its rendering scores what the fit reported: every pixel.
  const FieldModel model = FieldModel::load(model_path);
  const Image rendered = model.render_image(kSide, kSide);
  const double rendered_psnr = psnr_against(rendered, image);
  const Image exported = decode_image(testing::exported_bytes(model, "png", {}));
  EXPECT_EQ(exported.width, kSide);
  EXPECT_EQ(exported.height, kSide);
  std::cout << kSide << "x" << kSide << ", 10% of the pixels, " << kSteps << " steps: psnr (all pixels) " << psnr
            << " dB, psnr_observed " << observed << " dB, rendered " << rendered_psnr << " dB; flat image "
            << flat_psnr << " dB\n";

  constexpr double kThreshold = 16.5;     // 1.5 dB under the measured 17.96
  EXPECT_GT(kThreshold, flat_psnr + 3.0);  // a flat output cannot pass
  EXPECT_GT(psnr, kThreshold);
  EXPECT_NEAR(rendered_psnr, psnr, 0.2);  // 8-bit rounding aside, the same score
  EXPECT_GT(observed, psnr);              // the seen pixels fit better than the unseen ones
}

}  // namespace
}  // namespace siren
