// Any bytes given to the video decoder either decode to equal-sized RGB frames within the voxel limit
// or fail with InvalidInput. (FFmpeg itself is not instrumented; what is checked is our handling.)
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "siren/errors.h"
#include "siren/io/video.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  siren::VideoDecodeOptions options;
  options.max_voxels = int64_t{1} << 20;  // keeps one iteration's memory small
  try {
    const siren::Video video = siren::decode_video(std::string(reinterpret_cast<const char*>(data), size), options);
    FUZZ_CHECK(video.frames > 0 && video.width > 0 && video.height > 0);
    FUZZ_CHECK(int64_t{video.frames} * video.width * video.height <= options.max_voxels);
    FUZZ_CHECK(video.pixels.size() == video.frame_values() * video.frames);
  } catch (const siren::InvalidInput&) {
  }
  return 0;
}
