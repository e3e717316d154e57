#include "siren/image_size.h"

#include <cstdint>
#include <cstdlib>

#include "siren/errors.h"

namespace siren {
namespace {

int parse_positive(const std::string& text, const std::string& whole) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value <= 0 || value > 1'000'000)
    throw InvalidInput("bad size \"" + whole + "\": expected WxH (e.g. 512x512) or N, with positive integers");
  return static_cast<int>(value);
}

}  // namespace

ImageSize parse_image_size(const std::string& text) {
  const auto x = text.find_first_of("xX");
  if (x == std::string::npos) {
    const int n = parse_positive(text, text);
    return {n, n};
  }
  return {parse_positive(text.substr(0, x), text), parse_positive(text.substr(x + 1), text)};
}

ImageSize png_image_size(const std::string& png) {
  // The signature (8 bytes), the IHDR chunk's length and type (8), then width and height, big-endian.
  static const char kSignature[] = "\x89PNG\r\n\x1a\n";
  if (png.size() < 24 || png.compare(0, 8, kSignature, 8) != 0 || png.compare(12, 4, "IHDR") != 0) return {};
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  return {static_cast<int>(u32(16)), static_cast<int>(u32(20))};
}

std::string to_string(const ImageSize& size) {
  return std::to_string(size.width) + "x" + std::to_string(size.height);
}

}  // namespace siren
