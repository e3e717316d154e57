#include "siren/tasks/video_export.h"

#include <algorithm>
#include <cmath>

#include "siren/errors.h"
#include "siren/io/video.h"
#include "siren/tasks/video_task.h"

namespace siren {
namespace {

constexpr int kMaxSide = 1 << 15;
constexpr int kMaxFrames = 1 << 20;
constexpr int64_t kRowsPerQuery = 1 << 16;  // points per query call: bounds the coordinate buffers

struct FrameSize {
  int width;
  int height;
};

FrameSize frame_size(const FieldModel& model, const ExportOptions& options) {
  const auto& meta = model.info().metadata;
  const double scale = export_double_option(options, "scale", 1.0, 1e-3, 1e3);
  const int width = export_int_option(options, "width",
                                      std::max(1, static_cast<int>(std::lround(std::stoi(meta.at("width")) * scale))),
                                      1, kMaxSide);
  const int height = export_int_option(
      options, "height", std::max(1, static_cast<int>(std::lround(std::stoi(meta.at("height")) * scale))), 1, kMaxSide);
  return {width, height};
}

const std::vector<ExportOption> kSizeOptions = {
    {"width", "frame width in pixels (default: the fitted width, times scale)"},
    {"height", "frame height in pixels (default: the fitted height, times scale)"},
    {"scale", "multiply the fitted frame size, e.g. 2 = 2x spatial super-resolution (default 1)"}};

std::vector<ExportOption> with_size_options(std::vector<ExportOption> options) {
  options.insert(options.end(), kSizeOptions.begin(), kSizeOptions.end());
  return options;
}

}  // namespace

Image render_video_frame(const FieldModel& model, double frame, int fitted_frames, int width, int height) {
  if (width <= 0 || height <= 0) throw InvalidInput("frame size must be positive");
  const float t = grid_axis_coordinate(frame, fitted_frames);
  Image image{width, height, 3, {}};
  image.pixels.reserve(static_cast<size_t>(width) * height * 3);
  std::vector<float> rows(static_cast<size_t>(height)), cols(static_cast<size_t>(width));
  for (int r = 0; r < height; ++r) rows[static_cast<size_t>(r)] = grid_axis_coordinate(r, height);
  for (int c = 0; c < width; ++c) cols[static_cast<size_t>(c)] = grid_axis_coordinate(c, width);
  const int64_t total = int64_t{width} * height;
  std::vector<float> coords;
  for (int64_t start = 0; start < total; start += kRowsPerQuery) {
    const int64_t n = std::min(kRowsPerQuery, total - start);
    coords.clear();
    for (int64_t p = start; p < start + n; ++p) {
      coords.push_back(t);
      coords.push_back(rows[static_cast<size_t>(p / width)]);
      coords.push_back(cols[static_cast<size_t>(p % width)]);
    }
    // Network output in [-1, 1] -> [0, 1], clipped, as the reference's pred / 2 + 0.5.
    for (float v : model.query(coords)) image.pixels.push_back(std::clamp(v / 2.0f + 0.5f, 0.0f, 1.0f));
  }
  return image;
}

TaskExporter video_avi_exporter() {
  ExportFormat format{
      "avi", ".avi", "the whole clip rendered from the field, any frame count and size (Motion-JPEG AVI)",
      with_size_options(
          {{"frames", "frames to render, spread evenly over the clip: more than the fitted count = temporal "
                      "super-resolution (default: the fitted count)"},
           {"fps", "playback frame rate (default: the input's, or 25 if it had none); pass "
                   "fps x frames / fitted frames to keep the duration"},
           {"codec", "mjpg (lossy, plays everywhere) or ffv1 (lossless) (default mjpg)"}})};
  auto write = [](const FieldModel& model, const ExportOptions& options, const ByteSink& sink, int64_t max_samples) {
    const auto& meta = model.info().metadata;
    const int fitted_frames = std::stoi(meta.at("frames"));
    const double fitted_fps = std::stod(meta.at("fps"));
    const int frames = export_int_option(options, "frames", fitted_frames, 1, kMaxFrames);
    const double fps = export_double_option(options, "fps", fitted_fps > 0 ? fitted_fps : 25.0, 1e-3, 1000.0);
    const auto codec_option = options.find("codec");
    const VideoCodec codec = codec_option == options.end() || codec_option->second.empty()
                                 ? VideoCodec::Mjpeg
                                 : video_codec_from_string(codec_option->second);
    const FrameSize size = frame_size(model, options);
    check_export_samples(int64_t{frames} * size.width * size.height, max_samples,
                         std::to_string(frames) + " frames of " + std::to_string(size.width) + "x" +
                             std::to_string(size.height));
    VideoWriter writer(size.width, size.height, fps, codec);
    for (int k = 0; k < frames; ++k) {
      // Output frame k sits at fitted frame k (T - 1) / (K - 1): the first and last frames coincide.
      const double position = frames > 1 ? double(k) * (fitted_frames - 1) / double(frames - 1) : 0.0;
      writer.add_frame(render_video_frame(model, position, fitted_frames, size.width, size.height));
    }
    sink(writer.finish());
  };
  return {format, write};
}

TaskExporter video_png_exporter() {
  ExportFormat format{"png", ".png", "one frame of the video field as a PNG, at any size and any (fractional) time",
                      with_size_options({{"frame", "frame index, 0-based; a fraction (e.g. 2.5) samples the field "
                                                   "between frames (default 0)"}})};
  auto write = [](const FieldModel& model, const ExportOptions& options, const ByteSink& sink, int64_t max_samples) {
    const int fitted_frames = std::stoi(model.info().metadata.at("frames"));
    const double frame = export_double_option(options, "frame", 0.0, 0.0, std::max(0, fitted_frames - 1));
    const FrameSize size = frame_size(model, options);
    check_export_samples(int64_t{size.width} * size.height, max_samples,
                         std::to_string(size.width) + "x" + std::to_string(size.height) + " pixels");
    sink(encode_png(render_video_frame(model, frame, fitted_frames, size.width, size.height)));
  };
  return {format, write};
}

}  // namespace siren
