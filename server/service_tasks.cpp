// ListTasks: every task this server's core can fit, as the core describes it.
#include "service.h"
#include "siren/task_description.h"
#include "siren/wire/task_description_convert.h"

namespace siren::server {

grpc::Status SirenService::ListTasks(grpc::ServerContext* context, const v1::ListTasksRequest*,
                                     v1::ListTasksResponse* response) {
  return guard_.run("ListTasks", context, [&] {
    for (const TaskDescription& task : task_descriptions())
      *response->add_tasks() = wire::task_description_to_proto(task);
    return grpc::Status::OK;
  });
}

}  // namespace siren::server
