#include "commands/command.h"

#include <CLI/CLI.hpp>

namespace siren::cli {

CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& description,
                      CommandContext& context) {
  CLI::App* command = parent.add_subcommand(name, description);
  add_global_options(*command, context.global);
  return command;
}

}  // namespace siren::cli
