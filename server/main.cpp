// siren-server: fits SIREN neural fields on request and serves queries on the trained fields.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "options.h"
#include "server.h"
#include "siren/runtime.h"

namespace {

using siren::server::ServerOptions;

void add_flags(CLI::App& app, ServerOptions& o) {
  app.add_option("--host", o.host, "Address to listen on. Beyond loopback every RPC needs a token (--token, or --generate-token); without one the server refuses to start")
      ->capture_default_str();
  app.add_option("--port", o.port, "gRPC port; 0 = any free port (see --port-file)")->capture_default_str();
  app.add_option("--port-file", o.port_file, "Write the port actually bound to this file once listening");
  app.add_option("--data-dir", o.data_dir, "Where jobs (inputs, checkpoints) and trained models are kept")
      ->capture_default_str();
  app.add_option("--database", o.database,
                 "Where job records live (default: $SIREN_DATABASE, else an SQLite file in DATA_DIR/jobs, no database "
                 "server needed): a PostgreSQL URL, postgresql://USER@HOST[:PORT]/DB (libpq's form; keep the "
                 "password in $PGPASSWORD or ~/.pgpass, not on the command line). Inputs, checkpoints and models "
                 "stay in --data-dir either way; one server per database, unless they are replicas of a fleet (--fleet)");
  app.add_option("--tenants", o.tenants_file,
                 "A file of tenants, one per line: NAME QUOTA TOKEN. Each tenant's clients send its token; at most "
                 "QUOTA of its jobs run at once (- for no limit), across the whole fleet in one. Keep it private");
  app.add_flag("--fleet", o.fleet,
               "Run as one replica of a fleet: replicas given the same --database (PostgreSQL) and the same "
               "--data-dir (a volume every replica mounts) share one queue. Any replica answers for any job and "
               "model; a replica that stops answering for --lease-seconds has its fits continued by another "
               "from their newest checkpoint (docs/deploying.md)");
  app.add_option("--replica-id", o.replica_id, "This replica's name in the fleet; unique among live replicas "
                 "(default: the host name and a random suffix)");
  app.add_option("--lease-seconds", o.lease_seconds,
                 "Fleet: a replica silent this long loses its running jobs to the others")
      ->capture_default_str();
  app.add_option("--max-attempts", o.max_attempts,
                 "Fleet: runs of one job (each ended by its replica going silent) before it fails instead")
      ->capture_default_str();
  app.add_option("--metrics-port", o.metrics_port,
                 "Serve Prometheus metrics on http://METRICS_HOST:PORT/metrics (plain HTTP even with --tls-cert); "
                 "0 = off (README: Monitoring)")
      ->capture_default_str();
  app.add_option("--metrics-host", o.metrics_host,
                 "Address /metrics listens on, apart from --host: loopback by default; 0.0.0.0 for a Prometheus "
                 "in another container or pod (metrics carry no job ids or data)")
      ->capture_default_str();
  app.add_option("--token", o.token,
                 "Require 'authorization: Bearer TOKEN' metadata on every RPC (default: $SIREN_TOKEN; empty = no auth)");
  app.add_flag("--generate-token", o.generate_token,
               "Beyond loopback without --token: make a random token at the first start, print it and keep it in "
               "DATA_DIR/token (owner-only), where later starts find it");
  app.add_option("--tls-cert", o.tls_cert,
                 "Serve gRPC over TLS only, with this PEM certificate (chain); needs --tls-key (README: Security)")
      ->type_name("PEM");
  app.add_option("--tls-key", o.tls_key, "PEM private key of --tls-cert; keep it readable by this user only")
      ->type_name("PEM");
  app.add_option("--tls-client-ca", o.tls_client_ca,
                 "Mutual TLS: accept only clients that present a certificate signed by this PEM CA")
      ->type_name("PEM");
  app.add_option("--workers", o.workers,
                 "Fits that run at the same time on each device; later ones wait in the queue")
      ->capture_default_str();
  app.add_option("--devices", o.devices,
                 "Where fits run, a worker per device: all (every GPU this server sees, else the CPU), cpu, or a "
                 "list such as cuda:0,cuda:1. A free worker takes the next job whose --device it serves "
                 "(auto: any; cuda: any GPU; cuda:N: that one; cpu: any worker, run on the CPU); queries run on "
                 "the first device")
      ->capture_default_str();
  app.add_option("--max-queued", o.max_queued,
                 "Jobs that may wait in the queue; a submission beyond that is refused with RESOURCE_EXHAUSTED")
      ->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--max-pack", o.max_pack,
                 "Small compatible fits queued together (same task kind, network, learning rate, batch shape and "
                 "priority) that one worker trains as one batched step, each ending as it would alone; 1 = every "
                 "fit alone")
      ->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--threads", o.threads,
                 "CPU threads of the process (LibTorch, BLIS), split evenly between the workers' fits (at least one "
                 "each); 0 = $SIREN_THREADS, else all cores")
      ->capture_default_str();
  app.add_option("--drain-timeout", o.drain_timeout_s,
                 "Seconds running fits get to save a checkpoint on SIGTERM/SIGINT before the server exits")
      ->capture_default_str();
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error or off")->capture_default_str();
  app.add_option("--max-upload-mb", o.max_upload_mb, "Largest SubmitFit upload (input + resume checkpoint), MiB")
      ->capture_default_str();
  app.add_option("--max-render-pixels", o.max_render_pixels, "Largest RenderImage width*height")
      ->capture_default_str();
  app.add_option("--max-query-points-per-message", o.max_query_points_per_message,
                 "Most points in one QueryField message")
      ->capture_default_str();
  app.add_option("--max-receive-message-mb", o.max_receive_message_mb,
                 "Largest single gRPC message the server accepts, MiB (uploads and queries come in chunks below it)")
      ->check(CLI::Range(1, 2047))->capture_default_str();
  app.add_option("--max-steps", o.max_steps, "Most optimiser steps one fit may ask for")->capture_default_str();
  app.add_option("--max-parameters", o.max_parameters,
                 "Largest network one fit may ask for, in trainable parameters (3x256 SIREN: ~198k)")
      ->capture_default_str();
  app.add_option("--max-image-pixels", o.input_limits.max_image_pixels,
                 "Largest image input, width*height; checked from the file's header before decoding")
      ->capture_default_str();
  app.add_option("--max-audio-samples", o.input_limits.max_audio_samples, "Longest audio input, in samples")
      ->capture_default_str();
  app.add_option("--max-video-voxels", o.input_limits.max_video_voxels,
                 "Largest video input, frames*height*width after its frame limit and resizing")
      ->capture_default_str();
  app.add_option("--max-points", o.input_limits.max_points, "Most points (or mesh vertices) in a point-cloud input")
      ->capture_default_str();
}

// OpenCV reads its image-size cap from the environment once, when the library is loaded (before
// main): to make --max-image-pixels bound what the decoder allocates, set it and start this program
// again, once. The pid stays the same.
void apply_image_cap_to_opencv(const siren::InputLimits& limits, char** argv) {
  const std::string wanted = std::to_string(limits.max_image_pixels);
  const char* current = std::getenv("OPENCV_IO_MAX_IMAGE_PIXELS");
  if (current != nullptr && wanted == current) return;
  if (std::getenv("SIREN_IMAGE_CAP_REEXEC") != nullptr) {
    spdlog::warn("OpenCV's image-size cap could not be applied; --max-image-pixels is checked after decoding only");
    return;
  }
  setenv("OPENCV_IO_MAX_IMAGE_PIXELS", wanted.c_str(), 1);
  setenv("SIREN_IMAGE_CAP_REEXEC", "1", 1);
  execv("/proc/self/exe", argv);
  spdlog::warn("cannot restart to apply OpenCV's image-size cap ({}); --max-image-pixels is checked after "
               "decoding only", std::strerror(errno));
}

// Blocks SIGINT/SIGTERM in this thread and every thread started after, so only sigwait sees them.
sigset_t block_stop_signals() {
  // A shell starts background jobs with SIGINT ignored, and an ignored signal is discarded before
  // sigwait could see it: restore the default disposition first.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

}  // namespace

int main(int argc, char** argv) {
  static const sigset_t stop_signals = block_stop_signals();

  ServerOptions options;
  if (const char* token = std::getenv("SIREN_TOKEN")) options.token = token;
  if (const char* database = std::getenv("SIREN_DATABASE")) options.database = database;
  CLI::App app{
      "siren-server: fits SIREN neural fields (Sitzmann et al. 2020) and serves queries on them over gRPC\n"
      "(service siren.v1.Siren, plus grpc.health.v1 and server reflection).\n"
      "SIGTERM/SIGINT drain: no new fits, running fits checkpoint and end INTERRUPTED, then exit 0.\n"
      "A second signal exits at once."};
  add_flags(app, options);
  CLI11_PARSE(app, argc, argv);

  const auto level = spdlog::level::from_str(options.log_level);
  if (level == spdlog::level::off && options.log_level != "off") {
    std::cerr << "unknown --log-level '" << options.log_level << "'; use trace, debug, info, warn, error or off\n";
    return 2;
  }
  spdlog::set_level(level);

  try {
    siren::server::check_options(options);
  } catch (const std::invalid_argument& e) {
    std::cerr << "siren-server: " << e.what() << "\n";
    return 2;
  }
  apply_image_cap_to_opencv(options.input_limits, argv);
  unsetenv("SIREN_IMAGE_CAP_REEXEC");  // fits started later need not know
  // run_fit calls configure_threads() itself, which reads $SIREN_THREADS: set it so every fit
  // keeps the --threads choice.
  if (options.threads > 0) setenv("SIREN_THREADS", std::to_string(options.threads).c_str(), 1);
  siren::configure_threads(options.threads);

  siren::server::Server server(options);
  try {
    server.Start();
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }

  bool drained = true;
  std::thread signal_thread([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    spdlog::info("received {}; draining (send it again to exit at once)", strsignal(signal));
    std::thread second_signal([&] {
      int again = 0;
      sigwait(&stop_signals, &again);
      spdlog::warn("second {}: exiting without waiting for fits", strsignal(again));
      spdlog::shutdown();
      std::_Exit(1);
    });
    second_signal.detach();
    drained = server.GracefulStop(std::chrono::seconds(options.drain_timeout_s));
  });
  server.Wait();
  signal_thread.join();
  if (!drained) {
    // A fit ignored the stop request past the drain timeout: do not wait for it any longer.
    spdlog::shutdown();
    std::_Exit(0);
  }
  return 0;
}
