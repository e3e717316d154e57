#pragma once
// Runs bench/pytorch_eager.py (the paper's way, eager PyTorch, Debian's python3-torch) on the same
// workload in the same session, so each figure of ours is printed with its ratio to it. Three
// environments, because on this kind of machine the BLAS kernels, its thread count and the allocator
// each change eager's time several-fold (bench/RESULTS.md):
//   as installed  - nothing set, as a user runs the paper's script
//   same BLAS     - the BLIS kernels and thread count siren selects (siren/runtime.h)
//   + tcmalloc    - also siren's allocator, preloaded
#include <string>
#include <vector>

#include "timing.h"

namespace siren::bench {

struct EagerRun {
  std::string environment;  // "as installed", "same BLAS", "same BLAS + tcmalloc"
  Timing timing;
  std::string error;        // why there is no timing
};

// False (with the reason) when /usr/bin/python3 cannot import torch or the script is missing.
bool eager_available(std::string* why);

// `args`: the script's `time` arguments after the workload name, e.g. "--size 256 --channels 3".
std::vector<EagerRun> run_eager(const std::string& workload, const std::string& args, int threads, int repeats);

// The fastest environment ("same BLAS + tcmalloc") for runs whose figures, not times, matter.
// Returns the script's stdout (and stderr) for `args`; *status is its exit status.
std::string run_eager_script(const std::string& args, int threads, int* status);

}  // namespace siren::bench
