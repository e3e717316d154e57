// `siren watch JOB_ID [--preview-dir DIR]`: follow a job until it ends (Ctrl-C only detaches), writing the
// server's renderings of the field as it trains when asked.
#include <memory>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "connection.h"
#include "follow_job.h"
#include "previews.h"

namespace siren::cli {

void register_watch_command(CLI::App& root, CommandContext& context) {
  auto job_id = std::make_shared<std::string>();
  auto previews = std::make_shared<PreviewOptions>();
  CLI::App* command = add_command(
      root, "watch", "follow a job's progress until it ends (Ctrl-C detaches; the job goes on)",
      context);
  command->add_option("job_id", *job_id, "the job, as printed by `siren fit` / `siren jobs`")
      ->required()->type_name("JOB_ID");
  add_preview_options(*command, *previews);
  command->footer(
      "--json prints one line per event ({\"event\":\"progress\",...}) and always ends with\n"
      "{\"event\":\"result\",\"job_id\":..,\"model_id\":..,\"state\":..,\"step\":..,\"loss\":..,<metrics>}.\n"
      "With --preview-dir, each preview written adds {\"preview\":\"DIR/step_N.png\",\"step\":N}.\n"
      "Exit code: 0 only if the job succeeded; 1 if it failed, was cancelled or interrupted, or\n"
      "on an RPC error; 130 when detached with Ctrl-C.");
  command->callback([job_id, previews, &context] {
    context.action = [job_id, previews, &context] {
      Connection connection(context.global);
      return follow_job(connection, *job_id, Output(context.global.json), *previews);
    };
  });
}

}  // namespace siren::cli
