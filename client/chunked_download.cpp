#include "chunked_download.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "rpc_error.h"

namespace siren::cli {

namespace {
// Removes the temporary file unless it was renamed into place.
struct PartialFile {
  std::string path;
  bool keep = false;
  ~PartialFile() {
    if (!keep) std::remove(path.c_str());
  }
};
}  // namespace

int64_t receive_to_file(grpc::ClientReader<v1::DataChunk>& reader, const std::string& path) {
  PartialFile partial{path + ".part"};
  std::ofstream out(partial.path, std::ios::binary | std::ios::trunc);
  if (!out) throw CommandError("cannot write " + partial.path + ": " + std::strerror(errno));

  int64_t received = 0;
  int64_t announced = -1;
  v1::DataChunk chunk;
  bool first = true;
  while (reader.Read(&chunk)) {
    if (first) announced = chunk.total_bytes();
    first = false;
    out.write(chunk.data().data(), static_cast<std::streamsize>(chunk.data().size()));
    received += static_cast<int64_t>(chunk.data().size());
  }
  check_rpc(reader.Finish());
  out.close();
  if (!out) throw CommandError("error writing " + partial.path);
  if (announced > 0 && announced != received) {
    throw CommandError("transfer incomplete: received " + std::to_string(received) + " of " +
                       std::to_string(announced) + " bytes");
  }
  std::error_code error;
  std::filesystem::rename(partial.path, path, error);
  if (error) throw CommandError("cannot write " + path + ": " + error.message());
  partial.keep = true;
  return received;
}

}  // namespace siren::cli
