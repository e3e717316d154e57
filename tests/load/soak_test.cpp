// Soak: a server that stays the same size however long it runs and however many watch it.
//   1. --jobs short fits (default 2,000), each submitted and watched to its end by one of 16 clients;
//      the server's RSS is taken once the first 100 have finished and things settled.
//   2. --watchers concurrent WatchJob calls (default 1,000) on two running fits for --watch-seconds
//      (default 60); the server's thread count is sampled throughout.
// Passes when every job succeeded, every watch saw its job's events, the RSS after settling is within
// --max-rss-growth-mib (64) of its level after the first 100 jobs, and the threads never exceeded the
// count after phase 1 by more than --max-extra-threads (64): a watcher holds no thread of the server.
#include <grpcpp/grpcpp.h>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "siren/v1/service.grpc.pb.h"
#include "server_under_test.h"
#include "subprocess.h"
#include "tiny_fit.h"

namespace {

namespace v1 = siren::v1;
using siren::load::read_text;
using siren::load::rss_mib;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Settings {
  std::string server_bin;
  int jobs = 2000;
  int watchers = 1000;
  int watch_seconds = 60;
  double max_rss_growth_mib = 64;
  int max_extra_threads = 64;
};

grpc::Status submit(v1::Siren::Stub& stub, const v1::FitSpec& spec, const std::string& png, v1::Job* job) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 60s);
  auto writer = stub.SubmitFit(&context, job);
  v1::SubmitFitRequest first;
  *first.mutable_spec() = spec;
  v1::SubmitFitRequest input;
  input.set_input_chunk(png);
  if (writer->Write(first)) writer->Write(input);
  writer->WritesDone();
  return writer->Finish();
}


// Watches a job until its stream ends; returns the last event seen and how many there were.
grpc::Status watch(v1::Siren::Stub& stub, const std::string& job_id, std::chrono::seconds timeout,
                   v1::JobEvent* last, int* events) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  v1::WatchJobRequest request;
  request.set_job_id(job_id);
  auto reader = stub.WatchJob(&context, request);
  *events = 0;
  for (v1::JobEvent event; reader->Read(&event); ++*events) *last = event;
  return reader->Finish();
}

bool wait_running(v1::Siren::Stub& stub, const std::string& job_id) {
  for (auto until = Clock::now() + 60s; Clock::now() < until; std::this_thread::sleep_for(50ms)) {
    grpc::ClientContext context;
    v1::GetJobRequest request;
    request.set_job_id(job_id);
    v1::Job job;
    if (stub.GetJob(&context, request, &job).ok() && job.state() == v1::JOB_STATE_RUNNING) return true;
  }
  return false;
}

int usage() {
  std::cerr << "usage: siren_soak_test --server-bin PATH [--jobs 2000] [--watchers 1000] [--watch-seconds 60]\n"
               "                       [--max-rss-growth-mib 64] [--max-extra-threads 64]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i], value = argv[i + 1];
    if (arg == "--server-bin") settings.server_bin = value;
    else if (arg == "--jobs") settings.jobs = std::stoi(value);
    else if (arg == "--watchers") settings.watchers = std::stoi(value);
    else if (arg == "--watch-seconds") settings.watch_seconds = std::stoi(value);
    else if (arg == "--max-rss-growth-mib") settings.max_rss_growth_mib = std::stod(value);
    else if (arg == "--max-extra-threads") settings.max_extra_threads = std::stoi(value);
    else return usage();
  }
  if (settings.server_bin.empty() || settings.jobs < 100) return usage();

  std::string pattern = (std::filesystem::temp_directory_path() / "siren-soak-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return 1;
  const std::filesystem::path dir = pattern;
  const std::string port_file = (dir / "port").string();
  siren::e2e::Subprocess server({settings.server_bin, "--host", "127.0.0.1", "--port", "0", "--port-file", port_file,
                                 "--data-dir", (dir / "data").string(), "--workers", "2", "--threads", "1",
                                 "--max-queued", "1000", "--log-level", "error"},
                                (dir / "server.log").string(), true);
  const std::string port = siren::load::wait_for_port(server, port_file);
  if (port.empty()) {
    std::cerr << "siren-server did not start:\n" << read_text((dir / "server.log").string());
    return 1;
  }
  auto channel = grpc::CreateChannel("127.0.0.1:" + port, grpc::InsecureChannelCredentials());
  auto stub = v1::Siren::NewStub(channel);
  const std::string png = siren::testing::gradient_png(8, 8);
  int failures = 0;
  auto fail = [&](const std::string& what) {
    if (++failures <= 10) std::cerr << "FAIL: " << what << "\n";
  };

  // 1. Short jobs, each watched to its end.
  std::atomic<int> next{0}, finished{0}, bad{0};
  double rss_after_100 = -1;
  std::atomic<bool> baseline_taken{false};
  const auto phase1_start = Clock::now();
  std::vector<std::thread> clients;
  for (int c = 0; c < 16; ++c) {
    clients.emplace_back([&] {
      auto client = v1::Siren::NewStub(channel);
      for (int i; (i = next++) < settings.jobs;) {
        v1::Job job;
        grpc::Status status = submit(*client, siren::testing::tiny_image_spec(5, "soak"), png, &job);
        v1::JobEvent last;
        int events = 0;
        if (status.ok()) status = watch(*client, job.job_id(), 120s, &last, &events);
        if (!status.ok() || last.job().state() != v1::JOB_STATE_SUCCEEDED) {
          if (bad++ < 5) std::cerr << "job " << i << ": " << status.error_message() << " " << last.job().error() << "\n";
        }
        ++finished;
      }
    });
  }
  while (finished < settings.jobs) {
    if (!baseline_taken && finished >= 100) {
      std::this_thread::sleep_for(1s);  // settle
      rss_after_100 = rss_mib(server.pid());
      baseline_taken = true;
    }
    std::this_thread::sleep_for(50ms);
  }
  for (auto& client : clients) client.join();
  if (bad > 0) fail(std::to_string(bad.load()) + " of " + std::to_string(settings.jobs) + " short jobs did not succeed");
  const double phase1_seconds = std::chrono::duration<double>(Clock::now() - phase1_start).count();
  std::this_thread::sleep_for(2s);
  const int threads_after_jobs = siren::load::thread_count(server.pid());
  std::printf("phase 1: %d jobs submitted and watched in %.1f s; server RSS %.0f MiB after 100, %.0f MiB after all, "
              "%d threads\n",
              settings.jobs, phase1_seconds, rss_after_100, rss_mib(server.pid()), threads_after_jobs);

  // 2. Many watchers on two running fits.
  std::vector<std::string> running;
  for (int i = 0; i < 2; ++i) {
    v1::Job job;
    const grpc::Status status = submit(*stub, siren::testing::tiny_image_spec(5'000'000, "soak-long"), png, &job);
    if (!status.ok() || !wait_running(*stub, job.job_id())) {
      fail("a long fit did not start: " + status.error_message());
      break;
    }
    running.push_back(job.job_id());
  }
  std::atomic<int> watches_with_events{0}, watches_bad{0};
  int max_threads = threads_after_jobs;
  if (running.size() == 2) {
    std::vector<std::thread> watchers;
    watchers.reserve(settings.watchers);
    for (int w = 0; w < settings.watchers; ++w) {
      watchers.emplace_back([&, w] {
        v1::JobEvent last;
        int events = 0;
        const grpc::Status status = watch(*stub, running[w % 2], std::chrono::seconds(settings.watch_seconds), &last,
                                          &events);
        // Ends at its deadline (the fit runs on) or when the fit is cancelled below.
        if (status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED && !status.ok()) ++watches_bad;
        if (events >= 2) ++watches_with_events;  // the snapshot and at least one progress event
      });
    }
    for (auto until = Clock::now() + std::chrono::seconds(settings.watch_seconds); Clock::now() < until;) {
      max_threads = std::max(max_threads, siren::load::thread_count(server.pid()));
      std::this_thread::sleep_for(200ms);
    }
    for (auto& watcher : watchers) watcher.join();
  }
  for (const auto& id : running) {
    grpc::ClientContext context;
    v1::CancelJobRequest request;
    request.set_job_id(id);
    v1::Job job;
    stub->CancelJob(&context, request, &job);
  }
  if (watches_bad > 0) fail(std::to_string(watches_bad.load()) + " watches ended with an unexpected status");
  if (watches_with_events < settings.watchers)
    fail(std::to_string(settings.watchers - watches_with_events) + " watches saw no progress event");

  std::this_thread::sleep_for(3s);  // settle: cancelled fits end, streams close
  const double rss_end = rss_mib(server.pid());
  std::printf("phase 2: %d watchers for %d s: %d with events; server threads max %d (after phase 1: %d)\n",
              settings.watchers, settings.watch_seconds, watches_with_events.load(), max_threads, threads_after_jobs);
  std::printf("server RSS: %.0f MiB after 100 jobs, %.0f MiB at the end: %+.0f MiB (bound %.0f)\n", rss_after_100,
              rss_end, rss_end - rss_after_100, settings.max_rss_growth_mib);
  std::printf("{\"jobs\": %d, \"watchers\": %d, \"rss_after_100_mib\": %.1f, \"rss_end_mib\": %.1f, "
              "\"threads_after_jobs\": %d, \"threads_max\": %d}\n",
              settings.jobs, settings.watchers, rss_after_100, rss_end, threads_after_jobs, max_threads);
  if (rss_end - rss_after_100 > settings.max_rss_growth_mib) fail("server memory grew beyond the bound");
  if (max_threads > threads_after_jobs + settings.max_extra_threads) fail("server threads grew with the watchers");
  if (!server.running()) fail("the server died:\n" + read_text((dir / "server.log").string()));

  server.send_signal(SIGTERM);
  server.wait(30s);
  if (failures == 0) std::filesystem::remove_all(dir);
  std::printf(failures == 0 ? "PASS\n" : "FAIL\n");
  return failures == 0 ? 0 : 1;
}
