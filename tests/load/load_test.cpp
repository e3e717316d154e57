// Load test: N concurrent clients (default 50) for S seconds (default 60) against one siren-server
// on loopback, each mixing small queries, job lookups, tiny fits, watches, cancels and requests that
// must fail. Passes when every status is one the API promises for that call, the server still answers
// afterwards, and its resident memory grew by at most --max-rss-growth-mib after the warm-up. Prints
// the figures (operations, statuses, query latency percentiles, server RSS) and one JSON summary line.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "siren/v1/service.grpc.pb.h"
#include "siren/wire/retry_policy.h"
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
  int clients = 50;
  int seconds = 60;
  int warmup_seconds = 10;
  double max_rss_growth_mib = 128;
};

constexpr const char* kToken = "load-test-token";



void authorize(grpc::ClientContext& context, std::chrono::seconds timeout) {
  context.AddMetadata("authorization", std::string("Bearer ") + kToken);
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

// Each submission carries a request id, so the retries a client makes after UNAVAILABLE (which the
// channel's policy leaves to the caller for SubmitFit) can never fit twice.
grpc::Status submit(v1::Siren::Stub& stub, const v1::FitSpec& spec, const std::string& png,
                    const std::string& request_id, v1::Job* job) {
  grpc::Status status;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
    grpc::ClientContext context;
    authorize(context, 30s);
    auto writer = stub.SubmitFit(&context, job);
    v1::SubmitFitRequest first;
    *first.mutable_spec() = spec;
    first.mutable_job_options()->set_request_id(request_id);
    v1::SubmitFitRequest input;
    input.set_input_chunk(png);
    if (writer->Write(first)) writer->Write(input);
    writer->WritesDone();
    status = writer->Finish();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
  }
  return status;
}

// What the whole run saw, shared by the client threads.
class Tally {
 public:
  void count(const std::string& op, const grpc::Status& status, bool expected) {
    std::lock_guard<std::mutex> lock(mu_);
    ++counts_[op + " " + code_name(status.error_code())];
    if (!expected) {
      ++unexpected_;
      if (examples_.size() < 10) {
        const double at = std::chrono::duration<double>(Clock::now() - started_).count();
        examples_.push_back(op + " -> " + code_name(status.error_code()) + " at " + std::to_string(at) +
                            " s: " + status.error_message());
      }
    }
  }
  void query_latency(double ms) {
    std::lock_guard<std::mutex> lock(mu_);
    query_ms_.push_back(ms);
  }
  void add_job(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(id);
  }
  std::string some_job(std::mt19937& rng) {
    std::lock_guard<std::mutex> lock(mu_);
    if (jobs_.empty()) return "";
    return jobs_[std::uniform_int_distribution<size_t>(0, jobs_.size() - 1)(rng)];
  }
  std::vector<std::string> jobs() {
    std::lock_guard<std::mutex> lock(mu_);
    return jobs_;
  }

  static std::string code_name(grpc::StatusCode code) {
    static const std::map<grpc::StatusCode, std::string> names = {
        {grpc::OK, "OK"}, {grpc::CANCELLED, "CANCELLED"}, {grpc::UNKNOWN, "UNKNOWN"},
        {grpc::INVALID_ARGUMENT, "INVALID_ARGUMENT"}, {grpc::DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED"},
        {grpc::NOT_FOUND, "NOT_FOUND"}, {grpc::ALREADY_EXISTS, "ALREADY_EXISTS"},
        {grpc::PERMISSION_DENIED, "PERMISSION_DENIED"}, {grpc::RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED"},
        {grpc::FAILED_PRECONDITION, "FAILED_PRECONDITION"}, {grpc::ABORTED, "ABORTED"},
        {grpc::OUT_OF_RANGE, "OUT_OF_RANGE"}, {grpc::UNIMPLEMENTED, "UNIMPLEMENTED"}, {grpc::INTERNAL, "INTERNAL"},
        {grpc::UNAVAILABLE, "UNAVAILABLE"}, {grpc::DATA_LOSS, "DATA_LOSS"},
        {grpc::UNAUTHENTICATED, "UNAUTHENTICATED"}};
    auto it = names.find(code);
    return it == names.end() ? "CODE_" + std::to_string(static_cast<int>(code)) : it->second;
  }

  std::mutex mu_;
  std::map<std::string, int64_t> counts_;
  int64_t unexpected_ = 0;
  Clock::time_point started_ = Clock::now();
  std::vector<std::string> examples_;
  std::vector<double> query_ms_;
  std::vector<std::string> jobs_;
};

// One simulated user: its own connection, a random mix of calls with a short think time between them.
void run_client(int index, const std::string& address, const std::string& model_id, int out_features,
                const std::string& png, Clock::time_point end, Tally& tally) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own, like a separate process
  siren::wire::use_retry_policy(args);                  // as the siren CLI does
  auto stub = v1::Siren::NewStub(grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
  std::mt19937 rng(1234 + index);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto last_submit = Clock::now() - std::chrono::seconds(index % 5);
  std::vector<std::string> mine;
  int submissions = 0;  // numbers this client's request ids

  while (Clock::now() < end) {
    const double r = unit(rng);
    if (r < 0.55) {  // a small query: 64 points
      grpc::ClientContext context;
      authorize(context, 30s);
      const auto start = Clock::now();
      auto stream = stub->QueryField(&context);
      v1::QueryFieldRequest request;
      request.set_model_id(model_id);
      for (int i = 0; i < 128; ++i) request.add_coords(static_cast<float>(unit(rng) * 2 - 1));
      stream->Write(request);
      stream->WritesDone();
      v1::QueryFieldResponse response;
      int values = 0;
      while (stream->Read(&response)) values += response.values_size();
      const grpc::Status status = stream->Finish();
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      const bool ok = status.ok() && values == 64 * out_features;
      tally.count("QueryField", status, ok);
      if (ok) tally.query_latency(ms);
    } else if (r < 0.70) {  // look a job up
      const std::string id = tally.some_job(rng);
      if (id.empty()) continue;
      grpc::ClientContext context;
      authorize(context, 30s);
      v1::GetJobRequest request;
      request.set_job_id(id);
      v1::Job job;
      const grpc::Status status = stub->GetJob(&context, request, &job);
      tally.count("GetJob", status, status.ok());
    } else if (r < 0.72) {
      grpc::ClientContext context;
      authorize(context, 30s);
      v1::ListJobsResponse response;
      const grpc::Status status = stub->ListJobs(&context, v1::ListJobsRequest(), &response);
      tally.count("ListJobs", status, status.ok());
    } else if (r < 0.82 && Clock::now() - last_submit > 3s) {  // a tiny fit, at most one per 3 s per client
      last_submit = Clock::now();
      v1::Job job;
      const grpc::Status status = submit(*stub, siren::testing::tiny_image_spec(5, "load"), png,
                                         "load-" + std::to_string(index) + "-" + std::to_string(submissions++), &job);
      // A full queue is the promised answer to too many submissions.
      tally.count("SubmitFit", status,
                  status.ok() || status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
      if (status.ok()) {
        tally.add_job(job.job_id());
        mine.push_back(job.job_id());
      }
    } else if (r < 0.90 && !mine.empty()) {  // follow one of mine for a while
      grpc::ClientContext context;
      authorize(context, 5s);
      v1::WatchJobRequest request;
      request.set_job_id(mine[std::uniform_int_distribution<size_t>(0, mine.size() - 1)(rng)]);
      auto reader = stub->WatchJob(&context, request);
      v1::JobEvent event;
      while (reader->Read(&event)) {
      }
      const grpc::Status status = reader->Finish();
      tally.count("WatchJob", status,
                  status.ok() || status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
    } else if (r < 0.95) {  // cancel someone's job (finished ones come back unchanged)
      const std::string id = tally.some_job(rng);
      if (id.empty()) continue;
      grpc::ClientContext context;
      authorize(context, 30s);
      v1::CancelJobRequest request;
      request.set_job_id(id);
      v1::Job job;
      const grpc::Status status = stub->CancelJob(&context, request, &job);
      tally.count("CancelJob", status, status.ok());
    } else if (r < 0.975) {  // requests that must fail, each with its own status
      grpc::ClientContext context;
      authorize(context, 30s);
      v1::GetJobRequest request;
      request.set_job_id(unit(rng) < 0.5 ? "job-000000000000" : "../../etc/passwd");
      v1::Job job;
      const grpc::Status status = stub->GetJob(&context, request, &job);
      const auto want = request.job_id()[0] == '.' ? grpc::StatusCode::INVALID_ARGUMENT : grpc::StatusCode::NOT_FOUND;
      tally.count("GetJob(bad id)", status, status.error_code() == want);
    } else {
      grpc::ClientContext context;  // no token
      context.set_deadline(std::chrono::system_clock::now() + 30s);
      v1::ListJobsResponse response;
      const grpc::Status status = stub->ListJobs(&context, v1::ListJobsRequest(), &response);
      tally.count("ListJobs(no token)", status, status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + static_cast<int>(unit(rng) * 10)));
  }
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t i = std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())));
  return values[i];
}

int usage() {
  std::cerr << "usage: siren_load_test --server-bin PATH [--clients 50] [--seconds 60] [--warmup-seconds 10]\n"
               "                       [--max-rss-growth-mib 128]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string value = argv[++i];
    if (arg == "--server-bin") settings.server_bin = value;
    else if (arg == "--clients") settings.clients = std::stoi(value);
    else if (arg == "--seconds") settings.seconds = std::stoi(value);
    else if (arg == "--warmup-seconds") settings.warmup_seconds = std::stoi(value);
    else if (arg == "--max-rss-growth-mib") settings.max_rss_growth_mib = std::stod(value);
    else return usage();
  }
  if (settings.server_bin.empty() || settings.warmup_seconds >= settings.seconds) return usage();

  std::string pattern = (std::filesystem::temp_directory_path() / "siren-load-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return 1;
  const std::filesystem::path dir = pattern;
  const std::string port_file = (dir / "port").string();
  siren::e2e::Subprocess server({settings.server_bin, "--host", "127.0.0.1", "--port", "0", "--port-file", port_file,
                                 "--data-dir", (dir / "data").string(), "--token", kToken, "--workers", "2",
                                 "--threads", "1", "--max-queued", "64", "--log-level", "error"},
                                (dir / "server.log").string(), true);
  const std::string port = siren::load::wait_for_port(server, port_file);
  if (port.empty()) {
    std::cerr << "siren-server did not start:\n" << read_text((dir / "server.log").string());
    return 1;
  }
  const std::string address = "127.0.0.1:" + port;
  auto stub = v1::Siren::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));

  // The model every query asks.
  const std::string png = siren::testing::gradient_png(16, 16);
  v1::Job seed;
  if (grpc::Status status = submit(*stub, siren::testing::tiny_image_spec(50, "load"), png, "load-seed", &seed); !status.ok()) {
    std::cerr << "seed fit refused: " << status.error_message() << "\n";
    return 1;
  }
  for (auto until = Clock::now() + 60s; seed.state() != v1::JOB_STATE_SUCCEEDED && Clock::now() < until;) {
    std::this_thread::sleep_for(100ms);
    grpc::ClientContext context;
    authorize(context, 10s);
    v1::GetJobRequest request;
    request.set_job_id(seed.job_id());
    stub->GetJob(&context, request, &seed);
  }
  if (seed.state() != v1::JOB_STATE_SUCCEEDED) {
    std::cerr << "seed fit did not succeed: " << seed.error() << "\n";
    return 1;
  }

  std::printf("siren load test: %d clients for %d s against %s (2 workers, 1 thread, queue limit 64)\n",
              settings.clients, settings.seconds, address.c_str());
  Tally tally;
  const auto start = Clock::now();
  const auto end = start + std::chrono::seconds(settings.seconds);
  std::vector<std::thread> clients;
  for (int i = 0; i < settings.clients; ++i) {
    clients.emplace_back(run_client, i, address, seed.model_id(), 1, png, end, std::ref(tally));
  }
  const double rss_start = rss_mib(server.pid());
  double rss_warm = -1, rss_max_after_warm = 0;
  while (Clock::now() < end) {
    std::this_thread::sleep_for(1s);
    const double rss = rss_mib(server.pid());
    if (Clock::now() - start >= std::chrono::seconds(settings.warmup_seconds)) {
      if (rss_warm < 0) rss_warm = rss;
      rss_max_after_warm = std::max(rss_max_after_warm, rss);
    }
  }
  for (auto& client : clients) client.join();
  const double rss_end = rss_mib(server.pid());

  // Still serving afterwards, and every job it accepted is accounted for.
  grpc::ClientContext context;
  authorize(context, 30s);
  v1::ListJobsResponse listed;
  const grpc::Status alive = stub->ListJobs(&context, v1::ListJobsRequest(), &listed);
  const size_t accepted = tally.jobs().size();

  int64_t total = 0;
  std::printf("\n%-40s %10s\n", "call status", "count");
  for (const auto& [key, count] : tally.counts_) {
    std::printf("%-40s %10lld\n", key.c_str(), static_cast<long long>(count));
    total += count;
  }
  const double p50 = percentile(tally.query_ms_, 0.50), p95 = percentile(tally.query_ms_, 0.95),
               p99 = percentile(tally.query_ms_, 0.99);
  const double growth = rss_max_after_warm - rss_warm;
  std::printf("\ncalls: %lld (%.0f/s), unexpected statuses: %lld\n", static_cast<long long>(total),
              static_cast<double>(total) / settings.seconds, static_cast<long long>(tally.unexpected_));
  for (const auto& example : tally.examples_) std::printf("  unexpected: %s\n", example.c_str());
  std::printf("small queries (64 points): %zu, latency p50 %.2f ms, p95 %.2f ms, p99 %.2f ms\n", tally.query_ms_.size(),
              p50, p95, p99);
  std::printf("server RSS: %.0f MiB at start, %.0f MiB after %d s warm-up, max %.0f MiB after it, %.0f MiB at the end; "
              "growth %.1f MiB (bound %.0f MiB)\n",
              rss_start, rss_warm, settings.warmup_seconds, rss_max_after_warm, rss_end, growth,
              settings.max_rss_growth_mib);
  std::printf("jobs accepted: %zu, listed afterwards: %d\n", accepted, listed.jobs_size());
  std::printf("{\"calls\": %lld, \"unexpected\": %lld, \"query_p50_ms\": %.3f, \"query_p99_ms\": %.3f, "
              "\"rss_growth_mib\": %.1f, \"jobs_accepted\": %zu}\n",
              static_cast<long long>(total), static_cast<long long>(tally.unexpected_), p50, p99, growth, accepted);

  server.send_signal(SIGTERM);
  const auto stopped = server.wait(60s);
  bool pass = true;
  auto fail = [&pass](const std::string& why) {
    std::printf("FAIL: %s\n", why.c_str());
    pass = false;
  };
  if (tally.unexpected_ > 0) fail("unexpected statuses");
  if (!alive.ok()) fail("the server stopped answering: " + alive.error_message());
  if (alive.ok() && static_cast<size_t>(listed.jobs_size()) != accepted + 1) fail("accepted jobs are missing from ListJobs");
  if (tally.query_ms_.empty()) fail("no query succeeded");
  if (growth > settings.max_rss_growth_mib) fail("server memory grew beyond the bound");
  if (stopped.timed_out || stopped.exit_code != 0) fail("siren-server did not drain and exit 0 on SIGTERM");
  if (pass) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  } else {
    std::printf("kept %s for inspection\n", dir.c_str());
  }
  std::printf("%s\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}
