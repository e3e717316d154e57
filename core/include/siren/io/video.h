#pragma once
// Video decoding/encoding via OpenCV's videoio (FFmpeg) through temporary files (no LibTorch here).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "siren/io/image.h"
#include "siren/io/input_limits.h"

namespace siren {

// RGB frames as floats in [0, 1] (8-bit / 255, as the reference's vread / 255), laid out (T, H, W, 3).
struct Video {
  int frames = 0;
  int width = 0;
  int height = 0;
  double fps = 0.0;  // 0 when the container does not say
  std::vector<float> pixels;

  static constexpr int kChannels = 3;
  size_t frame_values() const { return static_cast<size_t>(width) * height * kChannels; }
  float at(int t, int row, int col, int ch) const {
    return pixels[static_cast<size_t>(t) * frame_values() + (static_cast<size_t>(row) * width + col) * kChannels + ch];
  }
  Image frame(int t) const;
};


struct VideoDecodeOptions {
  int max_frames = 0;  // keep at most this many frames from the start; 0 = all
  int width = 0;       // resize every frame to width x height (area averaging when shrinking); 0 = keep
  int height = 0;
  // Most voxels (frames x height x width) to keep: bounds memory (values are 12 bytes a voxel).
  int64_t max_voxels = input_limits().max_video_voxels;
};

// AVI/MP4/MKV/WebM/... bytes -> frames. Throws InvalidInput on empty or undecodable bytes, zero frames,
// frames of different sizes, or more than max_voxels after resizing and the frame limit.
Video decode_video(const std::string& bytes, const VideoDecodeOptions& options = {});

enum class VideoCodec {
  Mjpeg,  // Motion-JPEG in AVI: plays everywhere, lossy (JPEG quality 95)
  Ffv1,   // FFV1 in AVI: lossless 8-bit, needs FFmpeg to play
};
// "mjpg" / "ffv1"; throws InvalidInput for anything else.
VideoCodec video_codec_from_string(const std::string& name);

// Streams frames into an AVI file, one frame in memory at a time; finish() returns the file's bytes.
class VideoWriter {
 public:
  // Throws InvalidInput for a non-positive size or fps, std::runtime_error if no encoder is available.
  VideoWriter(int width, int height, double fps, VideoCodec codec = VideoCodec::Mjpeg);
  VideoWriter(VideoWriter&&) noexcept;
  VideoWriter& operator=(VideoWriter&&) noexcept;
  ~VideoWriter();

  void add_frame(const Image& frame);  // RGB (or gray) in [0, 1], clipped; must match the writer's size
  std::string finish();
  int frames_written() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The whole clip at its own fps (25 when the clip has none).
std::string encode_video(const Video& video, VideoCodec codec = VideoCodec::Mjpeg);

}  // namespace siren
