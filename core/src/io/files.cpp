#include "siren/io/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "siren/errors.h"

namespace siren {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw NotFound("cannot open \"" + path + "\"");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

namespace {

// "<what> \"<path>\": <the system's reason>" — the reason is what an operator acts on (a full disk,
// a read-only mount, permissions).
std::runtime_error io_error(const std::string& what, const std::string& path, int error) {
  return std::runtime_error(what + " \"" + path + "\": " + std::strerror(error));
}

// Unique among this process's writers too: two threads may write the same file (a checkpoint and a
// retry), and must not share a temporary.
std::string temporary_name(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& bytes) {
  const std::filesystem::path target(path);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
  const std::string tmp = temporary_name(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw io_error("cannot create", tmp, errno);
  // Whatever goes wrong below, the temporary goes and the target keeps its previous content.
  auto abandon = [&](const char* what, int error) {
    ::close(fd);
    std::remove(tmp.c_str());
    return io_error(what, path, error);
  };
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw abandon("cannot write", n < 0 ? errno : EIO);
    written += static_cast<size_t>(n);
  }
  // A delayed-allocation file system may report a full disk only here.
  if (::fsync(fd) != 0) throw abandon("cannot write", errno);
  if (::close(fd) != 0) {
    const int error = errno;
    std::remove(tmp.c_str());
    throw io_error("cannot write", path, error);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(tmp.c_str());
    throw io_error("cannot replace", path, error);
  }
}

}  // namespace siren
