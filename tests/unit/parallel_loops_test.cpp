// siren's own CPU loops (the SLEEF sines, the bias rows) go through at::parallel_for, which splits work
// only in code compiled with OpenMP. Built without it, every sine ran on one core while the other waited:
// the PyTorch-2.11 build's queries were 25% slower than the old build's for that alone.
#include <gtest/gtest.h>
#include <ATen/Parallel.h>

#include "siren/parallel_loops.h"

namespace siren {
namespace {

class ParallelLoops : public ::testing::Test {
 protected:
  void SetUp() override { saved_threads_ = at::get_num_threads(); }
  void TearDown() override { at::set_num_threads(saved_threads_); }
  int saved_threads_ = 1;
};

TEST_F(ParallelLoops, SplitAmongEveryIntraOpThread) {
  at::set_num_threads(2);  // ATen's pool may hold more threads than the machine has cores
  EXPECT_EQ(threads_running_parallel_loops(), 2);
}

TEST_F(ParallelLoops, RunOnOneThreadWhenToldTo) {
  at::set_num_threads(1);
  EXPECT_EQ(threads_running_parallel_loops(), 1);
}

}  // namespace
}  // namespace siren
