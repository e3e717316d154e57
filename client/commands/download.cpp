// `siren download MODEL -o ckpt`: the model's full training state, to keep, query locally, or
// continue with `siren fit ... --resume ckpt`.
#include <memory>

#include <CLI/CLI.hpp>

#include "chunked_download.h"
#include "commands/command.h"
#include "connection.h"
#include "exit_codes.h"
#include "output.h"
#include "format.h"

namespace siren::cli {

namespace {

struct DownloadOptions {
  std::string model_id;
  std::string output;
};

int run_download(const DownloadOptions& options, const GlobalOptions& global) {
  const Output output(global.json);
  Connection connection(global);
  v1::DownloadCheckpointRequest request;
  request.set_model_id(options.model_id);
  auto context = connection.context(std::nullopt);  // checkpoints can be large
  auto reader = connection.stub().DownloadCheckpoint(context.get(), request);
  const std::string path =
      options.output.empty() ? options.model_id + ".siren.ckpt" : options.output;
  const int64_t bytes = receive_to_file(*reader, path);
  if (output.json()) {
    output.json_line(Json{{"model_id", options.model_id}, {"output", path}, {"bytes", bytes}});
  } else {
    output.text("wrote " + path + " (" + format_bytes(bytes) + ")");
  }
  return kExitSuccess;
}

}  // namespace

void register_download_command(CLI::App& root, CommandContext& context) {
  auto options = std::make_shared<DownloadOptions>();
  CLI::App* command = add_command(
      root, "download",
      "download a model's checkpoint (weights, Adam state, step, RNG; resumable with fit --resume)",
      context);
  command->add_option("model_id", options->model_id, "the model")
      ->required()->type_name("MODEL_ID");
  command->add_option("-o,--output", options->output,
                      "the file to write (default: ./MODEL_ID.siren.ckpt)")
      ->type_name("PATH");
  command->callback([options, &context] {
    context.action = [options, &context] { return run_download(*options, context.global); };
  });
}

}  // namespace siren::cli
