// resize_image is PIL's Image.resize(BILINEAR), as the reference resizes: byte for byte on 8-bit images
// (gray and RGB, shrinking with its antialiasing support, enlarging, both at once) and to float
// rounding on other data. The expected values were computed by Pillow (data/pil_resize_expected.py).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "data/pil_resize_expected.h"
#include "siren/errors.h"
#include "siren/io/image.h"

namespace siren {
namespace {

// The generator's LCG, so the inputs need not be stored.
std::vector<uint8_t> lcg_bytes(size_t count, uint32_t seed) {
  std::vector<uint8_t> out(count);
  uint64_t x = seed;
  for (auto& b : out) {
    x = (1103515245ull * x + 12345ull) % (1ull << 31);
    b = static_cast<uint8_t>((x >> 16) & 255u);
  }
  return out;
}

Image image_of_bytes(int width, int height, int channels, uint32_t seed) {
  Image image{width, height, channels, {}};
  for (uint8_t b : lcg_bytes(static_cast<size_t>(width) * height * channels, seed))
    image.pixels.push_back(static_cast<float>(b) / 255.0f);  // as an 8-bit image decodes
  return image;
}

TEST(ImageResize, EightBitImagesComeOutAsPillowMakesThem) {
  for (const auto& c : testing::pil_resize_cases()) {
    const Image out = resize_image(image_of_bytes(c.width, c.height, c.channels, c.seed), c.out_width, c.out_height);
    ASSERT_EQ(out.width, c.out_width) << c.name;
    ASSERT_EQ(out.height, c.out_height) << c.name;
    ASSERT_EQ(out.pixels.size(), c.expected.size()) << c.name;
    int mismatches = 0;
    for (size_t i = 0; i < c.expected.size(); ++i) {
      const long byte = std::lrint(out.pixels[i] * 255.0f);
      if (byte != c.expected[i] && ++mismatches <= 3)
        ADD_FAILURE() << c.name << ": value " << i << " is " << byte << ", Pillow makes " << int{c.expected[i]};
    }
    EXPECT_EQ(mismatches, 0) << c.name;
  }
}

TEST(ImageResize, OtherDataTakesPillowsFloatPath) {
  Image image{19, 15, 1, {}};
  for (uint8_t b : lcg_bytes(19 * 15, 99)) image.pixels.push_back((static_cast<float>(b) + 0.5f) / 256.0f);
  const Image out = resize_image(image, 6, 4);
  const std::vector<float>& expected = testing::pil_resize_float_expected();
  ASSERT_EQ(out.pixels.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(out.pixels[i], expected[i], 1e-6) << "value " << i;
}

TEST(ImageResize, ShrinkingAntialiasesUnlikePointSampling) {
  // A one-pixel checkerboard halved: PIL's widened triangle averages it to mid gray everywhere, where a
  // plain two-tap bilinear (no antialiasing) would keep whole black or white pixels.
  Image board{16, 16, 1, {}};
  for (int y = 0; y < 16; ++y)
    for (int x = 0; x < 16; ++x) board.pixels.push_back(static_cast<float>((x + y) % 2));
  const Image half = resize_image(board, 8, 8);
  for (int y = 1; y < 7; ++y)  // the border's support is cut by the edge, as in PIL
    for (int x = 1; x < 7; ++x) EXPECT_NEAR(half.at(y, x, 0), 0.5f, 0.01f) << y << "," << x;
}

TEST(ImageResize, SameSizeIsUnchangedAndBadSizesAreRefused) {
  const Image image = image_of_bytes(5, 4, 3, 7);
  EXPECT_EQ(resize_image(image, 5, 4).pixels, image.pixels);
  EXPECT_THROW(resize_image(image, 0, 4), InvalidInput);
}

}  // namespace
}  // namespace siren
