// `siren tasks [--local] [--json]`: what can be fitted — each task's name, summary, inputs and export
// formats (--json: everything, options and preset included) — as the server describes it, or this
// build's core with --local.
#include <memory>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "exit_codes.h"
#include "json_views.h"
#include "output.h"
#include "rpc_error.h"
#include "table.h"
#include "task_catalog.h"

namespace siren::cli {

namespace {

std::string joined(const std::vector<std::string>& words, const std::string& none) {
  if (words.empty()) return none;
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

std::string inputs_cell(const TaskDescription& task) {
  std::vector<std::string> names;
  for (const TaskInputDescription& input : task.inputs) names.push_back(input.name);
  return joined(names, "-");
}

std::vector<TaskDescription> listed_tasks(bool local, const GlobalOptions& global) {
  if (local) return local_task_descriptions();
  try {
    return server_task_descriptions(global);
  } catch (const RpcError& e) {
    throw CommandError(std::string(e.what()) + " (`siren tasks --local` lists this build's own tasks)");
  }
}

int run_tasks(bool local, const GlobalOptions& global) {
  const Output output(global.json);
  const std::vector<TaskDescription> tasks = listed_tasks(local, global);
  if (output.json()) {
    for (const TaskDescription& task : tasks) output.json_line(task_json(task));
    return kExitSuccess;
  }
  Table table({"TASK", "INPUTS", "EXPORTS", "SUMMARY"});
  for (const TaskDescription& task : tasks) {
    table.add_row({task.kind, inputs_cell(task), joined(task.export_formats, "-"), task.summary});
  }
  output.text(table.render());
  output.note("fit one with: siren fit TASK [FILE] [options]   (siren fit TASK --help: its inputs and options)");
  return kExitSuccess;
}

}  // namespace

void register_tasks_command(CLI::App& root, CommandContext& context) {
  auto local = std::make_shared<bool>(false);
  CLI::App* command = add_command(
      root, "tasks", "list the tasks the server can fit: inputs, export formats (--json: options, presets)",
      context);
  command->add_flag("--local", *local, "list this build's own tasks (those `siren fit --local` runs) instead");
  command->footer(
      "--json prints one line per task: {\"name\",\"summary\",\"inputs\":[{name,help}],\"options\":[{name,type,\n"
      "default,min,max,choices,value_name,help}],\"export_formats\",\"preset\":{task_options,model,train},\n"
      "\"details\"}. An option's empty default means it depends on the input or other options.");
  command->callback([local, &context] {
    context.action = [local, &context] { return run_tasks(*local, context.global); };
  });
}

}  // namespace siren::cli
