#pragma once
// `--preview-dir DIR` on `siren watch` and a watching `siren fit`: the server renders the field as it
// trains (the task's default image export, WatchJobRequest.preview) and each rendering is written to
// DIR/step_<step>.png, so a long fit can be looked at while it runs.
#include <string>

#include "siren/v1/jobs.pb.h"
#include "siren/v1/service.pb.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace siren::cli {

struct PreviewOptions {
  std::string directory;      // empty: no previews
  double every_seconds = 5;   // at most one preview this often
  int max_side = 256;         // pixels on the longer side

  bool enabled() const { return !directory.empty(); }
  v1::PreviewRequest request() const;
};

// Registers --preview-dir and --preview-every on `command`; returns --preview-dir (for excludes()).
CLI::Option* add_preview_options(CLI::App& command, PreviewOptions& options);

// Writes previews into the directory, creating it first. Throws CommandError when it cannot.
class PreviewWriter {
 public:
  explicit PreviewWriter(const std::string& directory);
  // Writes DIR/step_<step>.png and returns its path.
  std::string write(const v1::Preview& preview) const;

 private:
  std::string directory_;
};

}  // namespace siren::cli
