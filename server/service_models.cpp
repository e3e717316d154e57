// Model RPCs: ListModels, GetModel, DeleteModel, RenderImage, QueryField, DownloadCheckpoint.
#include <chrono>
#include <cmath>
#include <fstream>

#include "ids.h"
#include "metrics.h"
#include "model_store.h"
#include "rpc_error.h"
#include "service.h"
#include "siren/export.h"
#include "siren/io/image.h"

namespace siren::server {
namespace {

using grpc::Status;
using grpc::StatusCode;

constexpr size_t kChunkBytes = 1 << 20;  // well under gRPC's default 4 MiB client receive limit

int metadata_int(const v1::Model& model, const std::string& key) {
  auto it = model.metadata().find(key);
  if (it == model.metadata().end()) {
    throw RpcError(StatusCode::INTERNAL, "model " + model.model_id() + " has no '" + key + "' in its metadata");
  }
  return std::stoi(it->second);
}

// Rejects a query chunk that is not whole points, too large, or not finite.
void check_coords(const google::protobuf::RepeatedField<float>& coords, int in_features, int64_t max_points) {
  if (coords.size() % in_features != 0) {
    throw RpcError(StatusCode::INVALID_ARGUMENT,
                   "coords has " + std::to_string(coords.size()) + " floats, not a multiple of in_features=" +
                       std::to_string(in_features) + " (send in_features floats per point, row-major)");
  }
  if (coords.size() / in_features > max_points) {
    throw RpcError(StatusCode::INVALID_ARGUMENT,
                   "too many points in one message: " + std::to_string(coords.size() / in_features) +
                       " > limit " + std::to_string(max_points) + "; split them over several messages");
  }
  for (int i = 0; i < coords.size(); ++i) {
    if (!std::isfinite(coords[i])) {
      throw RpcError(StatusCode::INVALID_ARGUMENT,
                     "coords[" + std::to_string(i) + "] is " + (std::isnan(coords[i]) ? "NaN" : "infinite") +
                         "; every coordinate must be a finite number");
    }
  }
}

}  // namespace

Status SirenService::ListModels(grpc::ServerContext* context, const v1::ListModelsRequest*,
                                v1::ListModelsResponse* response) {
  return guard_.run("ListModels", context, [&] {
    for (auto& model : models_.list()) *response->add_models() = std::move(model);
    return Status::OK;
  });
}

Status SirenService::GetModel(grpc::ServerContext* context, const v1::GetModelRequest* request, v1::Model* response) {
  return guard_.run("GetModel", context, [&] {
    require_valid_id(request->model_id(), "model_id");
    *response = models_.get(request->model_id());
    return Status::OK;
  });
}

Status SirenService::DeleteModel(grpc::ServerContext* context, const v1::DeleteModelRequest* request,
                                 v1::DeleteModelResponse*) {
  return guard_.run("DeleteModel", context, [&] {
    require_valid_id(request->model_id(), "model_id");
    models_.remove(request->model_id());
    return Status::OK;
  });
}

namespace {

// What RenderImage serves, read from the task's exporters rather than a list of kinds: a model whose
// default export is a PNG taking any width and height (an image, an inpainted image, a Poisson
// reconstruction).
bool renders_as_image(const v1::Model& model) {
  if (model.export_formats().empty() || model.export_formats(0).name() != "png") return false;
  const auto& options = model.export_formats(0).options();
  return options.count("width") > 0 && options.count("height") > 0;
}

}  // namespace

Status SirenService::RenderImage(grpc::ServerContext* context, const v1::RenderImageRequest* request,
                                 grpc::ServerWriter<v1::DataChunk>* writer) {
  return guard_.run("RenderImage", context, [&] {
    require_valid_id(request->model_id(), "model_id");
    const v1::Model model = models_.get(request->model_id());
    if (!renders_as_image(model)) {
      return Status(StatusCode::FAILED_PRECONDITION,
                    "model " + model.model_id() + " is not an image model; RenderImage renders models whose default "
                    "export is a PNG of any width and height (use ExportModel or QueryField for other fields)");
    }
    if (request->width() < 0 || request->height() < 0) {
      return Status(StatusCode::INVALID_ARGUMENT, "width and height must be >= 0 (0 = the fitted image's size)");
    }
    const int width = request->width() > 0 ? request->width() : metadata_int(model, "width");
    const int height = request->height() > 0 ? request->height() : metadata_int(model, "height");
    if (static_cast<int64_t>(width) * height > options_.max_render_pixels) {
      return Status(StatusCode::INVALID_ARGUMENT,
                    std::to_string(width) + "x" + std::to_string(height) + " is more than the server's limit of " +
                        std::to_string(options_.max_render_pixels) + " pixels (flag --max-render-pixels)");
    }
    return export_to(writer, model.model_id(), "png",
                     {{"width", std::to_string(width)}, {"height", std::to_string(height)}});
  });
}

Status SirenService::ExportModel(grpc::ServerContext* context, const v1::ExportModelRequest* request,
                                 grpc::ServerWriter<v1::DataChunk>* writer) {
  return guard_.run("ExportModel", context, [&] {
    require_valid_id(request->model_id(), "model_id");
    const ExportOptions options(request->options().begin(), request->options().end());
    return export_to(writer, request->model_id(), request->format(), options);
  });
}

Status SirenService::export_to(grpc::ServerWriter<v1::DataChunk>* writer, const std::string& model_id,
                               const std::string& format, const ExportOptions& options) {
  bool client_gone = false;
  const auto start = std::chrono::steady_clock::now();
  const auto model = models_.load(model_id);
  int64_t sent = 0;
  // Pieces go out as they are produced (large meshes stream in bounded memory); the total is unknown
  // up front, so total_bytes stays 0.
  export_model(*model, format, options, [&](const std::string& bytes) {
    sent += static_cast<int64_t>(bytes.size());
    for (size_t offset = 0; offset < bytes.size() && !client_gone; offset += kChunkBytes) {
      v1::DataChunk chunk;
      chunk.set_data(bytes.substr(offset, kChunkBytes));
      client_gone = !writer->Write(chunk);
    }
  }, options_.max_render_pixels);
  const std::string& task = model->info().task_kind;
  std::string format_label = format;
  if (format_label.empty()) {
    const auto formats = export_formats(task);
    format_label = formats.empty() ? "default" : formats.front().name;
  }
  guard_.metrics().export_done(task, format_label, sent,
                               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return client_gone ? Status(StatusCode::CANCELLED, "client went away") : Status::OK;
}

Status SirenService::QueryField(grpc::ServerContext* context,
                                grpc::ServerReaderWriter<v1::QueryFieldResponse, v1::QueryFieldRequest>* stream) {
  return guard_.run("QueryField", context, [&] {
    v1::QueryFieldRequest request;
    if (!stream->Read(&request)) return Status::OK;  // nothing asked, nothing answered
    require_valid_id(request.model_id(), "model_id (required on the first message)");
    const auto model = models_.load(request.model_id());
    const int in_features = model->in_features();
    const bool with_gradients = request.with_gradients();
    do {
      check_coords(request.coords(), in_features, options_.max_query_points_per_message);
      const std::vector<float> coords(request.coords().begin(), request.coords().end());
      const auto start = std::chrono::steady_clock::now();
      const std::vector<float> values = model->query(coords);
      const std::vector<float> gradients = with_gradients ? model->query_gradients(coords) : std::vector<float>{};
      guard_.metrics().query(model->info().task_kind, static_cast<int64_t>(coords.size() / in_features),
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      v1::QueryFieldResponse response;
      response.set_out_features(model->out_features());
      response.mutable_values()->Add(values.begin(), values.end());
      response.mutable_gradients()->Add(gradients.begin(), gradients.end());
      if (!stream->Write(response)) return Status(StatusCode::CANCELLED, "client went away");
    } while (stream->Read(&request));
    return Status::OK;
  });
}

Status SirenService::DownloadCheckpoint(grpc::ServerContext* context, const v1::DownloadCheckpointRequest* request,
                                        grpc::ServerWriter<v1::DataChunk>* writer) {
  return guard_.run("DownloadCheckpoint", context, [&] {
    require_valid_id(request->model_id(), "model_id");
    models_.get(request->model_id());  // NOT_FOUND before touching the file system
    std::ifstream in(models_.checkpoint_path(request->model_id()), std::ios::binary | std::ios::ate);
    if (!in) throw RpcError(StatusCode::NOT_FOUND, "model " + request->model_id() + " has no checkpoint file");
    const int64_t total = in.tellg();
    in.seekg(0);
    std::string buffer(kChunkBytes, '\0');
    int64_t sent = 0;
    do {
      in.read(buffer.data(), static_cast<std::streamsize>(kChunkBytes));
      v1::DataChunk chunk;
      if (sent == 0) chunk.set_total_bytes(total);
      chunk.set_data(buffer.data(), static_cast<size_t>(in.gcount()));
      sent += in.gcount();
      if (!writer->Write(chunk)) return Status(StatusCode::CANCELLED, "client went away");
    } while (in && sent < total);
    return Status::OK;
  });
}

}  // namespace siren::server
