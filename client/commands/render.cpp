// `siren render MODEL -o out.png [--size WxH | --scale K]`: sample an image field on any grid.
// A SIREN is continuous, so rendering at 2x the fitted size is super-resolution by evaluation.
#include <cmath>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "chunked_download.h"
#include "commands/command.h"
#include "connection.h"
#include "exit_codes.h"
#include "output.h"
#include "format.h"
#include "model_lookup.h"
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

int run_render(const RenderOptions& options, const GlobalOptions& global) {
  const Output output(global.json);
  Connection connection(global);
  const v1::Model model = fetch_model(connection, options.model_id);
  int width = metadata_int(model, "width"), height = metadata_int(model, "height");
  if (!options.size.empty()) {
    std::tie(width, height) = parse_size(options.size);
  } else if (options.scale) {
    if (width == 0 || height == 0) {
      throw CommandError("model " + options.model_id + " has no fitted size; use --size WxH");
    }
    width = static_cast<int>(std::lround(width * *options.scale));
    height = static_cast<int>(std::lround(height * *options.scale));
    if (width <= 0 || height <= 0) throw CommandError("--scale leaves no pixels");
  }

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

}  // namespace

void register_render_command(CLI::App& root, CommandContext& context) {
  auto options = std::make_shared<RenderOptions>();
  CLI::App* command = add_command(
      root, "render", "render an image model to a PNG at any resolution (super-resolution)",
      context);
  command->add_option("model_id", options->model_id, "the image model")
      ->required()->type_name("MODEL_ID");
  command->add_option("-o,--output", options->output, "the PNG to write (default: ./MODEL_ID.png)")
      ->type_name("PATH");
  auto* size = command->add_option("--size", options->size,
                                    "output size (default: the fitted image's size)")
                   ->type_name("WxH");
  command
      ->add_option_function<double>(
          "--scale", [options](double k) { options->scale = k; },
          "multiply the fitted size by K, e.g. 2 = 2x super-resolution: the field is sampled on "
          "a finer grid over the same [-1,1]^2")
      ->type_name("K")->check(CLI::PositiveNumber)->excludes(size);
  command->callback([options, &context] {
    context.action = [options, &context] { return run_render(*options, context.global); };
  });
}

}  // namespace siren::cli
