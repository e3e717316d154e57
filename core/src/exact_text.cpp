#include "siren/exact_text.h"

#include <cstdio>

namespace siren {

std::string exact_text(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);  // 17 significant digits round-trip any double
  return buffer;
}

}  // namespace siren
