#include <gtest/gtest.h>

#include "siren/errors.h"
#include "siren/fit_config.h"
#include "siren/image_size.h"
#include "siren/tasks/image_task.h"
#include "synthetic.h"
#include "test_support.h"

namespace siren {
namespace {

TEST(ImageTask, PixelsAreNormalisedAsTorchvision) {
  const Image img = testing::synthetic_image(5, 4, 1);
  ImageTask task(img);
  // ToTensor (x/255 already in Image) then Normalize(0.5, 0.5): (x - 0.5) / 0.5, row-major.
  EXPECT_FLOAT_EQ(task.values()[2 * 5 + 3][0].item<float>(), (img.at(2, 3, 0) - 0.5f) / 0.5f);
  EXPECT_FLOAT_EQ(task.coords()[2 * 5 + 3][0].item<float>(), -1.0f + 2.0f * 2 / 3.0f);  // row
  EXPECT_FLOAT_EQ(task.coords()[2 * 5 + 3][1].item<float>(), -1.0f + 2.0f * 3 / 4.0f);  // column
}

TEST(ImageTask, ConfiguresModelFromTheImage) {
  ImageTask task(testing::synthetic_image(256, 300, 3));
  ModelSpec spec;
  spec.activation = Activation::ReluPe;
  task.configure_model(spec);
  EXPECT_EQ(spec.in_features, 2);
  EXPECT_EQ(spec.out_features, 3);
  EXPECT_EQ(spec.pe_frequencies, 6);  // floor(log2(min(H, W) / 4))
}

TEST(ImageTask, SizeOptionResizesAndUnknownOptionsAreRejected) {
  const std::string png = encode_png(testing::synthetic_image(40, 30));
  TaskSpec spec;
  spec.options["size"] = "20x10";
  ImageTask task = testing::built_task<ImageTask>(spec, png);
  EXPECT_EQ(task.width(), 20);
  EXPECT_EQ(task.height(), 10);
  spec.options = {{"colour", "yes"}};
  EXPECT_THROW(testing::built_task<ImageTask>(spec, png), InvalidInput);
  spec.options = {{"size", "0x10"}};
  EXPECT_THROW(testing::built_task<ImageTask>(spec, png), InvalidInput);
}

TEST(ImageTask, PresetIsThePapers) {
  const FitConfig c = preset_fit_config("image");
  EXPECT_EQ(c.model.activation, Activation::Sine);
  EXPECT_EQ(c.model.hidden_features, 256);
  EXPECT_EQ(c.model.hidden_layers, 3);
  EXPECT_EQ(c.model.first_omega0, 30.0);
  EXPECT_EQ(c.model.hidden_omega0, 30.0);
  EXPECT_EQ(c.train.learning_rate, 1e-4);
  EXPECT_EQ(c.train.steps, 10000);
  EXPECT_EQ(c.train.batch_size, 0);
  EXPECT_THROW(preset_fit_config("holograms"), InvalidInput);
}

TEST(ImageSize, Parses) {
  EXPECT_EQ(parse_image_size("512x384").width, 512);
  EXPECT_EQ(parse_image_size("512x384").height, 384);
  EXPECT_EQ(parse_image_size("64").height, 64);
  EXPECT_THROW(parse_image_size("-3x4"), InvalidInput);
  EXPECT_THROW(parse_image_size("ax4"), InvalidInput);
  EXPECT_THROW(parse_image_size(""), InvalidInput);
}

TEST(FitConfig, JsonRoundTrip) {
  FitConfig c = preset_fit_config("image");
  c.model.activation = Activation::ReluPe;
  c.model.pe_frequencies = 5;
  c.train.seed = 42;
  c.task.options["size"] = "8x8";
  const FitConfig back = FitConfig::from_json(c.to_json());
  EXPECT_EQ(back.model.activation, Activation::ReluPe);
  EXPECT_EQ(back.model.pe_frequencies, 5);
  EXPECT_EQ(back.train.seed, 42u);
  EXPECT_EQ(back.task.options.at("size"), "8x8");
  EXPECT_THROW(FitConfig::from_json("{"), InvalidInput);
}

TEST(Validation, RejectsAbsurdSettings) {
  TrainOptions t;
  t.steps = -5;
  EXPECT_THROW(t.validate(), InvalidInput);
  t.steps = 1'000'000'000'000;
  EXPECT_THROW(t.validate(), InvalidInput);
  ModelSpec m;
  m.hidden_features = -1;
  EXPECT_THROW(m.validate(), InvalidInput);
  m.hidden_features = 1 << 20;
  EXPECT_THROW(m.validate(), InvalidInput);
  EXPECT_THROW(activation_from_string("gaussian"), InvalidInput);
}

}  // namespace
}  // namespace siren
