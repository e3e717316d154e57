#include "task_catalog.h"

#include "connection.h"
#include "rpc_error.h"
#include "siren/wire/task_description_convert.h"

namespace siren::cli {

namespace {
// Building the command line waits for this answer: a server that does not answer promptly is treated
// as absent rather than stalling `siren fit --help`.
constexpr std::chrono::seconds kListTasksDeadline{10};
}  // namespace

std::vector<TaskDescription> local_task_descriptions() { return task_descriptions(); }

std::vector<TaskDescription> server_task_descriptions(const GlobalOptions& global) {
  Connection connection(global);
  auto context = connection.context(kListTasksDeadline);
  v1::ListTasksResponse response;
  check_rpc(connection.stub().ListTasks(context.get(), v1::ListTasksRequest(), &response));
  std::vector<TaskDescription> tasks;
  for (const v1::TaskDescription& task : response.tasks()) {
    try {
      tasks.push_back(wire::task_description_from_proto(task));
    } catch (const std::exception&) {
      // A task newer than this client's API (its kind has no value here): it could not be submitted.
    }
  }
  return tasks;
}

std::vector<TaskDescription> task_descriptions_for_fit(const GlobalOptions& global, bool local) {
  if (local) return local_task_descriptions();
  try {
    return server_task_descriptions(global);
  } catch (const CommandError&) {
    return local_task_descriptions();
  }
}

}  // namespace siren::cli
