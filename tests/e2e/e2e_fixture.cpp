#include "e2e_fixture.h"

#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

namespace siren::e2e {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

siren::Image synthetic_image(int width, int height) {
  siren::Image image;
  image.width = width;
  image.height = height;
  image.channels = 1;
  image.pixels.resize(static_cast<size_t>(width) * height);
  for (int r = 0; r < height; ++r) {
    for (int c = 0; c < width; ++c) {
      double v = 0.15 + 0.5 * c / (width - 1) + 0.2 * std::sin(r * 0.4);  // smooth part
      if (r >= 4 && r < 11 && c >= 13 && c < 20) v = 0.95;                 // a bright square
      if (c >= 5 && c < 7) v = 0.05;                                      // a dark stripe
      image.pixels[static_cast<size_t>(r) * width + c] = static_cast<float>(std::clamp(v, 0.0, 1.0));
    }
  }
  return image;
}

std::string sphere_xyz(int count) {
  std::ostringstream out;
  const double golden = M_PI * (3.0 - std::sqrt(5.0));
  for (int i = 0; i < count; ++i) {
    const double y = 1.0 - 2.0 * (i + 0.5) / count, r = std::sqrt(1.0 - y * y), phi = golden * i;
    const double n[3] = {r * std::cos(phi), y, r * std::sin(phi)};
    out << 3 + n[0] << ' ' << -2 + n[1] << ' ' << 5 + n[2] << ' ' << n[0] << ' ' << n[1] << ' ' << n[2] << '\n';
  }
  return out.str();
}

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    json parsed = json::parse(line, nullptr, false);
    EXPECT_TRUE(parsed.is_object()) << "not a JSON object: " << line;
    if (parsed.is_object()) lines.push_back(std::move(parsed));
  }
  return lines;
}

double psnr(const siren::Image& a, const siren::Image& b) {
  EXPECT_EQ(a.pixels.size(), b.pixels.size());
  double sum = 0;
  for (size_t i = 0; i < a.pixels.size() && i < b.pixels.size(); ++i) {
    const double d = double(a.pixels[i]) - double(b.pixels[i]);
    sum += d * d;
  }
  return 10.0 * std::log10(1.0 / (sum / static_cast<double>(a.pixels.size())));
}

double flat_psnr(const siren::Image& image) {
  double mean = 0;
  for (float v : image.pixels) mean += v;
  mean /= static_cast<double>(image.pixels.size());
  siren::Image flat = image;
  std::fill(flat.pixels.begin(), flat.pixels.end(), static_cast<float>(mean));
  return psnr(image, flat);
}

void E2ETest::SetUp() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "siren-e2e-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  dir_ = pattern;
  before_server_starts();
  start_server();
}

void E2ETest::start_server() {
  const std::string port_file = path("port");
  std::filesystem::remove(port_file);  // a restart must not read the previous server's port
  // Two threads for every process that trains, so the server and `fit --local` agree bit for bit.
  std::vector<std::string> argv = {server_binary(), "--host", "127.0.0.1", "--port", "0",
                                   "--port-file", port_file, "--data-dir", path("data"),
                                   "--workers", std::to_string(workers()), "--threads", "2", "--log-level", "warn"};
  for (const auto& arg : extra_server_args()) argv.push_back(arg);
  server_ = std::make_unique<Subprocess>(argv, path("server.log"), true);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string port;
  while (std::chrono::steady_clock::now() < deadline) {
    port = read_text(port_file);
    if (!port.empty() && port.back() == '\n') port.pop_back();
    if (!port.empty()) break;
    ASSERT_TRUE(server_->running()) << "siren-server exited early:\n" << server_log();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(port.empty()) << "no port file after 60 s:\n" << server_log();
  address_ = "127.0.0.1:" + port;
}

void E2ETest::TearDown() {
  if (server_) {
    server_->send_signal(SIGTERM);  // the server drains: no fit is left behind
    const ProcessResult stopped = server_->wait(std::chrono::seconds(30));
    EXPECT_FALSE(stopped.timed_out) << "siren-server did not stop on SIGTERM:\n" << server_log();
    server_.reset();
  }
  if (HasFailure()) {
    std::cerr << "kept " << dir_ << " for inspection; server log:\n" << server_log() << "\n";
  } else {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string E2ETest::write_image(const std::string& name, const siren::Image& image) {
  return write_file(name, siren::encode_png(image));
}

std::string E2ETest::write_file(const std::string& name, const std::string& bytes) {
  const std::string file = path(name);
  std::ofstream(file, std::ios::binary) << bytes;
  return file;
}

std::vector<std::string> E2ETest::siren_argv(std::vector<std::string> args) const {
  args.insert(args.begin(), SIREN_CLI_BIN);
  args.push_back("--server");
  args.push_back(address_);
  args.push_back("--json");
  return args;
}

ProcessResult E2ETest::siren(std::vector<std::string> args, const std::string& stdin_data) {
  return run_process(siren_argv(std::move(args)), stdin_data, std::chrono::seconds(120));
}

std::unique_ptr<Subprocess> E2ETest::start_siren(std::vector<std::string> args) {
  return std::make_unique<Subprocess>(siren_argv(std::move(args)));
}

json E2ETest::last_json_line(const ProcessResult& result) {
  const auto lines = json_lines(result.out);
  return lines.empty() ? json() : lines.back();
}

json E2ETest::fit_image(const std::string& image_path, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"fit", "image", image_path, "--hidden", "32"};
  args.insert(args.end(), extra.begin(), extra.end());
  const ProcessResult result = siren(args);
  EXPECT_EQ(result.exit_code, 0) << describe(siren_argv(args), result);
  return last_json_line(result);
}

std::string E2ETest::server_log() const { return read_text(path("server.log")); }

std::string E2ETest::submit_no_watch(std::vector<std::string> fit) {
  fit.push_back("--no-watch");
  const ProcessResult submitted = siren(fit);
  EXPECT_EQ(submitted.exit_code, 0) << describe(siren_argv(fit), submitted);
  const std::string job_id = last_json_line(submitted)["job_id"];
  EXPECT_FALSE(job_id.empty()) << submitted.out;
  return job_id;
}

void E2ETest::kill_server_after_first_checkpoint(const std::string& job_id) {
  const std::string checkpoints = path("data/jobs/" + job_id + "/checkpoints");
  const auto has_checkpoint = [&] {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(checkpoints, error))
      if (entry.path().extension() == ".ckpt") return true;
    return false;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!has_checkpoint() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_TRUE(has_checkpoint()) << server_log();
  server_->send_signal(SIGKILL);
  server_->wait(std::chrono::seconds(10));
}

bool E2ETest::server_healthy() { return siren({"jobs"}).exit_code == 0; }

}  // namespace siren::e2e
