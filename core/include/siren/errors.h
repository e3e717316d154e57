#pragma once
// Error types the core throws. The server maps InvalidInput to INVALID_ARGUMENT and NotFound to
// NOT_FOUND; anything else is an internal error of one job, never of the process.
#include <stdexcept>
#include <string>

namespace siren {

// The caller's input is wrong (bad file, bad shape, bad option). The message says what and how to fix it.
class InvalidInput : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class NotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace siren
