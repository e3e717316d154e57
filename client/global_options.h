#pragma once
// Options every command accepts (--server, --json, --token), wherever they appear on the line.
#include <string>

namespace CLI {
class App;
}

namespace siren::cli {

struct GlobalOptions {
  std::string server;  // HOST:PORT
  bool json = false;   // JSON lines on stdout instead of tables and progress bars
  std::string token;   // sent as `authorization: Bearer <token>` when not empty
};

// Defaults from $SIREN_SERVER / $SIREN_TOKEN, read once here rather than by CLI11's envname():
// the options are registered on every subcommand, and an envname there would overwrite a value
// given earlier on the line (`siren --server X jobs`).
GlobalOptions global_options_from_environment();

// Registers the three options on `app`, all writing into the same `options`.
void add_global_options(CLI::App& app, GlobalOptions& options);

}  // namespace siren::cli
