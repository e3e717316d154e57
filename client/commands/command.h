#pragma once
// How commands plug into `siren`: each registers its CLI11 subcommand (with the global options) and,
// when chosen, leaves its action for main() to run after parsing — so every command's errors and
// exit codes go through one place.
#include <functional>
#include <string>
#include <vector>

#include "global_options.h"
#include "siren/task_description.h"

namespace CLI {
class App;
}

namespace siren::cli {

struct CommandContext {
  GlobalOptions global;
  std::function<int()> action;  // the chosen command; returns the exit code
};

// A subcommand of `parent` that accepts the global options.
CLI::App* add_command(CLI::App& parent, const std::string& name, const std::string& description,
                      CommandContext& context);

// `siren fit <task>` for each of `tasks` (the server's, or this build's: see task_catalog.h).
void register_fit_command(CLI::App& root, CommandContext& context, const std::vector<TaskDescription>& tasks);
void register_tasks_command(CLI::App& root, CommandContext& context);
void register_watch_command(CLI::App& root, CommandContext& context);
void register_jobs_commands(CLI::App& root, CommandContext& context);   // jobs, job
void register_job_action_commands(CLI::App& root, CommandContext& context);  // cancel, pause, resume, rm-job
void register_models_commands(CLI::App& root, CommandContext& context); // models, model, rm-model
void register_render_command(CLI::App& root, CommandContext& context);
void register_query_command(CLI::App& root, CommandContext& context);
void register_download_command(CLI::App& root, CommandContext& context);
void register_export_command(CLI::App& root, CommandContext& context);

}  // namespace siren::cli
