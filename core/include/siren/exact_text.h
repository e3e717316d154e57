#pragma once
// A double as text that reads back to the same double (std::stod): tasks store their facts in model
// files' metadata as text.
#include <string>

namespace siren {

std::string exact_text(double value);

}  // namespace siren
