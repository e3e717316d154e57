#include "siren/parallel_loops.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace siren {

int threads_running_parallel_loops() {
  const int available = at::get_num_threads();
  std::atomic<int> chunks{0};
  // One element per thread and a grain of 1: each thread that takes part runs one chunk.
  at::parallel_for(0, available, /*grain_size=*/1, [&](int64_t begin, int64_t end) {
    chunks.fetch_add(1);
    std::this_thread::yield();
  });
  return std::min(chunks.load(), available);
}

}  // namespace siren
