#pragma once
// Short human renderings of numbers, durations and progress (tables, the progress bar, details).
// Scripts should use --json, which never rounds.
#include <cstdint>
#include <string>

#include "siren/v1/fit.pb.h"
#include "siren/v1/jobs.pb.h"

namespace siren::cli {

std::string format_duration(double seconds);   // "0:07", "1:52", "1:02:03"; "-" if unknown
std::string format_loss(double loss);          // "3.1e-03"
std::string format_psnr(double psnr_db);       // "27.4 dB"
std::string format_bytes(int64_t bytes);       // "1.2 MiB"
std::string format_local_time(int64_t unix_ms);  // "2024-05-01 12:30:05"; "-" for 0
// "loss 3.1e-03  psnr 27.4 dB  1.6 it/s  ETA 1:52": the figures after the step counter.
std::string format_figures(const v1::Progress& progress);
// Training time: the job's own figure, else from its start/finish times (the final progress of a
// finished job may carry no timing); -1 if it never started.
double job_elapsed_seconds(const v1::Job& job);
std::string format_steps(const v1::Progress& progress);  // "120/300"
// "sine, 256 wide x 3 hidden, w0 30/30; 10000 steps, lr 0.0001, full batch, seed 0": the settings a
// spec states (unset ones are the task preset's and shown as "preset").
std::string format_spec_summary(const v1::FitSpec& spec);

}  // namespace siren::cli
