#include "subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace siren::e2e {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    if (entry.rfind("SIREN_SERVER=", 0) == 0 || entry.rfind("SIREN_TOKEN=", 0) == 0 ||
        entry.rfind("SIREN_DATABASE=", 0) == 0)
      continue;
    env.push_back(entry);
  }
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void make_pipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + strerror(errno));
}

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace

Subprocess::Subprocess(const std::vector<std::string>& argv, const std::string& stdin_data)
    : stdin_data_(stdin_data) {
  spawn(argv, "");
}

Subprocess::Subprocess(const std::vector<std::string>& argv, const std::string& log_path, bool) {
  spawn(argv, log_path);
}

void Subprocess::spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  int in[2], out[2] = {-1, -1}, err[2] = {-1, -1};
  make_pipe(in);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  if (log_path.empty()) {
    make_pipe(out);
    make_pipe(err);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  }
  std::vector<std::string> args = argv, env = child_environment();
  auto c_args = c_strings(args), c_env = c_strings(env);
  const int rc = posix_spawn(&pid_, c_args[0], &actions, nullptr, c_args.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]);
  if (out[1] >= 0) close(out[1]);
  if (err[1] >= 0) close(err[1]);
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
  stderr_fd_ = err[0];
  if (rc != 0) {
    close_fd(stdin_fd_);
    close_fd(stdout_fd_);
    close_fd(stderr_fd_);
    throw std::runtime_error("posix_spawn " + argv[0] + ": " + strerror(rc));
  }
  if (stdin_data_.empty()) close_fd(stdin_fd_);
  else fcntl(stdin_fd_, F_SETFL, O_NONBLOCK);  // never block on a child that stops reading
}

Subprocess::~Subprocess() {
  if (!reap(false)) {
    kill(pid_, SIGKILL);
    reap(true);
  }
  close_fd(stdin_fd_);
  close_fd(stdout_fd_);
  close_fd(stderr_fd_);
}

bool Subprocess::reap(bool block) {
  if (reaped_ || pid_ <= 0) return true;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r != pid_) return false;
  reaped_ = true;
  result_.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

bool Subprocess::running() { return !reap(false); }

void Subprocess::send_signal(int signal) {
  if (!reaped_) kill(pid_, signal);
}

bool Subprocess::pump(int timeout_ms) {
  std::vector<pollfd> fds;
  if (stdout_fd_ >= 0) fds.push_back({stdout_fd_, POLLIN, 0});
  if (stderr_fd_ >= 0) fds.push_back({stderr_fd_, POLLIN, 0});
  if (stdin_fd_ >= 0) fds.push_back({stdin_fd_, POLLOUT, 0});
  if (fds.empty()) return false;
  if (poll(fds.data(), fds.size(), timeout_ms) <= 0) return true;
  for (const pollfd& p : fds) {
    if (p.revents == 0) continue;
    if (p.fd == stdin_fd_) {
      const ssize_t n = write(stdin_fd_, stdin_data_.data() + stdin_written_,
                              stdin_data_.size() - stdin_written_);
      if (n > 0) stdin_written_ += static_cast<size_t>(n);
      if (n < 0 || stdin_written_ == stdin_data_.size()) close_fd(stdin_fd_);
      continue;
    }
    char buffer[65536];
    const ssize_t n = read(p.fd, buffer, sizeof buffer);
    std::string& sink = p.fd == stdout_fd_ ? result_.out : result_.err;
    if (n > 0) {
      sink.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      close_fd(p.fd == stdout_fd_ ? stdout_fd_ : stderr_fd_);
    }
  }
  return true;
}

namespace {

// Sanitizer builds run the same children several times slower; their ctest sets SIREN_TEST_TIMEOUT_SCALE
// so that every wait stretches alike instead of each test carrying its own allowance.
std::chrono::milliseconds scaled(std::chrono::milliseconds timeout) {
  const char* scale = std::getenv("SIREN_TEST_TIMEOUT_SCALE");
  const double factor = scale ? std::atof(scale) : 1.0;
  return factor > 1.0 ? std::chrono::milliseconds(static_cast<int64_t>(timeout.count() * factor)) : timeout;
}

}  // namespace

bool Subprocess::wait_for_stdout(const std::function<bool(const std::string&)>& done,
                                 std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + scaled(timeout);
  while (Clock::now() < deadline) {
    if (done(result_.out)) return true;
    if (!pump(50)) {
      if (!running()) return done(result_.out);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  return done(result_.out);
}

ProcessResult Subprocess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + scaled(timeout);
  while (Clock::now() < deadline) {
    const bool open = pump(50);
    if (!open && reap(false)) return result_;
    if (!open) std::this_thread::sleep_for(std::chrono::milliseconds(20));  // pipes closed, child not yet gone
  }
  result_.timed_out = true;
  kill(pid_, SIGKILL);
  while (pump(50)) {
  }
  reap(true);
  return result_;
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& stdin_data,
                          std::chrono::milliseconds timeout) {
  Subprocess process(argv, stdin_data);
  return process.wait(timeout);
}

std::string describe(const std::vector<std::string>& argv, const ProcessResult& result) {
  std::string text = "$";
  for (const auto& a : argv) text += " " + a;
  text += "\nexit code " + std::to_string(result.exit_code) +
          (result.timed_out ? " (timed out, killed)" : "") + "\n--- stdout ---\n" + result.out +
          "\n--- stderr ---\n" + result.err;
  return text;
}

}  // namespace siren::e2e
