#pragma once
// Colour maps for showing scalar fields (wavefields, slices) as RGB images: the paper's figures show
// wavefields with a diverging red-white-blue map centred on 0.
#include <vector>

#include "siren/io/image.h"

namespace siren {

enum class Colormap {
  RdBu,     // matplotlib's "RdBu" (ColorBrewer, 11 stops): low = dark red, middle = white, high = dark blue
  Viridis,  // matplotlib's "viridis" (9 stops): sequential, for magnitudes
};

// values (row-major, width * height) -> an RGB Image: lo maps to the map's first colour, hi to its last,
// linear in between, clamped outside. Requires hi > lo.
Image colormap_image(const std::vector<float>& values, int width, int height, Colormap map, double lo, double hi);

// The q-quantile of |v| (0 < q <= 1), for a symmetric range that a few extreme values (a source's peak)
// do not wash out, as the reference's summaries clip at percentiles. 1 when every value is 0.
double abs_quantile(const std::vector<float>& values, double q);

}  // namespace siren
