#pragma once
// A task's own arguments on `siren fit <task>`, made from its description rather than written per
// task: FILE for its first input, --<name> FILE for each further input, and --<option> VALUE for each
// task option. So a task the server adds needs no new CLI code.
#include <map>
#include <string>
#include <vector>

#include "fit_request.h"
#include "siren/task_description.h"

namespace CLI {
class App;
}

namespace siren::cli {

// Registers the task's inputs: the first as the positional FILE, the others as `--<name> FILE` options,
// required unless the task marks them optional. `inputs` gets one entry per input, in the task's
// order, filled by parsing (an optional input not given keeps an empty path: nothing is sent for it).
void add_task_inputs(CLI::App& command, const TaskDescription& task, std::vector<InputFile>& inputs);

// Registers `--<option> VALUE` per task option (group "Task"); a value given is stored in `options`
// under the option's name, as typed: the core checks it (here only a choice's spelling is).
void add_task_options(CLI::App& command, const TaskDescription& task, std::map<std::string, std::string>& options);

}  // namespace siren::cli
