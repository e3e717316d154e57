#pragma once
// A task as the CLI sees it: a name (the server's task kind), its input, and its own options.
// `siren fit <name> FILE` gets everything else (network, training, upload, watching, --local) from
// the shared fit command, so a new task (audio, sdf, ...) is one file here plus one line in
// task_commands.cpp.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "siren/fit_config.h"

namespace CLI {
class App;
}

namespace siren::cli {

using TaskOptions = std::map<std::string, std::string>;  // FitSpec.task_options: only those given
using InputFiles = std::map<std::string, std::string>;   // a task's extra input files: role -> path

struct TaskCommand {
  std::string name;        // task kind, e.g. "image"
  std::string summary;     // one line for `siren fit --help`
  std::string input_help;  // what FILE is; empty = the task takes no input (no FILE argument, nothing uploaded)
  std::string footer;      // paper context for `siren fit <name> --help`
  // Registers the task's options; each writes its value into `options` under the server's key.
  std::function<void(CLI::App& command, const FitConfig& preset, TaskOptions& options)> add_options;
  // Only for a task whose input is several files (poisson-composite: FILE is the background, and
  // --foreground names the other image). add_input_files registers the options naming the extra
  // files, stored in `files` by role (they are not task options: the server never sees paths);
  // pack_input builds the one blob the fit uploads from FILE and those (core's InputBundle), for the
  // server and --local alike. Unset: FILE is uploaded as it is.
  std::function<void(CLI::App& command, InputFiles& files)> add_input_files;
  std::function<std::string(const std::string& input_path, const InputFiles& files)> pack_input;
};

const std::vector<TaskCommand>& task_commands();

TaskCommand image_task_command();
TaskCommand audio_task_command();
TaskCommand video_task_command();
TaskCommand sdf_task_command();
TaskCommand helmholtz_task_command();
TaskCommand wave_task_command();
TaskCommand poisson_grad_task_command();
TaskCommand poisson_lapl_task_command();
TaskCommand poisson_composite_task_command();

// For a task's add_options: `--flag VALUE` stored under `key` only when given, so the task's own
// default (stated in `help`) applies otherwise. Core validates the value.
void add_task_option(CLI::App& command, TaskOptions& options, const std::string& flag,
                     const std::string& key, const std::string& type_name, const std::string& help);

}  // namespace siren::cli
