#include "output.h"

#include <cstdio>

namespace siren::cli {

void Output::json_line(const Json& object) const {
  // Replace invalid UTF-8 (a file name, a server message) rather than throwing mid-stream.
  const std::string line = object.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void Output::text(const std::string& line) const {
  if (json_) return;
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void Output::note(const std::string& line) const {
  if (json_) return;
  std::fprintf(stderr, "%s\n", line.c_str());
}

void print_error(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  std::fflush(stderr);
}

}  // namespace siren::cli
