// The video task (the paper's Sec. 4.1): what it is, its inputs, options and preset.
// No LibTorch here: requests are checked against this before anything is decoded.
#include "siren/task_description.h"
#include "siren/task_kinds.h"

namespace siren {

TaskDescription video_task_description() {
  TaskDescription d;
  d.kind = kVideoKind;
  d.summary = "fit a video: a field (t, row, col) in [-1,1]^3 -> RGB (the paper's Sec. 4.1)";
  d.details =
      "The clip becomes a function f(t, row, col) on [-1,1]^3 whose samples are the pixels of\n"
      "every frame (mapped to [-1,1]). Each step fits a random 0.38% of all voxels, drawn with\n"
      "replacement (the reference's train_video.py); --batch-size N draws N instead, the whole\n"
      "clip in order when N covers it. psnr and mse are the reference's: whole frames 0, 60, 120\n"
      "and 200 (those the clip has), every --summary-every steps and at the end; batch_psnr is\n"
      "the step's drawn voxels. Preset: sine\n"
      "3->1024x3->3 (3.2M parameters), Adam 1e-4, 100,000 steps (the paper's cat video: SIREN\n"
      "29.9 dB, ReLU 25.1 dB). As in the reference, the relu-pe and relu-rbf baselines are\n"
      "256 wide unless --hidden says otherwise (relu and tanh: 1024 as sine). On a CPU,\n"
      "shrink the clip first (--size, --max-frames). Export with\n"
      "`siren export`: format avi (options frames=N for temporal resampling, fps, width/height/\n"
      "scale, codec=mjpg|ffv1) or png (one frame; frame=2.5 samples the field between frames).";
  d.inputs = {{"video", InputMedia::Video,
               "the video to fit: AVI, MP4, MKV, MOV, WebM, ... (decoded with FFmpeg; frames become RGB)"}};
  d.options = {
      {"sample_fraction", TaskOptionType::Number, "0.0038", 1e-9, 1, {}, "X",
       "fraction of the clip's voxels drawn (with replacement) per step (default: 0.0038, the reference's)"},
      {"size", TaskOptionType::Size, "", 0, 0, {}, "WxH",
       "resize every frame to WxH before fitting with PIL's bilinear filter (default: the video's own size)"},
      {"max_frames", TaskOptionType::Integer, "", 1, 1'000'000, {}, "N", "fit only the first N frames (default: all)"},
      {"summary_every", TaskOptionType::Integer, "1000", 1, 1e9, {}, "N",
       "steps between the whole-frame psnr/mse figures (frames 0, 60, 120, 200 that exist); default 1000, the "
       "reference's steps_til_summary"},
  };
  // train_video.py: SingleBVPNet(type=sine, in_features=3, out_features=3, hidden_features=1024,
  // num_hidden_layers=3), sin(30 x) on every layer, Adam lr 1e-4, num_epochs 100000 (one epoch = one
  // draw of sample_frac 38e-4 of the voxels).
  d.preset.task.kind = kVideoKind;
  d.preset.model.in_features = 3;
  d.preset.model.out_features = 3;
  d.preset.model.hidden_features = 1024;
  // train_video.py builds its 'nerf' and 'rbf' baselines with SingleBVPNet's default width, 256.
  d.hidden_features_by_activation = {{Activation::ReluPe, 256}, {Activation::ReluRbf, 256}};
  d.preset.train.steps = 100000;
  d.preset.train.batch_size = 0;
  d.export_formats = {"avi", "png"};  // its registration's exporters, in order
  return d;
}

}  // namespace siren
