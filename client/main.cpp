// siren: the command-line client of siren-server. Parses the command line (CLI11), runs the chosen
// command, and turns every kind of failure into `error: ...` on stderr and an exit code:
// 0 success, 1 failure (RPC error, unsuccessful job, bad file), 2 bad command line.
#include <CLI/CLI.hpp>

#include "command_line_scan.h"
#include "commands/command.h"
#include "exit_codes.h"
#include "output.h"
#include "rpc_error.h"
#include "siren/errors.h"
#include "task_catalog.h"

namespace {

const char* const kDescription =
    "siren: fit SIREN neural fields (Sitzmann et al. 2020, \"Implicit Neural Representations\n"
    "with Periodic Activation Functions\") on a siren-server, follow their training, and query,\n"
    "render or download the trained fields.";

const char* const kFooter =
    "Examples:\n"
    "  siren tasks                                        what can be fitted (and its inputs)\n"
    "  siren fit image cameraman.png --steps 500         fit on the server and follow it\n"
    "  siren fit image photo.jpg --size 128x128 --no-watch\n"
    "  siren watch JOB_ID                                 re-attach to a running fit\n"
    "  siren render MODEL_ID -o big.png --scale 4         4x super-resolution\n"
    "  siren export MODEL_ID --option scale=2             the task's own file format\n"
    "  siren fit image cameraman.png --local --steps 200  no server: fit in this process\n"
    "Exit codes: 0 success, 1 failure (RPC error or a job that did not succeed), 2 bad usage.";

}  // namespace

int main(int argc, char** argv) {
  using namespace siren::cli;
  CLI::App app(kDescription, "siren");
  app.footer(kFooter);
  app.require_subcommand(1);
  app.get_formatter()->column_width(34);

  // `siren fit <task>` is built from task descriptions: the server's, so they must be asked for
  // before parsing, of the server the line names. Other commands need no round trip.
  const CommandLineScan scan = scan_command_line(argc, argv, global_options_from_environment());
  const std::vector<siren::TaskDescription> tasks =
      scan.command == "fit" ? task_descriptions_for_fit(scan.global, scan.local) : local_task_descriptions();

  CommandContext context{global_options_from_environment(), nullptr};
  add_global_options(app, context.global);
  register_fit_command(app, context, tasks);
  register_tasks_command(app, context);
  register_watch_command(app, context);
  register_jobs_commands(app, context);
  register_job_action_commands(app, context);
  register_models_commands(app, context);
  register_render_command(app, context);
  register_query_command(app, context);
  register_export_command(app, context);
  register_download_command(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0 through here; every real parse error becomes the usage code.
    return app.exit(e) == 0 ? kExitSuccess : kExitUsage;
  }
  if (!context.action) return kExitUsage;  // unreachable: a subcommand is required

  try {
    return context.action();
  } catch (const CommandError& e) {  // includes RpcError: "NOT_FOUND: ..."
    print_error(e.what());
  } catch (const siren::InvalidInput& e) {  // --local: the core's word, named like the server's
    print_error(std::string("INVALID_ARGUMENT: ") + e.what());
  } catch (const siren::NotFound& e) {
    print_error(std::string("NOT_FOUND: ") + e.what());
  } catch (const std::exception& e) {
    print_error(e.what());
  }
  return kExitFailure;
}
