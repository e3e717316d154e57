#pragma once
// How large a decoded input may be. A few kilobytes of PNG or FLAC can claim gigabytes of samples, so
// the decoders check these before they allocate. Process-wide because the decoders run deep inside the
// tasks: the server sets them once at start from its --max-* flags; the defaults suit a workstation.
// No LibTorch here.
#include <cstdint>

namespace siren {

struct InputLimits {
  int64_t max_image_pixels = int64_t{1} << 26;   // width x height (67M, e.g. 8192 x 8192)
  int64_t max_audio_samples = int64_t{1} << 26;  // about 25 minutes at 44.1 kHz
  int64_t max_video_voxels = int64_t{1} << 26;   // frames x height x width after resizing
  int64_t max_points = int64_t{1} << 25;         // oriented points of a point cloud / mesh vertices

  // Throws InvalidInput naming the first limit that is not positive.
  void validate() const;
};

const InputLimits& input_limits();
// Also caps OpenCV's image decoder, which then refuses an oversized image from its header, before it
// allocates the pixels; call it before the first decode (OpenCV reads its cap once).
void set_input_limits(const InputLimits& limits);

}  // namespace siren
