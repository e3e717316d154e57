#pragma once
// Receiving a DataChunk stream (RenderImage, DownloadCheckpoint) into a file.
#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/sync_stream.h>

#include "siren/v1/service.grpc.pb.h"

namespace siren::cli {

// Drains `reader` into `path` through a temporary file that is renamed only once the stream ended
// OK and the byte count matches the announced total, so a failed transfer never leaves a truncated
// file under the requested name. Returns the bytes written; throws RpcError / CommandError.
int64_t receive_to_file(grpc::ClientReader<v1::DataChunk>& reader, const std::string& path);

}  // namespace siren::cli
