// The three Poisson tasks (the paper's Sec. 4.1 / supplement Sec. 3): an image recovered from its
// gradients, from its Laplacian, and a seamless blend of two images' gradients. What they are, their
// inputs, options and presets. No LibTorch here.
#include "siren/task_description.h"
#include "siren/task_kinds.h"

namespace siren {
namespace {

const char kCommonDetails[] =
    "The field Phi(row, col) on [-1,1]^2 is trained only on derivatives, so it is the image up to a\n"
    "constant (and the scale the factors above imply). Progress reports the loss and the PSNR of\n"
    "a * Phi + b against the (normalised, gray) image, with a and b the least-squares match\n"
    "(fit_scale, fit_offset): the reconstruction's shape, whatever its offset. Export the image\n"
    "with `siren export ID --format png` (options width/height/scale for any size; range=affine,\n"
    "the default, uses that match; range=minmax stretches min..max to black..white as the\n"
    "reference displays it). Every step needs second (gradients) or third (Laplacian) derivatives\n"
    "of the network: several times slower than an image fit of the same size. The derivatives are\n"
    "only constrained at the pixel centres, so omega_0 = 30 (tuned for 256 pixels a side) needs\n"
    "that sampling: well below it (e.g. 32x32) the loss reaches ~0 while the field oscillates\n"
    "between pixels; lower --first-w0 roughly in proportion (30 x n / 256) for small images.";

// train_poisson_*: SingleBVPNet(2 -> 1, sine, 256 x 3 hidden), Adam 1e-4, 10,000 steps, full batch (its
// --batch_size has no effect on a one-item dataset): the struct defaults. The Poisson scripts fit the
// cameraman at 256 (gradients, Laplacian) and the composite at 512: the size option's default.
TaskDescription poisson_description(const char* kind, const char* size, const std::string& what) {
  TaskDescription d;
  d.kind = kind;
  d.options = {{"size", TaskOptionType::Size, size, 0, 0, {}, "WxH",
                "resize " + what + " to WxH (or N for NxN) before computing the ground truth with PIL's "
                "bilinear filter, as the reference; 'original' keeps its size (default: " + std::string(size) + ", the reference's)"}};
  d.preset.task.kind = kind;
  d.preset.model.in_features = 2;
  d.preset.model.out_features = 1;
  d.export_formats = {"png"};  // its registration's exporters
  return d;
}

}  // namespace

TaskDescription poisson_grad_task_description() {
  TaskDescription d = poisson_description(kPoissonGradKind, "256", "the image");
  d.summary = "recover an image from its gradients: a field whose gradient matches the image's (Sec. 4.1)";
  d.details = std::string(
                  "Ground truth as the reference's train_poisson_grad_img: pixels -> [-1,1], times 10, then\n"
                  "scipy's Sobel along rows and columns ('reflect' border) on the (1, H, W) array, which\n"
                  "smooths the singleton axis too: x4. So the target is 40 x 2-D Sobel ~ 640/(n-1) dImg/dcoord\n"
                  "(2.51 at 256). Loss: mean over pixels of |grad Phi - target|^2 (gradients_mse).\n"
                  "Preset: the image resized to 256x256, sine 2->256x3->1, omega_0 30, Adam 1e-4, 10,000\n"
                  "full-image steps. The paper reports 32.91 dB for SIREN (tanh 25.79, ReLU P.E. 26.35).\n") +
              kCommonDetails;
  d.inputs = {{"image", InputMedia::Image,
               "the image whose gradients supervise the fit: PNG, JPEG, ... (colour is converted to gray)"}};
  return d;
}

TaskDescription poisson_lapl_task_description() {
  TaskDescription d = poisson_description(kPoissonLaplKind, "256", "the image");
  d.summary = "recover an image from its Laplacian: a field whose Laplacian matches the image's (Sec. 4.1)";
  d.details = std::string(
                  "Ground truth as the reference's train_poisson_lapl_img: pixels -> [-1,1], times 1e4, then\n"
                  "scipy's 5-point laplace ('reflect' border), ~ 1e4 (2/(n-1))^2 Laplacian_coord(img) (0.615\n"
                  "at 256). Loss: mean over pixels of (Laplacian Phi - target)^2 (laplace_mse). A Laplacian\n"
                  "fixes the image only up to a harmonic function, so low frequencies drift: the paper reports\n"
                  "14.95 dB for SIREN (tanh 7.11, ReLU P.E. 11.14). Preset: the image resized to 256x256,\n"
                  "sine 2->256x3->1, omega_0 30, Adam 1e-4, 10,000 full-image steps.\n") +
              kCommonDetails;
  d.inputs = {{"image", InputMedia::Image,
               "the image whose Laplacian supervises the fit: PNG, JPEG, ... (colour is converted to gray)"}};
  return d;
}

TaskDescription poisson_composite_task_description() {
  TaskDescription d =
      poisson_description(kPoissonCompositeKind, "512", "the background (the foreground is fitted into it)");
  d.summary = "blend two images seamlessly: fit the mixed gradients of a background and a foreground (Sec. 4.1)";
  d.details = std::string(
                  "As the reference's train_poisson_gradcomp_img (CompositeGradients): both images -> [-1,1]\n"
                  "(no x10), the foreground pasted into a canvas of 0.85 the size of the background, and the\n"
                  "target is 0.5 x Sobel-gradients(background) + 0.5 x Sobel-gradients(canvas) (Sobel x4 as\n"
                  "for poisson-grad). The reference hard-codes a 512x512 background and a 512x340 foreground\n"
                  "at rows 172..511; here the foreground is scaled, aspect kept, to the largest size that fits\n"
                  "the background, centred horizontally and pasted against the bottom edge, which is the\n"
                  "reference's placement for its sizes. The progress PSNR compares against the 50/50 blend of\n"
                  "background and canvas (whose gradients the target is). Preset: the background resized to\n"
                  "512x512 (the reference's size), sine 2->256x3->1, Adam 1e-4, 10,000 full-image steps.\n") +
              kCommonDetails;
  d.inputs = {{"background", InputMedia::Image, "the background image: PNG, JPEG, ... (colour is converted to gray)"},
              {"foreground", InputMedia::Image,
               "the image blended into the background (scaled to fit it, pasted at its bottom edge)"}};
  return d;
}

}  // namespace siren
