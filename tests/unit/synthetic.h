#pragma once
// Synthetic test signals made in the tests themselves (no external data needed).
#include <cmath>

#include "siren/io/image.h"

namespace siren::testing {

// A smooth image with a few sharp edges: the kind of content where SIREN beats ReLU by a wide margin.
inline Image synthetic_image(int width, int height, int channels = 1) {
  Image img{width, height, channels, {}};
  img.pixels.resize(static_cast<size_t>(width) * height * channels);
  for (int r = 0; r < height; ++r)
    for (int c = 0; c < width; ++c)
      for (int ch = 0; ch < channels; ++ch) {
        const double x = double(c) / width, y = double(r) / height;
        double v = 0.5 + 0.3 * std::sin(6.0 * x + 2.0 * ch) * std::cos(5.0 * y) + 0.15 * std::sin(23.0 * x * y);
        if ((x - 0.5) * (x - 0.5) + (y - 0.45) * (y - 0.45) < 0.06) v = 0.9 - 0.2 * ch;  // a disc
        if (x > 0.75 && y > 0.7) v = 0.1;                                                  // a square
        img.pixels[(static_cast<size_t>(r) * width + c) * channels + ch] = static_cast<float>(std::clamp(v, 0.0, 1.0));
      }
  return img;
}

}  // namespace siren::testing
