#pragma once
// Runs bench/pytorch_eager.py (the paper's way, eager PyTorch 2.11 from the same wheel siren links) on
// the same workload and device in the same session, so each figure of ours is printed with its ratio to
// it. Two environments per device, each the setting that changes eager's time most there:
//   on a CPU, the allocator (several-fold on this kind of machine, bench/RESULTS.md):
//     as installed            - nothing set, as a user runs the paper's script (same thread count as siren)
//     tuned (tcmalloc)        - also siren's allocator, preloaded
//   on a GPU, the precision of the matrix products (the host's allocator hardly matters there):
//     as installed            - PyTorch's default, IEEE fp32 products, as the paper's script runs
//     same precision (tf32)   - the precision siren runs at (--precision), when it is not fp32
#include <string>
#include <vector>

#include "timing.h"

namespace siren::bench {

struct EagerRun {
  std::string environment;  // "as installed", "tuned (tcmalloc)", "same precision (tf32)"
  Timing timing;
  std::string error;        // why there is no timing
};

// False (with the reason) when the wheel's Python cannot import torch or the script is missing.
bool eager_available(std::string* why);

// `args`: the script's `time` arguments after the workload name, e.g. "--size 256 --channels 3".
// `device`: cpu, cuda or cuda:N; `precision`: siren's GEMM precision on a GPU (tf32, fp32, bf16).
std::vector<EagerRun> run_eager(const std::string& workload, const std::string& args, int threads, int repeats,
                                const std::string& device = "cpu", const std::string& precision = "fp32");

// The fastest CPU environment ("tuned (tcmalloc)") for runs whose figures, not times, matter.
// Returns the script's stdout (and stderr) for `args`; *status is its exit status.
std::string run_eager_script(const std::string& args, int threads, int* status);

}  // namespace siren::bench
