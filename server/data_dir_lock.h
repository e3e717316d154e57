#pragma once
// One server per data directory: an exclusive lock on <data-dir>/server.lock, held for the server's
// life. Two servers on one directory would both recover and train the same jobs, write the same
// checkpoints and mark each other's running fits interrupted. The lock is flock(2)'s, so the kernel
// releases it when the holder dies however it dies (kill -9 included): no stale lock to clean up.
#include <string>

namespace siren::server {

class DataDirLock {
 public:
  // Takes the lock and writes this process's pid into the file. Throws std::runtime_error naming the
  // holder's pid when another process holds it, or the reason when the file cannot be opened.
  explicit DataDirLock(const std::string& data_dir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace siren::server
