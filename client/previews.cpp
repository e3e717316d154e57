#include "previews.h"

#include <filesystem>
#include <fstream>

#include <CLI/CLI.hpp>

#include "rpc_error.h"

namespace siren::cli {

v1::PreviewRequest PreviewOptions::request() const {
  v1::PreviewRequest request;
  request.set_every_seconds(every_seconds);
  request.set_max_side(max_side);
  return request;
}

CLI::Option* add_preview_options(CLI::App& command, PreviewOptions& options) {
  const std::string group = "Previews (server only)";
  CLI::Option* directory =
      command
          .add_option("--preview-dir", options.directory,
                      "while the job runs, write renderings of the field as it trains to DIR/step_<step>.png "
                      "(DIR is created; tasks whose default export is not an image, e.g. audio or sdf, send none)")
          ->type_name("DIR")
          ->group(group);
  command
      .add_option("--preview-every", options.every_seconds,
                  "seconds between previews, at least 1 (default: 5); each costs the fit one rendering")
      ->type_name("SECONDS")
      ->check(CLI::Range(1.0, 86400.0).description(""))
      ->needs(directory)
      ->group(group);
  return directory;
}

PreviewWriter::PreviewWriter(const std::string& directory) : directory_(directory) {
  std::error_code error;
  std::filesystem::create_directories(directory_, error);
  if (error || !std::filesystem::is_directory(directory_)) {
    throw CommandError("--preview-dir: cannot create " + directory_ + (error ? ": " + error.message() : ""));
  }
}

std::string PreviewWriter::write(const v1::Preview& preview) const {
  const std::string path = (std::filesystem::path(directory_) / ("step_" + std::to_string(preview.step()) + ".png")).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(preview.png().data(), static_cast<std::streamsize>(preview.png().size()));
  out.close();
  if (!out) throw CommandError("cannot write preview " + path);
  return path;
}

}  // namespace siren::cli
