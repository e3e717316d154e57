#include "fit_upload.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>

#include "rpc_error.h"

namespace siren::cli {

namespace {

constexpr size_t kChunkBytes = 1 << 20;  // 1 MiB: well under gRPC's message limits

std::ifstream open_for_reading(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError("cannot read " + path + ": " + std::strerror(errno));
  return in;
}

// Sends `in` chunk by chunk via `set_chunk`; false if the server stopped listening (its reason
// comes with Finish()). `what` names the source in errors.
bool send_stream(grpc::ClientWriter<v1::SubmitFitRequest>& writer, std::istream& in, const std::string& what,
                 const std::function<void(v1::SubmitFitRequest&, std::string&&)>& set_chunk) {
  std::string buffer(kChunkBytes, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<size_t>(in.gcount());
    if (got == 0) break;
    v1::SubmitFitRequest message;
    set_chunk(message, buffer.substr(0, got));
    if (!writer.Write(message)) return false;
  }
  if (in.bad()) throw CommandError("error reading " + what);
  return true;
}

bool send_file(grpc::ClientWriter<v1::SubmitFitRequest>& writer, const std::string& path,
               const std::function<void(v1::SubmitFitRequest&, std::string&&)>& set_chunk) {
  std::ifstream in = open_for_reading(path);
  return send_stream(writer, in, path, set_chunk);
}

}  // namespace

v1::Job submit_fit(Connection& connection, const v1::FitSpec& spec, const v1::JobOptions& job_options,
                   const FitInput& input, const std::optional<std::string>& resume_checkpoint_path) {
  // Fail on unreadable files before the server sees a half-finished upload.
  if (!input.packed) open_for_reading(input.path);
  if (resume_checkpoint_path) open_for_reading(*resume_checkpoint_path);

  // Uploads can be large and slow links slower: no deadline.
  auto context = connection.context(std::nullopt);
  v1::Job job;
  auto writer = connection.stub().SubmitFit(context.get(), &job);

  v1::SubmitFitRequest first;
  *first.mutable_spec() = spec;
  *first.mutable_job_options() = job_options;
  bool open = writer->Write(first);
  if (open) {
    const auto set_input = [](v1::SubmitFitRequest& m, std::string&& bytes) { m.set_input_chunk(std::move(bytes)); };
    if (input.packed) {
      std::istringstream packed(*input.packed);
      open = send_stream(*writer, packed, "the packed input", set_input);
    } else {
      open = send_file(*writer, input.path, set_input);
    }
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
