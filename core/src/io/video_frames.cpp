// The parts of video.h that need no codec library: frames of a decoded video and codec names.
#include "siren/errors.h"
#include "siren/io/video.h"

namespace siren {

Image Video::frame(int t) const {
  if (t < 0 || t >= frames) throw InvalidInput("frame " + std::to_string(t) + " is outside the video's " +
                                               std::to_string(frames) + " frames");
  Image image{width, height, kChannels, {}};
  const auto begin = pixels.begin() + static_cast<std::ptrdiff_t>(t * frame_values());
  image.pixels.assign(begin, begin + static_cast<std::ptrdiff_t>(frame_values()));
  return image;
}

VideoCodec video_codec_from_string(const std::string& name) {
  if (name == "mjpg") return VideoCodec::Mjpeg;
  if (name == "ffv1") return VideoCodec::Ffv1;
  throw InvalidInput("unknown video codec \"" + name + "\"; codecs: mjpg (lossy, plays everywhere), ffv1 (lossless)");
}

}  // namespace siren
