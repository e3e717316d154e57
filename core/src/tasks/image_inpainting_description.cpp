// The image inpainting task (the paper's supplement, train_img_inpainting.py): what it is, its inputs,
// options and preset. No LibTorch here: requests are checked against this before anything is decoded.
#include "siren/task_description.h"
#include "siren/task_kinds.h"

namespace siren {

TaskDescription image_inpainting_task_description() {
  TaskDescription d;
  d.kind = kImageInpaintingKind;
  d.summary = "fit an image from a subset of its pixels and fill in the rest (train_img_inpainting)";
  d.details =
      "An image fit supervised on some pixels only: those of --mask (white = observed), or each\n"
      "pixel with probability --sparsity (default 0.1, the reference's). The loss is the\n"
      "reference's masked MSE, mean(mask * (f - pixel)^2) over all pixels; --prior tv or fh adds\n"
      "k1 x mean |grad f| or k1 x mean ||Hessian f|| on N/2 uniform random points (--k1, default\n"
      "1); --downsample on jitters each coordinate by a triangle kernel of +-1 pixel. \"psnr\" is\n"
      "scored on every pixel, the unseen ones included; \"psnr_observed\" on the supervised ones.\n"
      "Preset: sine 2->256x3->C (train_img_inpainting.py: omega_0 30, Adam 1e-4, 10,000\n"
      "full-image steps, 10% of the pixels). The model renders and exports as an image model\n"
      "(`siren render`, PNG at any resolution).";
  d.inputs = {{"image", InputMedia::Image,
               "the image to inpaint: PNG, JPEG, BMP, TIFF, ... (gray stays gray, colour is RGB)"},
              {"mask", InputMedia::Image,
               "which pixels supervise the fit, an image of the same size: light (>= 0.5) = observed; "
               "without it --sparsity draws them at random",
               /*optional=*/true}};
  d.options = {
      {"size", TaskOptionType::Size, "", 0, 0, {}, "WxH",
       "resize the image (and its mask) to WxH (or N for NxN) before fitting (default: the image's own size)"},
      {"sparsity", TaskOptionType::Number, "0.1", 0, 1, {}, "F",
       "without a mask: the fraction of pixels observed, each drawn independently (default 0.1, the reference's)"},
      {"mask_seed", TaskOptionType::Integer, "0", 0, 4294967295.0, {}, "N",
       "without a mask: the seed of the random mask (default 0)"},
      {"prior", TaskOptionType::Choice, "none", 0, 0, {"none", "tv", "fh"}, "none|tv|fh",
       "a smoothness prior on random points: total variation or the Frobenius norm of the Hessian (default none)"},
      {"k1", TaskOptionType::Number, "1", 0, 1e6, {}, "W", "the prior's weight (default 1, the reference's)"},
      {"downsample", TaskOptionType::Choice, "off", 0, 0, {"off", "on"}, "off|on",
       "jitter coordinates by the reference's bilinear downsampling kernel, +-1 pixel (default off)"},
  };
  // The struct defaults are train_img_inpainting's: sine 3x256, omega0 30, Adam 1e-4, 10k full-batch steps.
  d.preset.task.kind = kImageInpaintingKind;
  d.export_formats = {"png"};  // its registration's exporters, in order
  return d;
}

}  // namespace siren
