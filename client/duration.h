#pragma once
// Durations as people type them on a command line: "90", "90s", "45m", "6h", "2d", "1.5h".
#include <string>

namespace siren::cli {

// Seconds; throws CLI::ValidationError with the accepted forms for anything else (negative too).
double parse_duration_seconds(const std::string& text);

}  // namespace siren::cli
