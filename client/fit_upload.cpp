#include "fit_upload.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>

#include "input_source.h"
#include "rpc_error.h"

namespace siren::cli {

namespace {

constexpr size_t kChunkBytes = 1 << 20;  // 1 MiB: well under gRPC's message limits

std::ifstream open_for_reading(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError("cannot read " + path + ": " + std::strerror(errno));
  return in;
}

using ChunkSetter = std::function<void(v1::SubmitFitRequest&, std::string&&)>;

// Sends bytes held in memory (a folder's tar) chunk by chunk via `set_chunk`, at least one chunk.
bool send_bytes(grpc::ClientWriter<v1::SubmitFitRequest>& writer, const std::string& bytes,
                const ChunkSetter& set_chunk) {
  size_t offset = 0;
  do {
    v1::SubmitFitRequest message;
    set_chunk(message, bytes.substr(offset, kChunkBytes));
    if (!writer.Write(message)) return false;
    offset += kChunkBytes;
  } while (offset < bytes.size());
  return true;
}

// Sends the file chunk by chunk via `set_chunk` (at least one chunk, so even an empty file arrives
// as the input it is and the server can say what is wrong with it); a folder goes as a tar of its
// files. False if the server stopped listening (its reason comes with Finish()).
bool send_file(grpc::ClientWriter<v1::SubmitFitRequest>& writer, const std::string& path,
               const ChunkSetter& set_chunk) {
  if (is_folder(path)) return send_bytes(writer, folder_as_tar(path), set_chunk);
  std::ifstream in = open_for_reading(path);
  std::string buffer(kChunkBytes, '\0');
  bool sent_any = false;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<size_t>(in.gcount());
    if (got == 0 && sent_any) break;
    v1::SubmitFitRequest message;
    set_chunk(message, buffer.substr(0, got));
    if (!writer.Write(message)) return false;
    sent_any = true;
  }
  if (in.bad()) throw CommandError("error reading " + path);
  return true;
}

ChunkSetter named_input_chunk(const std::string& name) {
  return [name](v1::SubmitFitRequest& message, std::string&& bytes) {
    v1::NamedInputChunk& chunk = *message.mutable_named_input_chunk();
    chunk.set_name(name);
    chunk.set_data(std::move(bytes));
  };
}

}  // namespace

v1::Job submit_fit(Connection& connection, const v1::FitSpec& spec, const v1::JobOptions& job_options,
                   const std::vector<InputFile>& inputs,
                   const std::optional<std::string>& resume_checkpoint_path) {
  // Fail on unreadable files before the server sees a half-finished upload.
  for (const InputFile& input : inputs)
    if (input.given() && !is_folder(input.path)) open_for_reading(input.path);
  if (resume_checkpoint_path) open_for_reading(*resume_checkpoint_path);

  // Uploads can be large and slow links slower: no deadline.
  auto context = connection.context(std::nullopt);
  v1::Job job;
  auto writer = connection.stub().SubmitFit(context.get(), &job);

  v1::SubmitFitRequest first;
  *first.mutable_spec() = spec;
  *first.mutable_job_options() = job_options;
  bool open = writer->Write(first);
  for (const InputFile& input : inputs) {
    if (open && input.given()) open = send_file(*writer, input.path, named_input_chunk(input.name));
  }
  if (open && resume_checkpoint_path) {
    open = send_file(*writer, *resume_checkpoint_path,
                     [](v1::SubmitFitRequest& m, std::string&& bytes) {
                       m.set_resume_checkpoint_chunk(std::move(bytes));
                     });
  }
  if (open) writer->WritesDone();
  check_rpc(writer->Finish());
  return job;
}

}  // namespace siren::cli
