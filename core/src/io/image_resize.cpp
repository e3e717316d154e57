// Image resizing as the reference does it: PIL's Image.resize with the BILINEAR filter (torchvision's
// Resize on a PIL image, dataio's camera downsampling). PIL's bilinear is a triangle filter whose
// support widens with the shrink factor (antialiasing), applied as two separable passes, horizontal
// first. On 8-bit images PIL computes in fixed point and rounds the intermediate image to 8 bits;
// doing the same here gives PIL's bytes exactly. Other data (16-bit, float) takes PIL's float path.
// No OpenCV: every build has it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "siren/errors.h"
#include "siren/io/image.h"

namespace siren {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;  // PIL's fixed point for 8-bit data

// For one output axis: which input samples each output sample reads, and their weights.
struct AxisWeights {
  int taps = 0;                 // weights per output sample (the widest support)
  std::vector<int> first;       // first input sample of each output sample
  std::vector<int> count;       // how many input samples it reads
  std::vector<double> weights;  // taps per output sample, normalised to sum to 1
};

double triangle(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

// PIL's precompute_coeffs for the bilinear filter (support 1) over the whole input.
AxisWeights bilinear_weights(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);
  const double support = 1.0 * filter_scale;
  AxisWeights w;
  w.taps = static_cast<int>(std::ceil(support)) * 2 + 1;
  w.first.resize(out_size);
  w.count.resize(out_size);
  w.weights.assign(static_cast<size_t>(out_size) * w.taps, 0.0);
  for (int o = 0; o < out_size; ++o) {
    const double center = (o + 0.5) * scale;
    const int lo = std::max(0, static_cast<int>(center - support + 0.5));  // C's truncation, as PIL
    const int hi = std::min(in_size, static_cast<int>(center + support + 0.5));
    double* k = &w.weights[static_cast<size_t>(o) * w.taps];
    double total = 0.0;
    for (int i = 0; i < hi - lo; ++i) {
      k[i] = triangle((i + lo - center + 0.5) / filter_scale);
      total += k[i];
    }
    if (total != 0.0)
      for (int i = 0; i < hi - lo; ++i) k[i] /= total;
    w.first[o] = lo;
    w.count[o] = hi - lo;
  }
  return w;
}

// PIL's normalize_coeffs_8bpc: weights as fixed-point integers, rounded away from zero.
std::vector<int32_t> fixed_point(const std::vector<double>& weights) {
  std::vector<int32_t> out(weights.size());
  const double one = static_cast<double>(1 << kPrecisionBits);
  for (size_t i = 0; i < weights.size(); ++i)
    out[i] = static_cast<int32_t>(weights[i] < 0 ? -0.5 + weights[i] * one : 0.5 + weights[i] * one);
  return out;
}

uint8_t clip8(int64_t accumulated) {
  if (accumulated >= (static_cast<int64_t>(1) << kPrecisionBits << 8)) return 255;
  if (accumulated <= 0) return 0;
  return static_cast<uint8_t>(accumulated >> kPrecisionBits);
}

// One pass along an axis of a row-major (height x width x channels) buffer: `horizontal` resamples
// within each row, otherwise across rows.
template <typename T, typename Accumulate>
std::vector<T> resample_pass(const std::vector<T>& in, int width, int height, int channels, bool horizontal,
                             const AxisWeights& w, Accumulate accumulate) {
  const int out_width = horizontal ? static_cast<int>(w.first.size()) : width;
  const int out_height = horizontal ? height : static_cast<int>(w.first.size());
  std::vector<T> out(static_cast<size_t>(out_width) * out_height * channels);
  for (int y = 0; y < out_height; ++y) {
    for (int x = 0; x < out_width; ++x) {
      const int o = horizontal ? x : y;
      for (int c = 0; c < channels; ++c) {
        auto sample = [&](int i) {
          const int sx = horizontal ? w.first[o] + i : x;
          const int sy = horizontal ? y : w.first[o] + i;
          return in[(static_cast<size_t>(sy) * width + sx) * channels + c];
        };
        out[(static_cast<size_t>(y) * out_width + x) * channels + c] =
            accumulate(sample, w.count[o], static_cast<size_t>(o) * w.taps);
      }
    }
  }
  return out;
}

// Whether every pixel is k / 255 as decoding an 8-bit image makes it (float32 division, so compare that).
bool is_8bit(const Image& image) {
  for (float v : image.pixels) {
    if (!(v >= 0.0f && v <= 1.0f)) return false;
    if (static_cast<float>(std::lrint(v * 255.0f)) / 255.0f != v) return false;
  }
  return true;
}

Image resize_8bit(const Image& image, int width, int height, const AxisWeights& across, const AxisWeights& down) {
  std::vector<uint8_t> bytes(image.pixels.size());
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(std::lrint(image.pixels[i] * 255.0f));
  auto pass = [](const std::vector<int32_t>& k) {
    return [&k](auto sample, int count, size_t offset) {
      int64_t sum = int64_t{1} << (kPrecisionBits - 1);  // rounds the final shift
      for (int i = 0; i < count; ++i) sum += static_cast<int64_t>(sample(i)) * k[offset + i];
      return clip8(sum);
    };
  };
  const std::vector<int32_t> k_across = fixed_point(across.weights), k_down = fixed_point(down.weights);
  int w = image.width;
  if (width != image.width) {
    bytes = resample_pass(bytes, image.width, image.height, image.channels, true, across, pass(k_across));
    w = width;
  }
  if (height != image.height) bytes = resample_pass(bytes, w, image.height, image.channels, false, down, pass(k_down));
  Image out{width, height, image.channels, std::vector<float>(bytes.size())};
  for (size_t i = 0; i < bytes.size(); ++i) out.pixels[i] = static_cast<float>(bytes[i]) / 255.0f;  // as decode
  return out;
}

Image resize_float(const Image& image, int width, int height, const AxisWeights& across, const AxisWeights& down) {
  auto pass = [](const AxisWeights& w) {
    return [&w](auto sample, int count, size_t offset) {
      double sum = 0.0;
      for (int i = 0; i < count; ++i) sum += sample(i) * w.weights[offset + i];
      return static_cast<float>(sum);
    };
  };
  std::vector<float> pixels = image.pixels;
  int w = image.width;
  if (width != image.width) {
    pixels = resample_pass(pixels, image.width, image.height, image.channels, true, across, pass(across));
    w = width;
  }
  if (height != image.height) pixels = resample_pass(pixels, w, image.height, image.channels, false, down, pass(down));
  return Image{width, height, image.channels, std::move(pixels)};
}

}  // namespace

Image resize_image(const Image& image, int width, int height) {
  if (width <= 0 || height <= 0) throw InvalidInput("resize target must be positive");
  if (image.width <= 0 || image.height <= 0) throw InvalidInput("cannot resize an empty image");
  if (width == image.width && height == image.height) return image;
  const AxisWeights across = bilinear_weights(image.width, width), down = bilinear_weights(image.height, height);
  return is_8bit(image) ? resize_8bit(image, width, height, across, down)
                        : resize_float(image, width, height, across, down);
}

}  // namespace siren
