// Video: OpenCV/FFmpeg decoding and AVI encoding, the train_video task (grid, normalisation, sampling
// with replacement, preset), a short fit, and the avi/png exports.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <tuple>

#include "siren/errors.h"
#include "siren/export.h"
#include "siren/field_model.h"
#include "siren/fit.h"
#include "siren/grid.h"
#include "siren/io/files.h"
#include "siren/io/video.h"
#include "siren/tasks/video_export.h"
#include "siren/tasks/video_task.h"
#include "test_support.h"

namespace siren {
namespace {

namespace fs = std::filesystem;

// A colour gradient sliding right by 2 pixels a frame, plus a vertical ramp; 8-bit exact values.
Video moving_gradient(int frames = 6, int width = 24, int height = 20, double fps = 10) {
  Video video{frames, width, height, fps, {}};
  for (int t = 0; t < frames; ++t)
    for (int r = 0; r < height; ++r)
      for (int c = 0; c < width; ++c)
        for (int ch = 0; ch < 3; ++ch) {
          const double wave = std::sin(2 * M_PI * (c - 2.0 * t) / width + ch);
          const double v = 0.5 + 0.3 * wave + 0.15 * (double(r) / height - 0.5);
          video.pixels.push_back(static_cast<float>(std::lround(std::clamp(v, 0.0, 1.0) * 255) / 255.0));
        }
  return video;
}

using testing::invalid_input_message;

TEST(VideoIo, LosslessAviRoundTripsExactly) {
  const Video video = moving_gradient();
  const std::string avi = encode_video(video, VideoCodec::Ffv1);
  EXPECT_EQ(avi.substr(0, 4), "RIFF");
  const Video back = decode_video(avi);
  EXPECT_EQ(back.frames, 6);
  EXPECT_EQ(back.width, 24);
  EXPECT_EQ(back.height, 20);
  EXPECT_NEAR(back.fps, 10.0, 1e-6);
  ASSERT_EQ(back.pixels.size(), video.pixels.size());
  EXPECT_EQ(back.pixels, video.pixels);
  EXPECT_EQ(back.at(3, 7, 11, 2), video.at(3, 7, 11, 2));
}

TEST(VideoIo, MjpegAviIsCloseAndOptionsLimitFramesAndSize) {
  const Video video = moving_gradient();
  const Video back = decode_video(encode_video(video));
  ASSERT_EQ(back.frames, 6);
  ASSERT_EQ(back.pixels.size(), video.pixels.size());
  double error = 0;
  for (size_t i = 0; i < video.pixels.size(); ++i) error += std::fabs(back.pixels[i] - video.pixels[i]);
  EXPECT_LT(error / video.pixels.size(), 0.03);  // JPEG's chroma subsampling on a 24x20 frame

  VideoDecodeOptions options;
  options.max_frames = 4;
  options.width = 12;
  options.height = 10;
  const Video small = decode_video(encode_video(video, VideoCodec::Ffv1), options);
  EXPECT_EQ(small.frames, 4);
  EXPECT_EQ(small.width, 12);
  EXPECT_EQ(small.height, 10);
  EXPECT_EQ(small.pixels.size(), 4u * 12 * 10 * 3);
  EXPECT_EQ(small.frame(3).pixels, resize_image(video.frame(3), 12, 10).pixels);
  options = {};
  options.max_voxels = 5 * 24 * 20;
  EXPECT_NE(invalid_input_message([&] { decode_video(encode_video(video), options); }).find("max_frames"),
            std::string::npos);
}

TEST(VideoIo, BadInputIsInvalidInputWithAUsefulMessage) {
  const std::string avi = encode_video(moving_gradient());
  EXPECT_NE(invalid_input_message([] { decode_video(""); }).find("empty"), std::string::npos);
  EXPECT_NE(invalid_input_message([] { decode_video(std::string(5000, 'x')); }).find("could not decode"),
            std::string::npos);
  EXPECT_THROW(decode_video(avi.substr(0, 64)), InvalidInput);  // header cut short
  std::string scrambled = avi;
  for (size_t i = 0; i < scrambled.size(); i += 3) scrambled[i] = static_cast<char>(scrambled[i] ^ 0x5A);
  EXPECT_THROW(decode_video(scrambled), InvalidInput);
  EXPECT_THROW(video_codec_from_string("h265"), InvalidInput);
  VideoWriter writer(24, 20, 10);
  EXPECT_THROW(writer.add_frame(Image{10, 10, 3, std::vector<float>(300, 0.5f)}), InvalidInput);
  EXPECT_THROW(writer.finish(), InvalidInput);  // no frames
}

TEST(VideoTask, GridAndValuesAreTheReferences) {
  const Video video = moving_gradient();
  VideoTask task(video);
  EXPECT_EQ(task.num_points(), 6 * 20 * 24);
  // Every voxel's coordinate is get_mgrid((T, H, W))'s row, bit for bit, and its value (x - 0.5) / 0.5.
  const torch::Tensor all = torch::arange(task.num_points(), torch::kLong);
  EXPECT_TRUE(torch::equal(task.coords_of(all), coordinate_grid({6, 20, 24})));
  const int64_t voxel = (4 * 20 + 13) * 24 + 5;  // t 4, row 13, col 5
  EXPECT_EQ(task.values()[voxel][1].item<float>(), (video.at(4, 13, 5, 1) - 0.5f) / 0.5f);
  EXPECT_EQ(task.values().min().item<float>() >= -1.0f, true);
  EXPECT_EQ(task.values().max().item<float>() <= 1.0f, true);
  // Frame positions used by the exports, fractional ones too, sit on the same axis.
  const torch::Tensor t_axis = coordinate_grid({6}).reshape({-1});
  for (int t = 0; t < 6; ++t) EXPECT_EQ(grid_axis_coordinate(t, 6), t_axis[t].item<float>());
  EXPECT_FLOAT_EQ(grid_axis_coordinate(2.5, 6), 0.0f);
  EXPECT_EQ(grid_axis_coordinate(0, 1), 0.0f);
  const auto meta = task.metadata();
  EXPECT_EQ(meta.at("frames"), "6");
  EXPECT_EQ(meta.at("width"), "24");
  EXPECT_EQ(meta.at("height"), "20");
  EXPECT_EQ(std::stod(meta.at("fps")), 10.0);
}

TEST(VideoTask, EachStepDrawsAFractionOfTheVoxelsWithReplacement) {
  VideoTask task(moving_gradient(), 0.05);
  EXPECT_EQ(task.default_batch_size(), 144);  // int(0.05 * 2880)
  at::Generator a = at::make_generator<at::CPUGeneratorImpl>(11), b = at::make_generator<at::CPUGeneratorImpl>(11);
  const Batch first = task.sample(0, a), again = task.sample(0, b);
  EXPECT_EQ(first.coords.size(0), 144);
  EXPECT_TRUE(torch::equal(first.coords, again.coords));  // the generator alone decides the draw
  EXPECT_FALSE(torch::equal(task.sample(0, a).coords, first.coords));
  // The reference's torch.randint draws with replacement: a full-size draw repeats voxels.
  VideoTask everything(moving_gradient(), 1.0);
  const Batch draw = everything.sample(0, a);
  EXPECT_EQ(draw.coords.size(0), 2880);
  std::set<std::tuple<float, float, float>> distinct;
  const torch::Tensor c = draw.coords.contiguous();
  for (int64_t i = 0; i < c.size(0); ++i)
    distinct.insert({c[i][0].item<float>(), c[i][1].item<float>(), c[i][2].item<float>()});
  EXPECT_LT(distinct.size(), 2880u);
  // An explicit batch size sets the count; one covering the clip is the whole clip in order.
  EXPECT_EQ(task.sample(100, a).coords.size(0), 100);
  const Batch full = task.sample(2880, a);
  EXPECT_TRUE(torch::equal(full.coords, coordinate_grid({6, 20, 24})));
  EXPECT_TRUE(torch::equal(full.field("values"), task.values()));
  // The drawn values belong to the drawn coordinates.
  const Batch small = task.sample(0, a);
  const torch::Tensor grid = coordinate_grid({6, 20, 24});
  const torch::Tensor index = ((small.coords + 1) / 2 * torch::tensor({5.0f, 19.0f, 23.0f})).round().to(torch::kLong);
  const torch::Tensor flat = (index.select(1, 0) * 20 + index.select(1, 1)) * 24 + index.select(1, 2);
  EXPECT_TRUE(torch::equal(task.values().index_select(0, flat), small.field("values")));
}

TEST(VideoTask, PresetIsTrainVideoAndOptionsAreValidated) {
  const FitConfig c = preset_fit_config("video");
  EXPECT_EQ(c.model.activation, Activation::Sine);
  EXPECT_EQ(c.model.in_features, 3);
  EXPECT_EQ(c.model.out_features, 3);
  EXPECT_EQ(c.model.hidden_features, 1024);
  EXPECT_EQ(c.model.hidden_layers, 3);
  EXPECT_EQ(c.model.first_omega0, 30.0);
  EXPECT_EQ(c.model.hidden_omega0, 30.0);
  EXPECT_EQ(c.train.learning_rate, 1e-4);
  EXPECT_EQ(c.train.steps, 100000);
  EXPECT_EQ(c.train.batch_size, 0);
  // train_video.py's baselines: relu-pe ('nerf') and relu-rbf ('rbf') take SingleBVPNet's default width
  // 256; sine, relu and tanh are 1024 wide.
  EXPECT_EQ(preset_fit_config("video", Activation::ReluPe).model.hidden_features, 256);
  EXPECT_EQ(preset_fit_config("video", Activation::ReluRbf).model.hidden_features, 256);
  EXPECT_EQ(preset_fit_config("video", Activation::ReluRbf).model.activation, Activation::ReluRbf);
  EXPECT_EQ(preset_fit_config("video", Activation::Relu).model.hidden_features, 1024);
  EXPECT_EQ(preset_fit_config("video", Activation::Tanh).model.hidden_features, 1024);
  EXPECT_EQ(preset_fit_config("video", Activation::Sine).model.hidden_features, 1024);
  EXPECT_EQ(preset_fit_config("image", Activation::ReluPe).model.hidden_features, 256);
  ASSERT_EQ(export_formats("video").size(), 2u);
  EXPECT_EQ(export_formats("video")[0].name, "avi");
  EXPECT_EQ(export_formats("video")[1].name, "png");

  const std::string avi = encode_video(moving_gradient(), VideoCodec::Ffv1);
  TaskSpec spec;
  spec.kind = "video";
  spec.options = {{"size", "12x10"}, {"max_frames", "3"}, {"sample_fraction", "0.25"}};
  VideoTask task = testing::built_task<VideoTask>(spec, avi);
  EXPECT_EQ(task.frames(), 3);
  EXPECT_EQ(task.width(), 12);
  EXPECT_EQ(task.height(), 10);
  EXPECT_EQ(task.default_batch_size(), 90);
  ModelSpec model;
  model.activation = Activation::ReluPe;
  task.configure_model(model);
  EXPECT_EQ(model.pe_frequencies, 10);  // PosEncodingNeRF: 10 for 3-D inputs
  for (const auto& [key, bad] : std::vector<std::pair<std::string, std::string>>{
           {"sample_fraction", "0"}, {"sample_fraction", "2"}, {"max_frames", "0"}, {"size", "0x4"}, {"fps", "3"}}) {
    spec.options = {{key, bad}};
    EXPECT_THROW(testing::built_task<VideoTask>(spec, avi), InvalidInput) << key << "=" << bad;
  }
}

TEST(VideoFit, SirenLearnsTheClip) {
  FitConfig c = preset_fit_config("video");
  c.model.hidden_features = 64;
  c.train.steps = 60;
  c.task.options["sample_fraction"] = "1";  // 2880 voxels of the 6x20x24 clip drawn per step, and for the figure
  c.train.seed = 5;
  c.train.learning_rate = 1e-3;
  std::vector<double> psnr;
  FitCallbacks callbacks;
  callbacks.on_progress = [&](const Progress& p) { psnr.push_back(p.metrics.at("psnr")); };
  const FitResult r = run_fit(c, encode_video(moving_gradient(), VideoCodec::Ffv1), {}, callbacks);
  std::cout << "6x20x24 clip, 64 wide, 60 steps: PSNR " << psnr.front() << " -> " << r.final.metrics.at("psnr")
            << " dB\n";
  EXPECT_GT(r.final.metrics.at("psnr"), psnr.front() + 10);
  EXPECT_GT(r.final.metrics.at("psnr"), 25.0);
}

TEST(VideoTask, SummaryScoresFramesZeroSixtyOneTwentyAndTwoHundredThatExist) {
  EXPECT_EQ(VideoTask(moving_gradient(6, 4, 3)).summary_frames(), std::vector<int>({0}));
  EXPECT_EQ(VideoTask(moving_gradient(64, 4, 3)).summary_frames(), std::vector<int>({0, 60}));
  EXPECT_EQ(VideoTask(moving_gradient(201, 4, 3)).summary_frames(), std::vector<int>({0, 60, 120, 200}));
}

// psnr is write_video_summary's (frames 0 and 60 of this clip, whole), refreshed every summary_every steps
// and at the end; batch_psnr is each step's draw.
TEST(VideoFit, PsnrIsOnWholeFramesEverySummaryAndAtTheEnd) {
  const std::string path = (fs::temp_directory_path() / ("siren_video_summary_" + std::to_string(::getpid()))).string();
  FitConfig c = preset_fit_config("video");
  c.model.hidden_features = 16;
  c.model.hidden_layers = 1;
  c.train.steps = 12;
  c.train.learning_rate = 1e-3;
  c.task.options["summary_every"] = "5";
  std::map<int64_t, std::pair<double, double>> figures;  // step -> (psnr, batch_psnr) of the steps' reports
  FitCallbacks callbacks;
  callbacks.on_progress = [&](const Progress& p) {
    if (p.step < 12) figures.emplace(p.step, std::make_pair(p.metrics.at("psnr"), p.metrics.at("batch_psnr")));
  };
  const Video clip = moving_gradient(64, 8, 6);
  const FitResult r = run_fit(c, encode_video(clip, VideoCodec::Ffv1), {"", path}, callbacks);
  ASSERT_EQ(figures.size(), 12u);
  for (int step : {1, 2, 3, 4, 6, 7, 8, 9, 11}) EXPECT_EQ(figures[step].first, figures[step - 1].first) << step;
  EXPECT_NE(figures[5].first, figures[4].first);
  EXPECT_NE(figures[10].first, figures[9].first);
  EXPECT_NE(figures[1].second, figures[0].second);  // a fresh draw every step

  // The final psnr by hand: frames 0 and 60 rendered from the saved model, mapped to [0, 1], clamped.
  const FieldModel model = FieldModel::load(path);
  double squared = 0;
  for (int f : {0, 60}) {
    std::vector<float> coords;
    for (int row = 0; row < clip.height; ++row)
      for (int col = 0; col < clip.width; ++col)
        for (double v : {double(grid_axis_coordinate(f, 64)), double(grid_axis_coordinate(row, clip.height)),
                         double(grid_axis_coordinate(col, clip.width))})
          coords.push_back(static_cast<float>(v));
    const std::vector<float> out = model.query(coords);
    for (size_t i = 0; i < out.size(); ++i) {
      const double predicted = std::clamp(out[i] / 2.0 + 0.5, 0.0, 1.0);
      const double truth = clip.pixels[static_cast<size_t>(f) * clip.frame_values() + i];
      squared += (predicted - truth) * (predicted - truth);
    }
  }
  const double mse = squared / (2.0 * clip.frame_values());
  EXPECT_NEAR(r.final.metrics.at("psnr"), 10 * std::log10(1 / mse), 1e-3);
  fs::remove(path);
}

class VideoExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = (fs::temp_directory_path() / ("siren_video_export_" + std::to_string(::getpid()) + ".ckpt")).string();
    FitConfig c = preset_fit_config("video");
    c.model.hidden_features = 16;
    c.train.steps = 3;
    run_fit(c, encode_video(moving_gradient()), {"", path_}, {});
  }
  static void TearDownTestSuite() { fs::remove(path_); }

  static std::string export_bytes(const std::string& format, const ExportOptions& options,
                                  int64_t max_samples = kDefaultMaxExportSamples) {
    return testing::exported_bytes(FieldModel::load(path_), format, options, max_samples);
  }
  static std::string path_;
};
std::string VideoExportTest::path_;

TEST_F(VideoExportTest, AviHasTheFittedFramesOrAnyOtherCountAndSize) {
  const Video same = decode_video(export_bytes("", {{"codec", "ffv1"}}));  // avi is the default format
  EXPECT_EQ(same.frames, 6);
  EXPECT_EQ(same.width, 24);
  EXPECT_EQ(same.height, 20);
  EXPECT_NEAR(same.fps, 10.0, 1e-6);
  // Frame k of the clip is the field at the grid's t of frame k (8-bit rounded).
  const FieldModel model = FieldModel::load(path_);
  const Image frame4 = render_video_frame(model, 4, 6, 24, 20);
  for (size_t i = 0; i < frame4.pixels.size(); i += 37)
    EXPECT_NEAR(same.frame(4).pixels[i], frame4.pixels[i], 0.5 / 255 + 1e-6);
  const std::vector<float> probe = model.query({grid_axis_coordinate(4, 6), grid_axis_coordinate(7, 20),
                                                grid_axis_coordinate(11, 24)});
  EXPECT_NEAR(frame4.at(7, 11, 0), std::clamp(probe[0] / 2 + 0.5f, 0.0f, 1.0f), 1e-6);

  const Video slow = decode_video(export_bytes("avi", {{"frames", "11"}, {"scale", "0.5"}, {"fps", "5"}}));
  EXPECT_EQ(slow.frames, 11);
  EXPECT_EQ(slow.width, 12);
  EXPECT_EQ(slow.height, 10);
  EXPECT_NEAR(slow.fps, 5.0, 1e-6);
  EXPECT_EQ(decode_video(export_bytes("avi", {{"width", "16"}, {"height", "8"}})).width, 16);
}

TEST_F(VideoExportTest, PngIsOneFrameAtAnyTime) {
  const Image first = decode_image(export_bytes("png", {}));
  EXPECT_EQ(first.width, 24);
  EXPECT_EQ(first.height, 20);
  EXPECT_EQ(first.channels, 3);
  const Image between = decode_image(export_bytes("png", {{"frame", "2.5"}, {"scale", "2"}}));
  EXPECT_EQ(between.width, 48);
  EXPECT_EQ(between.height, 40);
  EXPECT_EQ(decode_image(export_bytes("png", {{"frame", "5"}})).width, 24);
}

TEST_F(VideoExportTest, BadOptionsAndOversizedExportsAreInvalidInput) {
  EXPECT_THROW(export_bytes("png", {{"frame", "6"}}), InvalidInput);  // frames are 0..5
  EXPECT_THROW(export_bytes("png", {{"frame", "-1"}}), InvalidInput);
  EXPECT_THROW(export_bytes("avi", {{"frames", "0"}}), InvalidInput);
  EXPECT_THROW(export_bytes("avi", {{"fps", "0"}}), InvalidInput);
  EXPECT_THROW(export_bytes("avi", {{"codec", "h264"}}), InvalidInput);
  EXPECT_THROW(export_bytes("avi", {{"quality", "9"}}), InvalidInput);
  EXPECT_THROW(export_bytes("wav", {}), InvalidInput);
  EXPECT_THROW(export_bytes("avi", {}, /*max_samples=*/6 * 24 * 20 - 1), InvalidInput);
  EXPECT_NO_THROW(export_bytes("avi", {}, /*max_samples=*/6 * 24 * 20));
  EXPECT_THROW(export_bytes("png", {{"scale", "2"}}, /*max_samples=*/24 * 20), InvalidInput);
}

TEST(VideoData, TreeAviDecodes) {
  const std::string path = std::string(SIREN_SOURCE_DIR) + "/../shared/data/tree.avi";
  if (!fs::exists(path)) GTEST_SKIP() << path << " is not here";
  const std::string bytes = read_file(path);
  const Video tree = decode_video(bytes);
  EXPECT_EQ(tree.frames, 68);
  EXPECT_EQ(tree.width, 320);
  EXPECT_EQ(tree.height, 240);
  EXPECT_NEAR(tree.fps, 15.0, 0.01);
  VideoDecodeOptions options;
  options.max_frames = 5;
  options.width = 64;
  options.height = 48;
  const Video small = decode_video(bytes, options);
  EXPECT_EQ(small.frames, 5);
  EXPECT_EQ(small.width, 64);
}

}  // namespace
}  // namespace siren
