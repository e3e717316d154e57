#include "siren/io/video.h"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <opencv2/videoio/registry.hpp>

#include "siren/errors.h"
#include "siren/io/files.h"

namespace siren {
namespace {

constexpr double kDefaultFps = 25.0;

// OpenCV's videoio only reads and writes named files: a uniquely named temporary one, removed on scope exit.
class TempFile {
 public:
  explicit TempFile(const std::string& suffix) {
    std::string pattern = (std::filesystem::temp_directory_path() / "siren_video_XXXXXX").string() + suffix;
    fd_ = ::mkstemps(pattern.data(), static_cast<int>(suffix.size()));
    if (fd_ < 0) throw std::runtime_error("cannot create a temporary video file: " + std::string(std::strerror(errno)));
    path_ = pattern;
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }

  void write_all(const std::string& bytes) {
    size_t written = 0;
    while (written < bytes.size()) {
      const ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw std::runtime_error("cannot write a temporary video file: " + std::string(std::strerror(errno)));
      written += static_cast<size_t>(n);
    }
    close();
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

// A decoded frame (BGR/BGRA/gray, 8- or 16-bit) -> RGB floats in [0, 1], divided element by element as
// the reference's vread(...) / 255.
Image frame_to_image(const cv::Mat& decoded) {
  cv::Mat m = decoded;
  if (m.channels() == 4) cv::cvtColor(m, m, cv::COLOR_BGRA2RGB);
  else if (m.channels() == 3) cv::cvtColor(m, m, cv::COLOR_BGR2RGB);
  else if (m.channels() == 1) cv::cvtColor(m, m, cv::COLOR_GRAY2RGB);
  else throw InvalidInput("unsupported video frames with " + std::to_string(m.channels()) + " channels");
  float divisor = 1.0f;
  if (m.depth() == CV_8U) divisor = 255.0f;
  else if (m.depth() == CV_16U) divisor = 65535.0f;
  else if (m.depth() != CV_32F) throw InvalidInput("unsupported video sample depth");
  cv::Mat f;
  m.convertTo(f, CV_32F);
  Image image{f.cols, f.rows, 3, {}};
  image.pixels.resize(static_cast<size_t>(f.cols) * f.rows * 3);
  for (int r = 0; r < f.rows; ++r) {
    const float* row = f.ptr<float>(r);
    float* out = image.pixels.data() + static_cast<size_t>(r) * f.cols * 3;
    for (int i = 0; i < f.cols * 3; ++i) out[i] = row[i] / divisor;
  }
  return image;
}

bool open_capture(cv::VideoCapture& capture, const std::string& path) {
  // FFmpeg reads nearly every container; OpenCV's own MJPEG reader (AVI only, and chatty on stderr about
  // what it cannot parse) only stands in for builds without FFmpeg.
  const int api = cv::videoio_registry::hasBackend(cv::CAP_FFMPEG) ? cv::CAP_FFMPEG : cv::CAP_OPENCV_MJPEG;
  try {
    return capture.open(path, api) && capture.isOpened();
  } catch (const cv::Exception&) {
    return false;
  }
}

}  // namespace

Video decode_video(const std::string& bytes, const VideoDecodeOptions& options) {
  if (bytes.empty()) throw InvalidInput("the input is empty (0 bytes); expected a video file (AVI, MP4, MKV, ...)");
  if (options.max_frames < 0 || options.width < 0 || options.height < 0 || (options.width > 0) != (options.height > 0))
    throw InvalidInput("bad video decode options: max_frames, width and height must be >= 0, "
                       "width and height given together");
  TempFile file("");
  file.write_all(bytes);
  cv::VideoCapture capture;
  if (!open_capture(capture, file.path()))
    throw InvalidInput("could not decode the input as a video; supported: AVI, MP4, MKV, MOV, WebM, ... (FFmpeg)");

  Video video;
  const double fps = capture.get(cv::CAP_PROP_FPS);
  video.fps = std::isfinite(fps) && fps > 0 && fps < 1e4 ? fps : 0.0;
  int source_width = 0, source_height = 0;
  cv::Mat decoded;
  for (;;) {
    if (options.max_frames > 0 && video.frames >= options.max_frames) break;
    bool got = false;
    try {
      got = capture.read(decoded);
    } catch (const cv::Exception& e) {
      throw InvalidInput(std::string("could not decode the input as a video: ") + e.what());
    }
    if (!got || decoded.empty()) break;
    if (video.frames == 0) {
      source_width = decoded.cols;
      source_height = decoded.rows;
      video.width = options.width > 0 ? options.width : source_width;
      video.height = options.height > 0 ? options.height : source_height;
    } else if (decoded.cols != source_width || decoded.rows != source_height) {
      throw InvalidInput("the video's frames change size: frame 0 is " + std::to_string(source_width) + "x" +
                         std::to_string(source_height) + ", frame " + std::to_string(video.frames) + " is " +
                         std::to_string(decoded.cols) + "x" + std::to_string(decoded.rows));
    }
    const int64_t voxels = int64_t{video.frames + 1} * video.width * video.height;
    if (voxels > options.max_voxels)
      throw InvalidInput("the video is too large: more than " + std::to_string(options.max_voxels) +
                         " voxels (frames x height x width) after " + std::to_string(video.frames + 1) + " frames of " +
                         std::to_string(video.width) + "x" + std::to_string(video.height) +
                         "; keep fewer frames (max_frames) or resize the frames (size)");
    Image frame = frame_to_image(decoded);
    if (frame.width != video.width || frame.height != video.height)
      frame = resize_image(frame, video.width, video.height);
    video.pixels.insert(video.pixels.end(), frame.pixels.begin(), frame.pixels.end());
    ++video.frames;
  }
  if (video.frames == 0) throw InvalidInput("could not decode any frame of the video (0 frames)");
  if (video.width <= 0 || video.height <= 0) throw InvalidInput("the video has no pixels (0x0 frames)");
  return video;
}

struct VideoWriter::Impl {
  TempFile file{".avi"};
  cv::VideoWriter writer;
  int width = 0, height = 0, frames = 0;
  bool finished = false;
};

VideoWriter::VideoWriter(int width, int height, double fps, VideoCodec codec) : impl_(std::make_unique<Impl>()) {
  if (width <= 0 || height <= 0) throw InvalidInput("video frames must have a positive size");
  if (!(fps > 0 && fps <= 1000)) throw InvalidInput("video fps must be in (0, 1000]");
  impl_->width = width;
  impl_->height = height;
  impl_->file.close();
  const int fourcc = codec == VideoCodec::Ffv1 ? cv::VideoWriter::fourcc('F', 'F', 'V', '1')
                                               : cv::VideoWriter::fourcc('M', 'J', 'P', 'G');
  std::vector<int> apis = {cv::CAP_FFMPEG};
  if (codec == VideoCodec::Mjpeg) apis.push_back(cv::CAP_OPENCV_MJPEG);
  for (int api : apis) {
    try {
      if (impl_->writer.open(impl_->file.path(), api, fourcc, fps, cv::Size(width, height), true) &&
          impl_->writer.isOpened())
        break;
    } catch (const cv::Exception&) {
    }
  }
  if (!impl_->writer.isOpened())
    throw std::runtime_error(std::string("no ") + (codec == VideoCodec::Ffv1 ? "FFV1" : "MJPEG") +
                             " video encoder is available in this OpenCV build");
  impl_->writer.set(cv::VIDEOWRITER_PROP_QUALITY, 95);  // honoured by OpenCV's own MJPEG encoder
}

VideoWriter::VideoWriter(VideoWriter&&) noexcept = default;
VideoWriter& VideoWriter::operator=(VideoWriter&&) noexcept = default;
VideoWriter::~VideoWriter() = default;

int VideoWriter::frames_written() const { return impl_->frames; }

void VideoWriter::add_frame(const Image& frame) {
  if (impl_->finished) throw std::logic_error("VideoWriter::add_frame after finish");
  if (frame.width != impl_->width || frame.height != impl_->height || (frame.channels != 1 && frame.channels != 3))
    throw InvalidInput("video frame is " + std::to_string(frame.width) + "x" + std::to_string(frame.height) + "x" +
                       std::to_string(frame.channels) + ", the video is " + std::to_string(impl_->width) + "x" +
                       std::to_string(impl_->height) + " RGB");
  const cv::Mat f(frame.height, frame.width, CV_MAKETYPE(CV_32F, frame.channels),
                  const_cast<float*>(frame.pixels.data()));
  cv::Mat u8;
  f.convertTo(u8, CV_8U, 255.0);  // saturates to [0, 255], rounds to nearest
  cv::cvtColor(u8, u8, frame.channels == 3 ? cv::COLOR_RGB2BGR : cv::COLOR_GRAY2BGR);
  impl_->writer.write(u8);
  ++impl_->frames;
}

std::string VideoWriter::finish() {
  if (impl_->finished) throw std::logic_error("VideoWriter::finish called twice");
  if (impl_->frames == 0) throw InvalidInput("a video needs at least one frame");
  impl_->writer.release();
  impl_->finished = true;
  return read_file(impl_->file.path());
}

std::string encode_video(const Video& video, VideoCodec codec) {
  VideoWriter writer(video.width, video.height, video.fps > 0 ? video.fps : kDefaultFps, codec);
  for (int t = 0; t < video.frames; ++t) writer.add_frame(video.frame(t));
  return writer.finish();
}

}  // namespace siren
