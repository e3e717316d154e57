#include "task_arguments.h"

#include <CLI/CLI.hpp>

namespace siren::cli {

namespace {

const char* const kTaskGroup = "Task";

// CLI11's ExistingPath check (a file, or a folder sent as a tar of its files), without the ":PATH" it
// would append to the help's type name.
CLI::Validator existing_file() { return CLI::Validator(CLI::ExistingPath).description(""); }

// The option's help, with its default added unless the help already states it (most do, with the
// reference's context: "default: 1400, the reference's --batch_size").
std::string option_help(const TaskOptionDescription& option) {
  if (option.default_value.empty() || option.help.find("default") != std::string::npos) return option.help;
  return option.help + " (default: " + option.default_value + ")";
}

}  // namespace

void add_task_inputs(CLI::App& command, const TaskDescription& task, std::vector<InputFile>& inputs) {
  inputs.clear();
  for (const TaskInputDescription& input : task.inputs) inputs.push_back({input.name, ""});
  // `inputs` is not resized from here on, so the options may keep references into it.
  for (size_t i = 0; i < inputs.size(); ++i) {
    const TaskInputDescription& input = task.inputs[i];
    const bool first = i == 0;  // the file the command is about: positional, as in `siren fit image x.png`
    CLI::Option* option =
        command.add_option(first ? input.name : "--" + option_flag_name(input.name), inputs[i].path, input.help);
    option->check(existing_file())->type_name("FILE");
    if (!input.optional) option->required();
    if (!first) option->group(kTaskGroup);
  }
}

void add_task_options(CLI::App& command, const TaskDescription& task, std::map<std::string, std::string>& options) {
  for (const TaskOptionDescription& option : task.options) {
    const std::string name = option.name;
    CLI::Option* flag = command.add_option_function<std::string>(
        "--" + option_flag_name(name), [&options, name](const std::string& value) { options[name] = value; },
        option_help(option));
    flag->type_name(option.value_name.empty() ? "VALUE" : option.value_name)->group(kTaskGroup);
    if (option.type == TaskOptionType::Choice && !option.choices.empty()) {
      flag->check(CLI::IsMember(option.choices).description(""));
    }
  }
}

}  // namespace siren::cli
