#include "command_line_scan.h"

#include <CLI/CLI.hpp>

namespace siren::cli {

CommandLineScan scan_command_line(int argc, const char* const* argv, GlobalOptions defaults) {
  CommandLineScan scan;
  scan.global = std::move(defaults);
  // The same option definitions as the real parse, so both read `--server X`, `--server=X`, ...
  // alike; everything this app does not know is left over as an extra.
  CLI::App scanner;
  scanner.set_help_flag();  // --help is the real parse's to answer
  scanner.allow_extras();
  scanner.prefix_command(false);
  // Each subcommand level of the real parse takes its own --server (the last one wins): so here.
  scanner.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  add_global_options(scanner, scan.global);
  scanner.add_flag("--local", scan.local);
  try {
    scanner.parse(argc, argv);
  } catch (const CLI::ParseError&) {
    return scan;  // e.g. `--server` without a value: the real parse says so
  }
  for (const std::string& word : scanner.remaining()) {
    if (!word.empty() && word[0] != '-') {
      scan.command = word;
      break;
    }
  }
  return scan;
}

}  // namespace siren::cli
