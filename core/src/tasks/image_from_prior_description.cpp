// An image conditioned on a learned prior (test_neural_process.py): what it is, its inputs, options and
// preset. No LibTorch here.
#include "siren/task_description.h"
#include "siren/task_kinds.h"

namespace siren {

TaskDescription image_from_prior_task_description() {
  TaskDescription d;
  d.kind = kImageFromPriorKind;
  d.summary = "an image model from a learned prior and a few known pixels, in one forward pass (test_neural_process)";
  d.details =
      "The prior (the model file of an image-prior fit) reads the known pixels of --image: those of\n"
      "--mask (white = known), or --context random ones (default 100); its hypernetwork predicts a\n"
      "SIREN of the whole image. The image is resized to the prior's size and channels first. With 0\n"
      "steps (the preset) the model is that prediction; --steps N fine-tunes it on the known pixels\n"
      "alone (masked MSE, Adam 1e-4). The network is the prior's (model options are ignored). \"psnr\"\n"
      "scores every pixel of --image, \"psnr_observed\" the known ones. The model renders, exports and\n"
      "answers queries as an image model (`siren render`, PNG at any resolution: super-resolution).";
  d.inputs = {{"prior", InputMedia::File, "the model file of an image-prior fit (siren download / DownloadCheckpoint)"},
              {"image", InputMedia::Image,
               "the image: PNG, JPEG, ... (only its known pixels are read, but all are scored)"},
              {"mask", InputMedia::Image,
               "which pixels are known, an image of the same size: light (>= 0.5) = known; without it "
               "--context random pixels",
               /*optional=*/true}};
  d.options = {
      {"context", TaskOptionType::Integer, "100", 1, 1e9, {}, "N",
       "without a mask: how many random pixels are known (default 100)"},
      {"context_seed", TaskOptionType::Integer, "0", 0, 4294967295.0, {}, "N",
       "without a mask: the seed of the random known pixels (default 0)"},
  };
  d.preset.task.kind = kImageFromPriorKind;
  d.preset.train.steps = 0;  // the prediction as it is; fine-tuning is opt-in
  d.preset.train.epochs = 0;
  d.export_formats = {"png"};
  return d;
}

}  // namespace siren
