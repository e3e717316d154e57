#pragma once
// The finite-difference operators the reference computes its Poisson ground truth with:
// scipy.ndimage.sobel and scipy.ndimage.laplace, mode='reflect', on one gray plane. No LibTorch here.
//
// Planes are row-major height x width floats. The border is scipy's 'reflect' (d c b a | a b c d: the
// edge sample repeats), which is OpenCV's BORDER_REFLECT, not its default BORDER_REFLECT_101 (scipy's
// 'mirror'). Each 1-D pass accumulates in double and stores float32, as scipy's correlate1d does on a
// float32 array, so the results match scipy to float rounding.
#include <vector>

namespace siren {

enum class ImageAxis { Rows = 0, Cols = 1 };

// scipy's 'reflect' index into [0, n) for i in [-n, 2n).
int reflect_index(int i, int n);

// 2-D Sobel: the central difference [-1, 0, 1] along `axis` (out = next - previous), then the [1, 2, 1]
// smoothing along the other axis. On a linear ramp v = s * index_along_axis this is exactly 8 s.
// (The reference applies it to a (1, H, W) array, which adds a x4 from smoothing the singleton
// axis; see poisson_ground_truth.h.)
std::vector<float> sobel(const std::vector<float>& plane, int width, int height, ImageAxis axis);

// 5-point Laplacian: [1, -2, 1] along rows plus [1, -2, 1] along columns (d2/drow2 + d2/dcol2 in
// pixel units). Zero on any linear ramp; 2 a + 2 b on a r^2 + b c^2 away from the border.
std::vector<float> laplace(const std::vector<float>& plane, int width, int height);

}  // namespace siren
