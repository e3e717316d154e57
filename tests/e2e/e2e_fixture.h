#pragma once
// The end-to-end fixture: a private temporary directory, a real `siren-server --port 0` on loopback
// started for each test, and helpers that drive the real `siren` CLI against it with --json.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "siren/io/image.h"
#include "subprocess.h"

namespace siren::e2e {

using nlohmann::json;

// 24x24 gray: smooth gradients, a bright square with hard edges and a dark stripe — enough
// structure that a few dozen steps make visible progress, small enough for a 2-core CI machine.
siren::Image synthetic_image(int width = 24, int height = 24);

// `count` oriented points (x y z nx ny nz lines) evenly spread (Fibonacci lattice) on a sphere of radius 1
// around (3, -2, 5), with outward normals.
std::string sphere_xyz(int count);

std::vector<json> json_lines(const std::string& text);  // every line must be a JSON object
double psnr(const siren::Image& a, const siren::Image& b);  // on [0,1], dB
// What a constant output scores on `image` (its mean everywhere, the best constant): a fit's PSNR must
// beat this by a margin before it says anything was learned.
double flat_psnr(const siren::Image& image);
std::string read_text(const std::string& path);              // the whole file; empty if unreadable

class E2ETest : public ::testing::Test {
 protected:
  void SetUp() override;
  // The server program: siren-server, or a build of it with more tasks.
  virtual std::string server_binary() const { return SIREN_SERVER_BIN; }
  // A fixture's own preparation once the test's directory exists (files its server flags name).
  virtual void before_server_starts() {}
  // More siren-server flags (e.g. --token) for a fixture that needs them.
  virtual std::vector<std::string> extra_server_args() const { return {}; }
  // siren-server --workers: fits that run at once (its --threads 2 are split between them).
  virtual int workers() const { return 1; }
  void TearDown() override;
  // Starts siren-server on a free port over the test's data directory (again, after a kill).
  void start_server();

  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  std::string write_image(const std::string& name, const siren::Image& image);
  std::string write_file(const std::string& name, const std::string& bytes);

  // `siren <args> --server 127.0.0.1:PORT --json`, to completion.
  ProcessResult siren(std::vector<std::string> args, const std::string& stdin_data = "");
  // The same, left running (for watch + Ctrl-C).
  std::unique_ptr<Subprocess> start_siren(std::vector<std::string> args);
  std::vector<std::string> siren_argv(std::vector<std::string> args) const;

  // `siren fit image FILE --hidden 32 <extra> --json`: asserts exit 0 and returns the result line.
  json fit_image(const std::string& image_path, const std::vector<std::string>& extra);
  json last_json_line(const ProcessResult& result);

  // Submits `fit` with --no-watch (asserting exit 0); the job id.
  std::string submit_no_watch(std::vector<std::string> fit);
  // SIGKILLs the server once the job's first periodic checkpoint is on disk (a crash mid-fit).
  void kill_server_after_first_checkpoint(const std::string& job_id);

  std::string server_log() const;
  bool server_healthy();  // `siren jobs` still answers

  std::string dir_;
  std::string address_;  // 127.0.0.1:PORT
  std::unique_ptr<Subprocess> server_;
};

}  // namespace siren::e2e
