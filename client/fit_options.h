#pragma once
// The network and optimiser options every `siren fit <task>` command shares. Their help states the
// task preset's value (read from the core, so it never drifts) and what the paper means by it.
#include "fit_request.h"
#include "siren/fit_config.h"

namespace CLI {
class App;
}

namespace siren::cli {

void add_fit_settings_options(CLI::App& command, const FitConfig& preset, FitSettings& settings);

}  // namespace siren::cli
