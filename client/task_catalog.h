#pragma once
// Where the CLI learns which tasks exist: the server's ListTasks, or this build's core (--local).
// Both give core TaskDescriptions, so `siren fit <task>` and `siren tasks` are built the same way
// whichever answered.
#include <vector>

#include "global_options.h"
#include "siren/task_description.h"

namespace siren::cli {

// The tasks this build's core can fit (`--local`).
std::vector<TaskDescription> local_task_descriptions();

// The server's tasks. Throws RpcError (or CommandError for unreadable --tls-* files).
std::vector<TaskDescription> server_task_descriptions(const GlobalOptions& global);

// For building `siren fit`: the server's tasks, or the local ones when asked to (--local) or when the
// server cannot say (not running, too old for ListTasks, ...) — so `siren fit --help` works offline,
// and a submission then reports the server's error itself.
std::vector<TaskDescription> task_descriptions_for_fit(const GlobalOptions& global, bool local);

}  // namespace siren::cli
