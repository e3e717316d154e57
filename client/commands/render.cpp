// `siren render MODEL [-o PATH] [--size WxH | --scale K]`: a trained field as a file people can open.
// Image models are sampled on any grid (RenderImage: a SIREN is continuous, so 2x the fitted size is
// super-resolution by evaluation); every other model is exported in its task's default format (audio:
// WAV, sdf: PLY mesh, video: AVI, poisson: PNG, ...), with the size passed on where that format takes one.
#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "chunked_download.h"
#include "commands/command.h"
#include "connection.h"
#include "exit_codes.h"
#include "format.h"
#include "model_export.h"
#include "model_lookup.h"
#include "output.h"
#include "rpc_error.h"

namespace siren::cli {

namespace {

struct RenderOptions {
  std::string model_id;
  std::string output;
  std::string size;  // "WxH"
  std::optional<double> scale;
};

std::pair<int, int> parse_size(const std::string& text) {
  int width = 0, height = 0;
  char x = 0, extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &width, &x, &height, &extra) != 3 ||
      (x != 'x' && x != 'X') || width <= 0 || height <= 0) {
    throw CommandError("--size: expected WxH with positive integers, e.g. 512x512, got \"" +
                       text + "\"");
  }
  return {width, height};
}

// --size, or --scale times the fitted size; 0x0 (the fitted size) when neither is given.
std::pair<int, int> image_size(const RenderOptions& options, const v1::Model& model) {
  int width = metadata_int(model, "width"), height = metadata_int(model, "height");
  if (!options.size.empty()) return parse_size(options.size);
  if (options.scale) {
    if (width == 0 || height == 0) {
      throw CommandError("model " + options.model_id + " has no fitted size; use --size WxH");
    }
    width = static_cast<int>(std::lround(width * *options.scale));
    height = static_cast<int>(std::lround(height * *options.scale));
    if (width <= 0 || height <= 0) throw CommandError("--scale leaves no pixels");
  }
  return {width, height};
}

int render_image(Connection& connection, const RenderOptions& options, const v1::Model& model,
                 const Output& output) {
  const auto [width, height] = image_size(options, model);
  v1::RenderImageRequest request;
  request.set_model_id(options.model_id);
  request.set_width(width);    // 0 (unknown) = the server's default, the fitted size
  request.set_height(height);
  auto context = connection.context(std::chrono::seconds(600));  // large renders take a while
  auto reader = connection.stub().RenderImage(context.get(), request);
  const std::string path = options.output.empty() ? options.model_id + ".png" : options.output;
  const int64_t bytes = receive_to_file(*reader, path);

  if (output.json()) {
    output.json_line(Json{{"model_id", options.model_id}, {"output", path}, {"width", width},
                          {"height", height}, {"bytes", bytes}});
  } else {
    output.text("wrote " + path + " (" + std::to_string(width) + "x" + std::to_string(height) +
                ", " + format_bytes(bytes) + ")");
  }
  return kExitSuccess;
}

bool accepts(const v1::ExportFormat& format, const std::string& option) {
  return format.options().count(option) > 0;
}

std::string number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

// --size / --scale as the format's own options, where it has them (image-like formats take width and
// height, or scale; square field slices take one size); otherwise they cannot apply and people are told.
std::map<std::string, std::string> size_export_options(const RenderOptions& options, const v1::ExportFormat& format,
                                                       const Output& output) {
  std::map<std::string, std::string> export_options;
  if (!options.size.empty()) {
    const auto [width, height] = parse_size(options.size);
    if (accepts(format, "width") && accepts(format, "height")) {
      export_options["width"] = std::to_string(width);
      export_options["height"] = std::to_string(height);
    } else if (accepts(format, "size") && width == height) {
      export_options["size"] = std::to_string(width);
    } else {
      output.note("--size ignored: " + format.name() + " takes no such size");
    }
  }
  if (options.scale) {
    if (accepts(format, "scale")) {
      export_options["scale"] = number_text(*options.scale);
    } else {
      output.note("--scale ignored: " + format.name() + " has no scale");
    }
  }
  return export_options;
}

int render_export(Connection& connection, const RenderOptions& options, const v1::Model& model,
                  const Output& output) {
  const v1::ExportFormat* format = find_export_format(model, "");
  if (!format) throw CommandError("model " + options.model_id + " has no export format to render to");
  const std::string path = options.output.empty() ? default_export_path(model, format->name()) : options.output;
  const int64_t bytes = export_model_to_file(connection, options.model_id, format->name(),
                                             size_export_options(options, *format, output), path);
  if (output.json()) {
    output.json_line(Json{{"model_id", options.model_id}, {"output", path}, {"format", format->name()},
                          {"bytes", bytes}});
  } else {
    output.text("wrote " + path + " (" + format->name() + ", " + format_bytes(bytes) + ")");
  }
  return kExitSuccess;
}

int run_render(const RenderOptions& options, const GlobalOptions& global) {
  const Output output(global.json);
  Connection connection(global);
  const v1::Model model = fetch_model(connection, options.model_id);
  if (model.task() == v1::TASK_KIND_IMAGE) return render_image(connection, options, model, output);
  return render_export(connection, options, model, output);
}

}  // namespace

void register_render_command(CLI::App& root, CommandContext& context) {
  auto options = std::make_shared<RenderOptions>();
  CLI::App* command = add_command(
      root, "render",
      "render a model to a file: an image at any resolution (super-resolution), any other task in its "
      "default export format (audio: WAV, sdf: PLY mesh, video: AVI, ...)",
      context);
  command->add_option("model_id", options->model_id, "the model, as listed by `siren models`")
      ->required()->type_name("MODEL_ID");
  command->add_option("-o,--output", options->output,
                      "the file to write (default: ./MODEL_ID.png for an image, else ./MODEL_ID + the "
                      "format's extension)")
      ->type_name("PATH");
  auto* size = command->add_option("--size", options->size,
                                    "output size (default: the fitted image's size); for other tasks, "
                                    "passed on where their format takes a size")
                   ->type_name("WxH");
  command
      ->add_option_function<double>(
          "--scale", [options](double k) { options->scale = k; },
          "multiply the fitted size by K, e.g. 2 = 2x super-resolution: the field is sampled on "
          "a finer grid over the same [-1,1]^2")
      ->type_name("K")->check(CLI::PositiveNumber)->excludes(size);
  command->footer(
      "Other formats and their options (frames, sample rate, mesh resolution, ...): `siren model ID`\n"
      "lists them, `siren export ID --format F --option KEY=VALUE` writes them.");
  command->callback([options, &context] {
    context.action = [options, &context] { return run_render(*options, context.global); };
  });
}

}  // namespace siren::cli
