#pragma once
// Runs the real binaries as child processes: posix_spawn with captured stdout/stderr (or a log
// file), optional stdin, exit codes, signals and timeouts. Children get this process's environment
// minus SIREN_SERVER / SIREN_TOKEN / SIREN_DATABASE, so a developer's shell settings cannot leak into a test.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace siren::e2e {

struct ProcessResult {
  int exit_code = -1;   // the child's exit status; 128 + N if it died of signal N
  bool timed_out = false;
  std::string out;
  std::string err;
};

class Subprocess {
 public:
  // Captures stdout and stderr through pipes, feeding `stdin_data` (then EOF) to its stdin.
  explicit Subprocess(const std::vector<std::string>& argv, const std::string& stdin_data = "");
  // Sends stdout and stderr to `log_path` instead (for long-lived children such as the server,
  // whose output nobody drains).
  Subprocess(const std::vector<std::string>& argv, const std::string& log_path, bool to_log_file);
  ~Subprocess();  // SIGKILLs a child still running, and reaps it
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void send_signal(int signal);

  // Pumps output until `done(stdout so far)` holds; false if the child exited first or time ran out.
  bool wait_for_stdout(const std::function<bool(const std::string&)>& done,
                       std::chrono::milliseconds timeout);
  // Waits for the exit (SIGKILL after `timeout`), collecting all output.
  ProcessResult wait(std::chrono::milliseconds timeout);

  const std::string& out() const { return result_.out; }
  const std::string& err() const { return result_.err; }

 private:
  void spawn(const std::vector<std::string>& argv, const std::string& log_path);
  bool pump(int timeout_ms);  // one poll round; false when all pipes are closed
  bool reap(bool block);      // true once the child has been reaped

  pid_t pid_ = -1;
  bool reaped_ = false;
  int stdin_fd_ = -1, stdout_fd_ = -1, stderr_fd_ = -1;
  std::string stdin_data_;
  size_t stdin_written_ = 0;
  ProcessResult result_;
};

// Runs to completion (or `timeout`) and returns what happened.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdin_data = "",
                          std::chrono::milliseconds timeout = std::chrono::seconds(120));

// For failure messages: the command line, exit code and both streams.
std::string describe(const std::vector<std::string>& argv, const ProcessResult& result);

}  // namespace siren::e2e
