#include "tasks/task_command.h"

namespace siren::cli {

TaskCommand image_task_command() {
  TaskCommand task;
  task.name = "image";
  task.summary = "fit an image: a field (row, col) in [-1,1]^2 -> pixel value (the paper's Sec. 4.1)";
  task.input_help = "the image to fit: PNG, JPEG, BMP, TIFF, ... (gray stays gray, colour is RGB)";
  task.footer =
      "The image becomes a continuous function f(row, col) on [-1,1]^2 whose samples are the\n"
      "pixels (mapped to [-1,1]); the loss is the mean squared error over pixels and PSNR is\n"
      "reported in dB. Render a trained field at any resolution with `siren render`.";
  task.add_options = [](CLI::App& command, const FitConfig& preset, TaskOptions& options) {
    auto size = preset.task.options.find("size");
    const std::string default_size = size != preset.task.options.end() && !size->second.empty()
                                         ? size->second
                                         : "the image's own size";
    add_task_option(command, options, "--size", "size", "WxH",
                    "resize the image to WxH before fitting (area averaging when shrinking); the "
                    "paper fits 256x256 (default: " + default_size + ")");
  };
  return task;
}

}  // namespace siren::cli
