// The learned image prior (the paper's Sec. 4.4, train_img_neural_process.py): what it is, its input,
// options and preset. No LibTorch here: requests are checked against this before anything is decoded.
#include "siren/task_description.h"
#include "siren/task_kinds.h"

namespace siren {

TaskDescription image_prior_task_description() {
  TaskDescription d;
  d.kind = kImagePriorKind;
  d.summary = "learn a prior over a dataset of images: an encoder + hypernetwork that turns a few known "
              "pixels into a SIREN of the image (train_img_neural_process)";
  d.details =
      "The paper's generalisation experiment. Input: a folder of images (PNG, JPEG, ...; the CLI and\n"
      "the Python client send it as a tar), an archive of them (tar, tar.gz, zip, 7z, ...), or one\n"
      "image cut into tiles with --tile WxH (a grid of digits); all are resized to --size (default\n"
      "32x32, the reference's CelebA) and made the same channels. --holdout images (a fraction, or a\n"
      "count when >= 1; default 0.1) are kept out of training for the evaluation.\n"
      "Each step takes --batch_size images (images, not pixels; 0 is the held-out evaluation batch)\n"
      "and per image the known pixels the reference draws: the set encoder (--encoder set, default)\n"
      "sees 200 random pixels of which a random --context_min..--context_max (10..200) count; the\n"
      "conv encoder (--encoder conv) sees each pixel with probability U(10, 200) / pixels. Loss: MSE\n"
      "over every pixel + kl x mean(z^2) + fw x mean(theta^2) (image_hypernetwork_loss, --kl 0.1,\n"
      "--fw 100). The hypo-network is the model options' SIREN (sine 2->256x3->C); --latent and\n"
      "--hyper_hidden size the encoder and hypernetwork (256, 256 as the reference).\n"
      "Final figures (test_neural_process.py): heldout_mse_N / heldout_psnr_N, the mean over up to\n"
      "--eval_images held-out images knowing N = 10, 100, 1000 random pixels (those that fit), the\n"
      "top half and every pixel (MSE on the [0,1] scale), and siren_mse_N / siren_psnr_N, a plain\n"
      "SIREN fitted for --baseline_steps steps (Adam 1e-4) to the same known pixels alone, on the first\n"
      "--baseline_images of them, with prior_mse_N / prior_psnr_N the prior's on those same images.\n"
      "Preset: train_img_neural_process (Adam 5e-5, 401 epochs, 100 images\n"
      "a step, gradient clipping at 1). The model renders as an image (the first held-out image from\n"
      "100 known pixels); its model file is the prior that image-from-prior takes.";
  d.inputs = {{"images", InputMedia::File, 
               "the dataset: a folder or an archive (tar, tar.gz, zip, ...) of images, or one image cut into "
               "tiles by --tile"}};
  d.options = {
      {"tile", TaskOptionType::Size, "", 0, 0, {}, "WxH",
       "cut a single input image into tiles of WxH (or N for NxN), row by row, as the dataset"},
      {"size", TaskOptionType::Size, "32", 0, 0, {}, "WxH",
       "resize every image to WxH (or N for NxN) (default 32, the reference's CelebA 32x32)"},
      {"encoder", TaskOptionType::Choice, "set", 0, 0, {"set", "conv"}, "set|conv",
       "the set encoder over known pixels (default, the reference's) or the convolutional encoder"},
      {"holdout", TaskOptionType::Number, "0.1", 0, 1e9, {}, "F",
       "images kept out of training for the evaluation: a fraction (< 1) or a count (default 0.1)"},
      {"context_min", TaskOptionType::Integer, "10", 1, 1e9, {}, "N",
       "fewest known pixels per training image (default 10, the reference's)"},
      {"context_max", TaskOptionType::Integer, "200", 1, 1e9, {}, "N",
       "most known pixels per training image (default 200, the reference's)"},
      {"kl", TaskOptionType::Number, "0.1", 0, 1e6, {}, "W", "the latent code's L2 weight (default 0.1, --kl_weight)"},
      {"fw", TaskOptionType::Number, "100", 0, 1e9, {}, "W",
       "the predicted weights' L2 weight (default 100, --fw_weight)"},
      {"latent", TaskOptionType::Integer, "256", 1, 4096, {}, "N",
       "the latent code's size and the encoder's width (default 256, the reference's)"},
      {"hyper_hidden", TaskOptionType::Integer, "256", 1, 4096, {}, "N",
       "the hypernetwork's hidden width (default 256, the reference's)"},
      {"eval_images", TaskOptionType::Integer, "1000", 1, 1e9, {}, "N",
       "held-out images scored at the end, at most (default 1000)"},
      {"baseline_images", TaskOptionType::Integer, "5", 0, 1000, {}, "N",
       "held-out images also fitted by a plain SIREN on their known pixels (default 5; 0 = none)"},
      {"baseline_steps", TaskOptionType::Integer, "500", 1, 1e6, {}, "N",
       "Adam steps of each plain SIREN fit (default 500)"},
  };
  // train_img_neural_process: hypo SIREN 2->256x3->C (the struct defaults), lr 5e-5, 401 epochs of
  // 100-image batches, clip_grad=True (max norm 1).
  d.preset.task.kind = kImagePriorKind;
  d.preset.train.learning_rate = 5e-5;
  d.preset.train.epochs = 401;
  d.preset.train.steps = 0;
  d.preset.train.batch_size = 100;
  d.preset.train.clip_grad_norm = 1.0;
  d.export_formats = {"png"};  // the image exporter: the SIREN the prior predicts for a held-out image
  return d;
}

}  // namespace siren
