#include <CLI/CLI.hpp>

#include "tasks/task_command.h"

namespace siren::cli {

const std::vector<TaskCommand>& task_commands() {
  static const std::vector<TaskCommand> tasks = {
      image_task_command(),
      audio_task_command(),
      video_task_command(),
      sdf_task_command(),
      helmholtz_task_command(),
      wave_task_command(),
      poisson_grad_task_command(),
      poisson_lapl_task_command(),
      poisson_composite_task_command(),
  };
  return tasks;
}

void add_task_option(CLI::App& command, TaskOptions& options, const std::string& flag,
                     const std::string& key, const std::string& type_name, const std::string& help) {
  command
      .add_option_function<std::string>(
          flag, [&options, key](const std::string& value) { options[key] = value; }, help)
      ->type_name(type_name)
      ->group("Task");
}

}  // namespace siren::cli
