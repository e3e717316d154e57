#pragma once
// core's TaskDescription <-> siren.v1.TaskDescription (ListTasks). The CLI builds its `fit`
// subcommands from either side the same way: from the server's ListTasks, or from its own core for
// --local.
#include "siren/task_description.h"
#include "siren/v1/tasks.pb.h"

namespace siren::wire {

v1::TaskDescription task_description_to_proto(const TaskDescription& task);
// Throws InvalidInput for a kind this client's proto does not know.
TaskDescription task_description_from_proto(const v1::TaskDescription& task);

}  // namespace siren::wire
