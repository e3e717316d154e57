// CPU threads per fit (runtime.h): a server splits its threads between its workers, and a thread's own
// count governs the parallel work it starts (LibTorch's OpenMP regions, siren's BLIS GEMMs) without
// changing any other thread's.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <array>
#include <string>
#include <thread>
#include <vector>

#include "siren/blas/blis.h"
#include "siren/linear.h"
#include "siren/runtime.h"

namespace siren {
namespace {

TEST(Threads, SplitEvenlyBetweenWorkersAtLeastOneEach) {
  EXPECT_EQ(threads_per_worker(2, 2), 1);
  EXPECT_EQ(threads_per_worker(8, 3), 2);
  EXPECT_EQ(threads_per_worker(16, 1), 16);
  EXPECT_EQ(threads_per_worker(1, 4), 1);
  EXPECT_EQ(threads_per_worker(6, 0), 6);
}

TEST(Threads, AThreadsOwnCountLeavesOtherThreadsAlone) {
  const int process = configure_threads();
  int own = 0, seen_by_aten = 0, after_configure = 0;
  std::thread worker([&] {
    set_this_thread_threads(1);
    own = this_thread_threads();
    seen_by_aten = at::get_num_threads();  // what ATen's parallel regions started here use
    configure_threads();                   // as run_fit does: must not undo the thread's own count
    after_configure = at::get_num_threads();
  });
  worker.join();
  EXPECT_EQ(own, 1);
  EXPECT_EQ(seen_by_aten, 1);
  EXPECT_EQ(after_configure, 1);
  EXPECT_EQ(at::get_num_threads(), process);
  EXPECT_EQ(this_thread_threads(), process);
  // A thread started later still gets the process's count.
  int fresh = 0;
  std::thread([&] { fresh = at::get_num_threads(); }).join();
  EXPECT_EQ(fresh, process);
}

TEST(Threads, BlisTakesACountPerThreadAndComputesTheSameProducts) {
  if (!blas::blis_enabled()) GTEST_SKIP() << "siren's CPU GEMMs are LibTorch's here: " << blas::cpu_gemm_description();
  // Debian's BLIS 0.9 keeps one count per process: per-thread counts need its runtime object's layout.
  EXPECT_TRUE(blas::blis_per_thread_counts()) << blas::cpu_gemm_description();
  const int process = configure_threads();
  torch::manual_seed(0);
  // Small and skinny products (BLIS's "sup" kernels) and large ones (its packed ones).
  for (const auto& [m, k, n] : std::vector<std::array<int64_t, 3>>{{576, 2, 32}, {576, 32, 32}, {300, 64, 96},
                                                                   {4096, 256, 256}}) {
    const torch::Tensor a = torch::randn({m, k}), b = torch::randn({k, n});
    const torch::Tensor shared = matrix_product(a, b);
    torch::Tensor own_one, own_same;
    std::thread([&] {
      set_this_thread_threads(process);
      own_same = matrix_product(a, b);
      set_this_thread_threads(1);
      own_one = matrix_product(a, b);
    }).join();
    const std::string shape = std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n);
    // The same count on another thread: the same call, the same bits.
    EXPECT_TRUE(torch::equal(own_same, shared)) << shape;
    // BLIS splits the rows between threads and computes each row alike: the same bits for any count.
    EXPECT_TRUE(torch::equal(own_one, shared)) << shape;
    EXPECT_TRUE(torch::allclose(own_one, a.matmul(b), 1e-4, 1e-4)) << shape;
  }
}

}  // namespace
}  // namespace siren
