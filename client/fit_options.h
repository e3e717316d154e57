#pragma once
// The network and optimiser options every `siren fit <task>` command shares. Their help states the
// task preset's value (read from the core, so it never drifts) and what the paper means by it.
#include "fit_request.h"
#include "siren/fit_config.h"
#include "siren/task_description.h"

namespace CLI {
class App;
}

namespace siren::cli {

// `task`: its preset, and the widths it presets for particular activations (video's baselines).
void add_fit_settings_options(CLI::App& command, const TaskDescription& task, FitSettings& settings);

}  // namespace siren::cli
