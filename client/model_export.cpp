#include "model_export.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "chunked_download.h"
#include "rpc_error.h"
#include "siren/export.h"
#include "siren/field_model.h"

namespace siren::cli {

const v1::ExportFormat* find_export_format(const v1::Model& model, const std::string& format) {
  for (const v1::ExportFormat& f : model.export_formats()) {
    if (format.empty() || f.name() == format) return &f;
  }
  return nullptr;
}

std::string default_export_path(const v1::Model& model, const std::string& format) {
  const v1::ExportFormat* known = find_export_format(model, format);
  const std::string extension = known ? known->extension() : format.empty() ? "" : "." + format;
  return model.model_id() + extension;
}

int64_t export_model_to_file(Connection& connection, const std::string& model_id, const std::string& format,
                             const std::map<std::string, std::string>& options, const std::string& path) {
  v1::ExportModelRequest request;
  request.set_model_id(model_id);
  request.set_format(format);
  for (const auto& [key, value] : options) (*request.mutable_options())[key] = value;
  auto context = connection.context(std::chrono::seconds(600));  // meshes and videos take a while
  auto reader = connection.stub().ExportModel(context.get(), request);
  return receive_to_file(*reader, path);
}

std::string default_local_export_path(const std::string& model_path, const std::string& format) {
  std::string name = std::filesystem::path(model_path).filename().string();
  const std::string suffix = ".ckpt";
  if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
    name.resize(name.size() - suffix.size());
  for (const ExportFormat& f : export_formats(FieldModel::read_info(model_path).task_kind))
    if (format.empty() || f.name == format) return name + f.extension;
  return name + (format.empty() ? "" : "." + format);
}

int64_t export_local_model_to_file(const std::string& model_path, const std::string& format,
                                   const std::map<std::string, std::string>& options, const std::string& path) {
  const FieldModel model = FieldModel::load(model_path);
  const std::string partial = path + ".part";  // renamed into place once complete, as a download
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) throw CommandError("cannot write " + partial);
  int64_t bytes = 0;
  try {
    export_model(model, format, options, [&](const std::string& piece) {
      out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
      bytes += static_cast<int64_t>(piece.size());
    });
    out.close();
    if (!out) throw CommandError("error writing " + partial);
    std::error_code error;
    std::filesystem::rename(partial, path, error);
    if (error) throw CommandError("cannot write " + path + ": " + error.message());
  } catch (...) {
    std::remove(partial.c_str());
    throw;
  }
  return bytes;
}

}  // namespace siren::cli
