// The image task (the paper's Sec. 4.1): what it is, its inputs, options and preset.
// No LibTorch here: requests are checked against this before anything is decoded.
#include "siren/task_description.h"
#include "siren/task_kinds.h"

namespace siren {

TaskDescription image_task_description() {
  TaskDescription d;
  d.kind = kImageKind;
  d.summary = "fit an image: a field (row, col) in [-1,1]^2 -> pixel value (the paper's Sec. 4.1)";
  d.details =
      "The image becomes a continuous function f(row, col) on [-1,1]^2 whose samples are the\n"
      "pixels (mapped to [-1,1]); the loss is the mean squared error over pixels and PSNR is\n"
      "reported in dB. Preset: sine 2->256x3->C (train_img.py: omega_0 30, Adam 1e-4, 10,000\n"
      "full-image steps). Render a trained field at any resolution with `siren render`.";
  d.inputs = {{"image", InputMedia::Image,
               "the image to fit: PNG, JPEG, BMP, TIFF, ... (gray stays gray, colour is RGB)"}};
  d.options = {{"size", TaskOptionType::Size, "", 0, 0, {}, "WxH",
                "resize the image to WxH (or N for NxN) before fitting with PIL's bilinear filter (as the "
                "reference's torchvision Resize); the paper fits 256x256 (default: the image's own size)"}};
  d.preset.task.kind = kImageKind;  // the struct defaults are train_img's: sine 3x256, omega0 30, Adam 1e-4, 10k steps
  d.export_formats = {"png"};  // its registration's exporters, in order
  return d;
}

}  // namespace siren
