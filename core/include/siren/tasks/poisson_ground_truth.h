#pragma once
// The Poisson experiments' supervision (paper Sec. 4.1 / supplement Sec. 3), built as the reference's
// dataio does: Implicit2DWrapper(compute_diff='gradients' | 'laplacian') and CompositeGradients.
// No LibTorch here.
//
// Scale factors, exactly as the reference (pixels first normalised to [-1, 1]):
//  * gradients: the image is multiplied by 10, then scipy.ndimage.sobel along rows and along columns.
//    scipy runs on the (1, H, W) tensor, so the [1, 2, 1] smoothing also runs along the singleton
//    channel axis, which under 'reflect' multiplies by 1 + 2 + 1 = 4. Target = 10 * 4 * sobel2d(img).
//    A 2-D Sobel is ~8 d/dpixel and d/dcoord = (n - 1) / 2 d/dpixel, so the target is
//    ~640 / (n - 1) * d img / d coord (2.51 at n = 256): the fitted field is that multiple of the image,
//    plus a constant.
//  * laplacian: the image is multiplied by 1e4, then scipy.ndimage.laplace (5-point; the singleton axis
//    adds 0). Target ~ 1e4 * (2 / (n - 1))^2 * Laplacian_coord(img) (0.615 at n = 256).
//  * composite: no x10. The foreground is pasted into a canvas of 0.85 (normalised units) the size of
//    the background; target = 0.5 * 4 * sobel2d(background) + 0.5 * 4 * sobel2d(canvas).
#include <vector>

#include "siren/io/image.h"

namespace siren {

constexpr float kSobelSingletonAxisFactor = 4.0f;  // scipy's sobel on a (1, H, W) array
constexpr float kGradientImageScale = 10.0f;       // dataio: img *= 1e1 for 'gradients'
constexpr float kLaplacianImageScale = 1e4f;       // dataio: img *= 1e4 for 'laplacian'
constexpr float kCompositeCanvasValue = 0.85f;     // CompositeGradients: .85 * ones_like(img1)

enum class PoissonTarget { Gradients, Laplacian };

struct PoissonGroundTruth {
  int width = 0;
  int height = 0;
  PoissonTarget target = PoissonTarget::Gradients;
  // Gradients: H*W pairs (d/drow, d/dcol), row-major: the reference's (N, 2) [gradx, grady].
  // Laplacian: H*W values.
  std::vector<float> values;
  // The image whose derivatives `values` are, normalised to [-1, 1] without the x10 / x1e4 scaling;
  // progress metrics compare the fitted field against it. Composite: the 50/50 blend of background
  // and canvas, whose Sobel gradients are exactly the target (Sobel is linear).
  std::vector<float> image;
};

// Gray plane normalised as torchvision's ToTensor + Normalize(0.5, 0.5): (x - 0.5) / 0.5. Colour is
// converted with PIL's convert("L") weights 0.299 R + 0.587 G + 0.114 B (the reference loads its
// images as gray), without PIL's rounding to 8 bits.
std::vector<float> normalized_gray(const Image& image);

PoissonGroundTruth gradient_ground_truth(const Image& image);
PoissonGroundTruth laplacian_ground_truth(const Image& image);

// Where the foreground goes on the background-sized canvas. The reference hard-codes a 512x512
// background and a 512-wide, 340-tall foreground pasted at rows 172:512. In general: the foreground
// is scaled (aspect kept) to the largest size that fits the canvas, centred horizontally and pasted
// against the bottom edge; for the reference's sizes that is exactly rows 172:512, all columns.
struct Placement {
  int col = 0, row = 0, width = 0, height = 0;
};
Placement composite_placement(int canvas_width, int canvas_height, int foreground_width, int foreground_height);
PoissonGroundTruth composite_ground_truth(const Image& background, const Image& foreground);

}  // namespace siren
