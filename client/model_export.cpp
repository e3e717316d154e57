#include "model_export.h"

#include "chunked_download.h"

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

}  // namespace siren::cli
