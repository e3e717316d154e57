#include "siren/io/input_limits.h"

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>

#include "siren/errors.h"

namespace siren {
namespace {

std::mutex& limits_mutex() {
  static std::mutex mu;
  return mu;
}

InputLimits& current() {
  static InputLimits limits;
  return limits;
}

// OpenCV's imgcodecs checks width x height against this variable right after reading an image's header.
void cap_opencv_image_decoder(int64_t max_pixels) {
  ::setenv("OPENCV_IO_MAX_IMAGE_PIXELS", std::to_string(max_pixels).c_str(), /*overwrite=*/1);
}

const bool kOpenCvCappedAtStart = [] {
  cap_opencv_image_decoder(InputLimits{}.max_image_pixels);
  return true;
}();

}  // namespace

void InputLimits::validate() const {
  auto positive = [](int64_t value, const char* name) {
    if (value < 1) throw InvalidInput(std::string(name) + " must be at least 1, got " + std::to_string(value));
  };
  positive(max_image_pixels, "the image pixel limit");
  positive(max_audio_samples, "the audio sample limit");
  positive(max_video_voxels, "the video voxel limit");
  positive(max_points, "the point limit");
}

const InputLimits& input_limits() {
  (void)kOpenCvCappedAtStart;
  std::lock_guard<std::mutex> lock(limits_mutex());
  return current();
}

void set_input_limits(const InputLimits& limits) {
  limits.validate();
  std::lock_guard<std::mutex> lock(limits_mutex());
  current() = limits;
  cap_opencv_image_decoder(limits.max_image_pixels);
}

}  // namespace siren
