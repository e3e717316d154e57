#pragma once
// Where a command's results go. With --json every result is one JSON object per line on stdout
// (nothing else is ever written there, so `| jq` always works); otherwise people get text on
// stdout. Notes, warnings and progress always go to stderr.
#include <string>

#include <nlohmann/json.hpp>

// Insertion-ordered, so every line starts with what it is about ("event", "job_id", ...).
namespace siren::cli {
using Json = nlohmann::ordered_json;
}

namespace siren::cli {

class Output {
 public:
  explicit Output(bool json) : json_(json) {}

  bool json() const { return json_; }

  // One JSON object as one line on stdout, flushed (a script may be reading line by line).
  // nlohmann prints doubles in their shortest exact form, so values round-trip bit for bit.
  void json_line(const Json& object) const;
  // A line of text for people on stdout (ignored in JSON mode).
  void text(const std::string& line) const;
  // A note for people on stderr (ignored in JSON mode).
  void note(const std::string& line) const;

 private:
  bool json_;
};

// `error: <message>` on stderr, in every mode.
void print_error(const std::string& message);

}  // namespace siren::cli
