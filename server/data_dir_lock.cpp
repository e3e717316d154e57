#include "data_dir_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace siren::server {
namespace {

std::string read_holder_pid(int fd) {
  char buffer[32] = {};
  const ssize_t n = pread(fd, buffer, sizeof(buffer) - 1, 0);
  std::string pid = n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

DataDirLock::DataDirLock(const std::string& data_dir) : path_(data_dir + "/server.lock") {
  fd_ = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string holder = read_holder_pid(fd_);
    close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK) {
      throw std::runtime_error("data dir " + data_dir + " is in use by another siren-server (pid " + holder +
                               ", lock " + path_ + "); stop it first, or give this one another --data-dir");
    }
    throw std::runtime_error("cannot lock " + path_ + ": " + std::strerror(error));
  }
  // Best effort: the lock holds without the pid in it (a second server's message then says "unknown").
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd_, 0) == 0) (void)!pwrite(fd_, pid.data(), pid.size(), 0);
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) close(fd_);  // releases the lock; the file stays, empty of meaning once unlocked
}

}  // namespace siren::server
