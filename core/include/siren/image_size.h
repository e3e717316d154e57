#pragma once
#include <string>

namespace siren {

struct ImageSize {
  int width = 0;
  int height = 0;
};

// "WxH" (e.g. "512x384") or "N" (square). Throws InvalidInput for anything else or non-positive sizes.
ImageSize parse_image_size(const std::string& text);
std::string to_string(const ImageSize& size);

}  // namespace siren
