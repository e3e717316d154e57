#include "duration.h"

#include <cmath>
#include <cstdlib>

#include <CLI/CLI.hpp>

namespace siren::cli {

double parse_duration_seconds(const std::string& text) {
  const auto invalid = [&text] {
    return CLI::ValidationError("--deadline", "'" + text + "' is not a duration; use e.g. 90s, 45m, 6h or 2d");
  };
  if (text.empty()) throw invalid();
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(number) || number <= 0) throw invalid();
  const std::string unit(end);
  double scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  else if (unit == "m") scale = 60;
  else if (unit == "h") scale = 3600;
  else if (unit == "d") scale = 86400;
  else throw invalid();
  return number * scale;
}

}  // namespace siren::cli
