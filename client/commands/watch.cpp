// `siren watch JOB_ID [--preview-dir DIR] [--after N]`: follow a job until it ends (Ctrl-C only detaches),
// writing the server's renderings of the field as it trains when asked; --after resumes an earlier watch.
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
  auto after = std::make_shared<int64_t>(0);
  CLI::App* command = add_command(
      root, "watch", "follow a job's progress until it ends (Ctrl-C detaches; the job goes on)",
      context);
  command->add_option("job_id", *job_id, "the job, as printed by `siren fit` / `siren jobs`")
      ->required()->type_name("JOB_ID");
  add_preview_options(*command, *previews);
  command
      ->add_option("--after", *after,
                   "resume an earlier watch: first the job's state changes and checkpoints numbered above N (the "
                   "\"sequence\" of --json lines), then the job now, then what comes")
      ->check(CLI::NonNegativeNumber)
      ->type_name("N");
  command->footer(
      "--json prints one line per event ({\"event\":\"progress\",...}) and always ends with\n"
      "{\"event\":\"result\",\"job_id\":..,\"model_id\":..,\"state\":..,\"step\":..,\"loss\":..,<metrics>}.\n"
      "With --preview-dir, each preview written adds {\"preview\":\"DIR/step_N.png\",\"step\":N}.\n"
      "Events the server keeps (state changes, checkpoints) carry \"sequence\": 1, 2, ...; a script whose watch\n"
      "broke passes the highest it saw to --after and misses nothing.\n"
      "Exit code: 0 only if the job succeeded; 1 if it failed, was cancelled or interrupted, or\n"
      "on an RPC error; 130 when detached with Ctrl-C.");
  command->callback([job_id, previews, after, &context] {
    context.action = [job_id, previews, after, &context] {
      Connection connection(context.global);
      return follow_job(connection, *job_id, Output(context.global.json), *previews, *after);
    };
  });
}

}  // namespace siren::cli
