#include "siren/image_size.h"

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

std::string to_string(const ImageSize& size) {
  return std::to_string(size.width) + "x" + std::to_string(size.height);
}

}  // namespace siren
