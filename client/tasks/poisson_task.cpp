// The three Poisson tasks (the paper's Sec. 4.1 / supplement Sec. 3): an image recovered from its
// gradients, from its Laplacian, and a seamless blend of two images' gradients.
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "rpc_error.h"
#include "siren/io/input_bundle.h"
#include "tasks/task_command.h"

namespace siren::cli {
namespace {

std::string preset_size(const FitConfig& preset) {
  const auto it = preset.task.options.find("size");
  return it != preset.task.options.end() && !it->second.empty() ? it->second : "the image's own size";
}

void add_size_option(CLI::App& command, const FitConfig& preset, TaskOptions& options, const std::string& what) {
  add_task_option(command, options, "--size", "size", "WxH",
                  "resize " + what + " to WxH (or N for NxN) before computing the ground truth, area "
                  "averaging when shrinking; 'original' keeps its size (default: " + preset_size(preset) +
                      ", the reference's)");
}

const std::string kCommonFooter =
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

std::string read_input_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError("cannot read " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw CommandError("error reading " + path);
  return bytes.str();
}

}  // namespace

TaskCommand poisson_grad_task_command() {
  TaskCommand task;
  task.name = "poisson-grad";
  task.summary = "recover an image from its gradients: a field whose gradient matches the image's (Sec. 4.1)";
  task.input_help = "the image whose gradients supervise the fit: PNG, JPEG, ... (colour is converted to gray)";
  task.footer =
      "Ground truth as the reference's train_poisson_grad_img: pixels -> [-1,1], times 10, then\n"
      "scipy's Sobel along rows and columns ('reflect' border) on the (1, H, W) array, which\n"
      "smooths the singleton axis too: x4. So the target is 40 x 2-D Sobel ~ 640/(n-1) dImg/dcoord\n"
      "(2.51 at 256). Loss: mean over pixels of |grad Phi - target|^2 (gradients_mse).\n"
      "Preset: the image resized to 256x256, sine 2->256x3->1, omega_0 30, Adam 1e-4, 10,000\n"
      "full-image steps. The paper reports 32.91 dB for SIREN (tanh 25.79, ReLU P.E. 26.35).\n" +
      kCommonFooter;
  task.add_options = [](CLI::App& command, const FitConfig& preset, TaskOptions& options) {
    add_size_option(command, preset, options, "the image");
  };
  return task;
}

TaskCommand poisson_lapl_task_command() {
  TaskCommand task;
  task.name = "poisson-lapl";
  task.summary = "recover an image from its Laplacian: a field whose Laplacian matches the image's (Sec. 4.1)";
  task.input_help = "the image whose Laplacian supervises the fit: PNG, JPEG, ... (colour is converted to gray)";
  task.footer =
      "Ground truth as the reference's train_poisson_lapl_img: pixels -> [-1,1], times 1e4, then\n"
      "scipy's 5-point laplace ('reflect' border), ~ 1e4 (2/(n-1))^2 Laplacian_coord(img) (0.615\n"
      "at 256). Loss: mean over pixels of (Laplacian Phi - target)^2 (laplace_mse). A Laplacian\n"
      "fixes the image only up to a harmonic function, so low frequencies drift: the paper reports\n"
      "14.95 dB for SIREN (tanh 7.11, ReLU P.E. 11.14). Preset: the image resized to 256x256,\n"
      "sine 2->256x3->1, omega_0 30, Adam 1e-4, 10,000 full-image steps.\n" +
      kCommonFooter;
  task.add_options = [](CLI::App& command, const FitConfig& preset, TaskOptions& options) {
    add_size_option(command, preset, options, "the image");
  };
  return task;
}

TaskCommand poisson_composite_task_command() {
  TaskCommand task;
  task.name = "poisson-composite";
  task.summary = "blend two images seamlessly: fit the mixed gradients of a background and a foreground (Sec. 4.1)";
  task.input_help = "the background image: PNG, JPEG, ... (colour is converted to gray)";
  task.footer =
      "As the reference's train_poisson_gradcomp_img (CompositeGradients): both images -> [-1,1]\n"
      "(no x10), the foreground pasted into a canvas of 0.85 the size of the background, and the\n"
      "target is 0.5 x Sobel-gradients(background) + 0.5 x Sobel-gradients(canvas) (Sobel x4 as\n"
      "for poisson-grad). The reference hard-codes a 512x512 background and a 512x340 foreground\n"
      "at rows 172..511; here the foreground is scaled, aspect kept, to the largest size that fits\n"
      "the background, centred horizontally and pasted against the bottom edge, which is the\n"
      "reference's placement for its sizes. The progress PSNR compares against the 50/50 blend of\n"
      "background and canvas (whose gradients the target is). Preset: the background resized to\n"
      "512x512 (the reference's size), sine 2->256x3->1, Adam 1e-4, 10,000 full-image steps. The\n"
      "two images travel as one upload (an input bundle, packed here).\n" +
      kCommonFooter;
  task.add_input_files = [](CLI::App& command, InputFiles& files) {
    command
        .add_option_function<std::string>(
            "--foreground", [&files](const std::string& path) { files["foreground"] = path; },
            "the image blended into the background (scaled to fit it, pasted at its bottom edge)")
        ->required()
        ->check(CLI::Validator(CLI::ExistingFile).description(""))
        ->type_name("FILE")
        ->group("Task");
  };
  task.pack_input = [](const std::string& input_path, const InputFiles& files) {
    const auto foreground = files.find("foreground");
    if (foreground == files.end()) throw CommandError("poisson-composite needs --foreground FILE");
    InputBundle bundle;
    bundle.add("background", read_input_file(input_path));
    bundle.add("foreground", read_input_file(foreground->second));
    return bundle.pack();
  };
  task.add_options = [](CLI::App& command, const FitConfig& preset, TaskOptions& options) {
    add_size_option(command, preset, options, "the background (the foreground is fitted into it)");
  };
  return task;
}

}  // namespace siren::cli
