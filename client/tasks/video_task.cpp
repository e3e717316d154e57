#include "tasks/task_command.h"

namespace siren::cli {

TaskCommand video_task_command() {
  TaskCommand task;
  task.name = "video";
  task.summary = "fit a video: a field (t, row, col) in [-1,1]^3 -> RGB (the paper's Sec. 4.1)";
  task.input_help = "the video to fit: AVI, MP4, MKV, MOV, WebM, ... (decoded with FFmpeg; frames become RGB)";
  task.footer =
      "The clip becomes a function f(t, row, col) on [-1,1]^3 whose samples are the pixels of\n"
      "every frame (mapped to [-1,1]). Each step fits a random 0.38% of all voxels, drawn with\n"
      "replacement (the reference's train_video.py); --batch-size N draws N instead, the whole\n"
      "clip in order when N covers it. PSNR is measured on the drawn voxels. Preset: sine\n"
      "3->1024x3->3 (3.2M parameters), Adam 1e-4, 100,000 steps (the paper's cat video: SIREN\n"
      "29.9 dB, ReLU 25.1 dB). The reference's relu-pe baseline is 256 wide: --model relu-pe\n"
      "--hidden 256. On a CPU, shrink the clip first (--size, --max-frames). Export with\n"
      "`siren export`: format avi (options frames=N for temporal resampling, fps, width/height/\n"
      "scale, codec=mjpg|ffv1) or png (one frame; frame=2.5 samples the field between frames).";
  task.add_options = [](CLI::App& command, const FitConfig& preset, TaskOptions& options) {
    auto preset_option = [&preset](const std::string& key, const std::string& fallback) {
      const auto it = preset.task.options.find(key);
      return it != preset.task.options.end() && !it->second.empty() ? it->second : fallback;
    };
    add_task_option(command, options, "--sample-fraction", "sample_fraction", "X",
                    "fraction of the clip's voxels drawn (with replacement) per step (default: " +
                        preset_option("sample_fraction", "0.0038") + ", the reference's)");
    add_task_option(command, options, "--size", "size", "WxH",
                    "resize every frame to WxH before fitting, area averaging when shrinking (default: " +
                        preset_option("size", "the video's own size") + ")");
    add_task_option(command, options, "--max-frames", "max_frames", "N",
                    "fit only the first N frames (default: " + preset_option("max_frames", "all") + ")");
  };
  return task;
}

}  // namespace siren::cli
