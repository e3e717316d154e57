#pragma once
// Image decoding/encoding via OpenCV (no LibTorch here).
#include <cstdint>
#include <string>
#include <vector>

namespace siren {

// Pixels as floats in [0, 1], row-major, interleaved channels (1 = gray, 3 = RGB).
struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<float> pixels;

  float at(int row, int col, int ch) const { return pixels[(static_cast<size_t>(row) * width + col) * channels + ch]; }
};

// PNG/JPEG/BMP/TIFF/... bytes -> Image. 8- and 16-bit; gray stays 1 channel, colour becomes RGB,
// alpha is dropped. Throws InvalidInput on undecodable bytes or an empty image.
Image decode_image(const std::string& bytes);
Image read_image_file(const std::string& path);
std::string encode_png(const Image& image);  // 8-bit PNG
void write_png_file(const Image& image, const std::string& path);
// Resizes as the reference (PIL's BILINEAR: a triangle filter widened when shrinking, so it
// antialiases); 8-bit images come out byte for byte as PIL makes them. core/src/io/image_resize.cpp.
Image resize_image(const Image& image, int width, int height);

}  // namespace siren
