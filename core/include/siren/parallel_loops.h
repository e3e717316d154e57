#pragma once

namespace siren {

// How many threads one of siren's own at::parallel_for loops actually ran on, for a loop large enough to be
// split among at::get_num_threads() threads. at::parallel_for splits work only in code compiled with
// OpenMP (core/CMakeLists.txt); a build without it gives 1 whatever the thread count, and siren's SLEEF
// sines and bias rows then run on one core while the others wait.
int threads_running_parallel_loops();

}  // namespace siren
