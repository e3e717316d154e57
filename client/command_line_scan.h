#pragma once
// What main() must know before it builds the command tree: the `siren fit <task>` subcommands come
// from task descriptions, asked of the server named on the command line (or of this build's core
// with --local), so those options are read first, wherever they stand on the line.
#include <string>

#include "global_options.h"

namespace siren::cli {

struct CommandLineScan {
  GlobalOptions global;  // --server, --token, --tls*: as the full parse will see them
  bool local = false;    // --local anywhere: no server, this build's tasks
  std::string command;   // the first word that is not an option, e.g. "fit"; empty if none
};

// Reads only the options above and ignores everything else, including mistakes: the full parse
// that follows reports those. `defaults` holds the environment's values.
CommandLineScan scan_command_line(int argc, const char* const* argv, GlobalOptions defaults);

}  // namespace siren::cli
