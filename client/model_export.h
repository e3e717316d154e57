#pragma once
// ExportModel into a file, shared by `siren export` (any format, any options) and `siren render` (a
// model's default format, for the tasks that have no RenderImage).
#include <cstdint>
#include <map>
#include <string>

#include "connection.h"
#include "siren/v1/service.pb.h"

namespace siren::cli {

// The model's format called `format`, or its default (the first) for ""; nullptr if it has none such.
const v1::ExportFormat* find_export_format(const v1::Model& model, const std::string& format);

// ./<model_id><the format's extension>, e.g. ./model-3.wav.
std::string default_export_path(const v1::Model& model, const std::string& format);

// Exports `model_id` as `format` ("" = the default) with `options` into `path` (complete or not at
// all). Returns the bytes written; throws RpcError / CommandError.
int64_t export_model_to_file(Connection& connection, const std::string& model_id, const std::string& format,
                             const std::map<std::string, std::string>& options, const std::string& path);

// The same without a server (`siren export FILE --local`): the model file read and exported in this
// process by the core's exporters. The default path is ./<file name without .ckpt><extension>.
std::string default_local_export_path(const std::string& model_path, const std::string& format);
int64_t export_local_model_to_file(const std::string& model_path, const std::string& format,
                                   const std::map<std::string, std::string>& options, const std::string& path);

}  // namespace siren::cli
