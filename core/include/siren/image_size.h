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
// A PNG's width and height from its header; 0x0 when the bytes are not a PNG.
ImageSize png_image_size(const std::string& png);

}  // namespace siren
