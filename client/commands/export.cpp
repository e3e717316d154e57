// `siren export MODEL [--format F] [--option KEY=VALUE ...] [-o PATH]`: a trained field in one of
// its task's file formats (image: PNG at any size, audio: WAV, sdf: a PLY mesh, ...). The formats
// and their options come from the server (`siren model ID` lists them), so new ones need no CLI change.
#include <map>
#include <memory>

#include <CLI/CLI.hpp>

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

struct ExportOptions {
  std::string model_id;
  std::string format;                // empty = the task's default
  std::vector<std::string> options;  // KEY=VALUE
  std::string output;
  bool local = false;  // model_id is a model file, exported here without a server
};

// --option KEY=VALUE, repeatable.
std::map<std::string, std::string> parse_format_options(const std::vector<std::string>& pairs) {
  std::map<std::string, std::string> options;
  for (const std::string& option : pairs) {
    const auto equals = option.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw CommandError("--option: expected KEY=VALUE, got \"" + option + "\"");
    }
    options[option.substr(0, equals)] = option.substr(equals + 1);
  }
  return options;
}

// Where and how many bytes the export wrote: through the server, or (--local) in this process.
std::pair<std::string, int64_t> export_to_file(const ExportOptions& options, const GlobalOptions& global,
                                               const std::map<std::string, std::string>& format_options) {
  if (options.local) {
    const std::string path =
        options.output.empty() ? default_local_export_path(options.model_id, options.format) : options.output;
    return {path, export_local_model_to_file(options.model_id, options.format, format_options, path)};
  }
  Connection connection(global);
  const v1::Model model = fetch_model(connection, options.model_id);
  const std::string path = options.output.empty() ? default_export_path(model, options.format) : options.output;
  return {path, export_model_to_file(connection, options.model_id, options.format, format_options, path)};
}

int run_export(const ExportOptions& options, const GlobalOptions& global) {
  const Output output(global.json);
  const std::map<std::string, std::string> format_options = parse_format_options(options.options);
  const auto [path, bytes] = export_to_file(options, global, format_options);

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
  command->add_option("model_id", options->model_id, "the model (with --local: its file)")
      ->required()->type_name("MODEL_ID");
  command->add_option("--format", options->format,
                      "the format (default: the task's first; `siren model ID` lists them)")
      ->type_name("NAME");
  command->add_option("--option", options->options,
                      "a format option, repeatable, e.g. --option scale=2 (see `siren model ID`)")
      ->type_name("KEY=VALUE");
  command->add_flag("--local", options->local,
                    "MODEL_ID is a model file (written by `siren fit --local`, or `siren download`), exported in "
                    "this process: no server");
  command->add_option("-o,--output", options->output,
                      "the file to write (default: ./MODEL_ID + the format's extension)")
      ->type_name("PATH");
  command->callback([options, &context] {
    context.action = [options, &context] { return run_export(*options, context.global); };
  });
}

}  // namespace siren::cli
