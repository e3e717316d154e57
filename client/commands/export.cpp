// `siren export MODEL [--format F] [--option KEY=VALUE ...] [-o PATH]`: a trained field in one of
// its task's file formats (image: PNG at any size, audio: WAV, sdf: a PLY mesh, ...). The formats
// and their options come from the server (`siren model ID` lists them), so new ones need no CLI change.
#include <memory>

#include <CLI/CLI.hpp>

#include "chunked_download.h"
#include "commands/command.h"
#include "connection.h"
#include "exit_codes.h"
#include "format.h"
#include "model_lookup.h"
#include "output.h"
#include "rpc_error.h"

namespace siren::cli {

namespace {

struct ExportOptions {
  std::string model_id;
  std::string format;                // empty = the task's default
  std::vector<std::string> options;  // KEY=VALUE
  std::string output;
};

// The extension of the format that will be used, for the default output name.
std::string extension_for(const v1::Model& model, const std::string& format) {
  for (const v1::ExportFormat& f : model.export_formats()) {
    if (format.empty() || f.name() == format) return f.extension();
  }
  return format.empty() ? "" : "." + format;
}

int run_export(const ExportOptions& options, const GlobalOptions& global) {
  const Output output(global.json);
  Connection connection(global);
  const v1::Model model = fetch_model(connection, options.model_id);

  v1::ExportModelRequest request;
  request.set_model_id(options.model_id);
  request.set_format(options.format);
  for (const std::string& option : options.options) {
    const auto equals = option.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw CommandError("--option: expected KEY=VALUE, got \"" + option + "\"");
    }
    (*request.mutable_options())[option.substr(0, equals)] = option.substr(equals + 1);
  }
  const std::string path = options.output.empty()
                               ? options.model_id + extension_for(model, options.format)
                               : options.output;
  auto context = connection.context(std::chrono::seconds(600));  // meshes take a while
  auto reader = connection.stub().ExportModel(context.get(), request);
  const int64_t bytes = receive_to_file(*reader, path);

  if (output.json()) {
    output.json_line(Json{{"model_id", options.model_id}, {"format", options.format},
                          {"output", path}, {"bytes", bytes}});
  } else {
    output.text("wrote " + path + " (" + format_bytes(bytes) + ")");
  }
  return kExitSuccess;
}

}  // namespace

void register_export_command(CLI::App& root, CommandContext& context) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* command = add_command(
      root, "export",
      "export a model in one of its task's formats (image: png, audio: wav, sdf: ply mesh, ...)",
      context);
  command->add_option("model_id", options->model_id, "the model")
      ->required()->type_name("MODEL_ID");
  command->add_option("--format", options->format,
                      "the format (default: the task's first; `siren model ID` lists them)")
      ->type_name("NAME");
  command->add_option("--option", options->options,
                      "a format option, repeatable, e.g. --option scale=2 (see `siren model ID`)")
      ->type_name("KEY=VALUE");
  command->add_option("-o,--output", options->output,
                      "the file to write (default: ./MODEL_ID + the format's extension)")
      ->type_name("PATH");
  command->callback([options, &context] {
    context.action = [options, &context] { return run_export(*options, context.global); };
  });
}

}  // namespace siren::cli
