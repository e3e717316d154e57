// One server per data directory, and no side effect before the server can serve: a second server on a
// held directory exits naming the holder, and a server that cannot bind its port leaves the directory
// (a crashed server's RUNNING job included) exactly as it found it.
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <thread>

#include "e2e_fixture.h"

namespace siren::e2e {
namespace {

// Every regular file under `dir` and its bytes, except the lock file, whose content (the holder's pid)
// is the one thing a starting server writes before it knows whether it can listen, and, when asked, the
// job database, whose bytes SQLite itself rewrites when it opens a database a crash left (its WAL).
std::map<std::string, std::string> files_under(const std::string& dir, bool with_database = true) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name == "server.lock") continue;
    if (!with_database && name.rfind("jobs.db", 0) == 0) continue;
    files[std::filesystem::relative(entry.path(), dir).string()] = read_text(entry.path().string());
  }
  return files;
}

// The files added, removed or changed between two listings, for a readable failure message.
std::string changed_files(const std::map<std::string, std::string>& before,
                          const std::map<std::string, std::string>& after) {
  std::string changed;
  for (const auto& [name, bytes] : before) {
    auto it = after.find(name);
    if (it == after.end()) changed += " -" + name;
    else if (it->second != bytes) changed += " ~" + name;
  }
  for (const auto& [name, bytes] : after)
    if (!before.count(name)) changed += " +" + name;
  return changed;
}

std::string job_state(const json& line) { return line.value("state", ""); }

// The job's state as the job database holds it (siren.v1.JobState's number), -1 if absent.
int saved_state(const std::string& database, const std::string& job_id) {
  sqlite3* db = nullptr;
  int state = -1;
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* query = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT state FROM jobs WHERE job_id = ?1", -1, &query, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(query, 1, job_id.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(query) == SQLITE_ROW) state = sqlite3_column_int(query, 0);
    }
    sqlite3_finalize(query);
  }
  sqlite3_close(db);
  return state;
}
constexpr int kRunning = 2;  // JOB_STATE_RUNNING

class DataDirTest : public E2ETest {
 protected:
  ProcessResult run_server(const std::string& data_dir, const std::string& port) {
    return run_process({SIREN_SERVER_BIN, "--host", "127.0.0.1", "--port", port, "--port-file", path("port2"),
                        "--data-dir", data_dir, "--log-level", "warn"},
                       "", std::chrono::seconds(60));
  }

  // A fit submitted without watching; returns its job id once it has written a periodic checkpoint.
  std::string start_checkpointed_fit(const std::string& image) {
    const ProcessResult submitted = siren({"fit", "image", image, "--hidden", "32", "--steps", "100000",
                                           "--checkpoint-every", "20", "--no-watch"});
    EXPECT_EQ(submitted.exit_code, 0) << submitted.err;
    const std::string job_id = last_json_line(submitted)["job_id"];
    const std::string checkpoints = path("data/jobs/" + job_id + "/checkpoints");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    auto has_checkpoint = [&] {
      std::error_code error;
      for (const auto& entry : std::filesystem::directory_iterator(checkpoints, error))
        if (entry.path().extension() == ".ckpt") return true;
      return false;
    };
    while (!has_checkpoint() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_TRUE(has_checkpoint()) << server_log();
    return job_id;
  }
};

TEST_F(DataDirTest, SecondServerOnAHeldDataDirExitsNamingTheHolder) {
  const std::string image = write_image("gradient.png", synthetic_image());
  fit_image(image, {"--steps", "20"});
  const std::string paused = start_checkpointed_fit(image);  // a paused job: its files stay still
  ASSERT_EQ(siren({"pause", paused}).exit_code, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (job_state(last_json_line(siren({"job", paused}))) != "paused" && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(job_state(last_json_line(siren({"job", paused}))), "paused");
  const auto before = files_under(path("data"));

  const ProcessResult second = run_server(path("data"), "0");
  EXPECT_NE(second.exit_code, 0) << second.out;
  EXPECT_NE((second.out + second.err).find("in use by another siren-server (pid " + std::to_string(server_->pid()) + ","),
            std::string::npos)
      << second.out << second.err;
  EXPECT_EQ(changed_files(before, files_under(path("data"))), "") << "the second server changed the first one's files";
  EXPECT_TRUE(server_healthy());
  EXPECT_EQ(job_state(last_json_line(siren({"job", paused}))), "paused");
}

TEST_F(DataDirTest, ServerThatCannotListenLeavesACrashedServersJobsUntouched) {
  const std::string image = write_image("gradient.png", synthetic_image());
  const std::string job_id = start_checkpointed_fit(image);
  server_->send_signal(SIGKILL);  // the job stays RUNNING on disk
  server_->wait(std::chrono::seconds(10));
  ASSERT_EQ(saved_state(path("data/jobs/jobs.db"), job_id), kRunning);
  const auto before = files_under(path("data"), false);

  // Another server holds a port; a server asked for that port must fail before recovering anything.
  Subprocess holder({SIREN_SERVER_BIN, "--host", "127.0.0.1", "--port", "0", "--port-file", path("port3"),
                     "--data-dir", path("other"), "--log-level", "warn"},
                    path("holder.log"), true);
  std::string port;
  for (int i = 0; i < 600 && port.empty(); ++i) {
    port = read_text(path("port3"));
    if (port.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(port.empty()) << read_text(path("holder.log"));
  if (port.back() == '\n') port.pop_back();

  const ProcessResult refused = run_server(path("data"), port);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE((refused.out + refused.err).find("cannot listen"), std::string::npos) << refused.out << refused.err;
  EXPECT_EQ(changed_files(before, files_under(path("data"), false)), "")
      << "a server that could not listen changed the data dir";
  EXPECT_EQ(saved_state(path("data/jobs/jobs.db"), job_id), kRunning) << "it recovered the crashed job already";

  start_server();  // the next server that can listen continues the crashed fit
  const json job = last_json_line(siren({"job", job_id}));
  EXPECT_TRUE(job_state(job) == "queued" || job_state(job) == "running") << job.dump();
  ASSERT_EQ(siren({"cancel", job_id}).exit_code, 0);
}

}  // namespace
}  // namespace siren::e2e
