// Which worker runs which fit (runtime.h): the --devices list a server expands, and the placement rule its
// job queue applies. Written to hold on a machine with or without GPUs.
#include <gtest/gtest.h>

#include "siren/errors.h"
#include "siren/runtime.h"

namespace siren {
namespace {

TEST(Devices, AllMeansEveryGpuElseTheCpu) {
  const std::vector<std::string> all = expand_devices("all");
  if (cuda_device_count() == 0) {
    EXPECT_EQ(all, std::vector<std::string>{"cpu"});
  } else {
    ASSERT_EQ(static_cast<int>(all.size()), cuda_device_count());
    EXPECT_EQ(all.front(), "cuda:0");
  }
  EXPECT_EQ(expand_devices(""), all);
}

TEST(Devices, ListsAreCheckedAgainstWhatIsThere) {
  EXPECT_EQ(expand_devices("cpu"), std::vector<std::string>{"cpu"});
  EXPECT_THROW(expand_devices("cpu,cpu"), InvalidInput);
  EXPECT_THROW(expand_devices("tpu"), InvalidInput);
  EXPECT_THROW(expand_devices("cuda:" + std::to_string(cuda_device_count())), InvalidInput);  // one past the last
  if (cuda_device_count() == 0) EXPECT_THROW(expand_devices("cuda"), InvalidInput);
}

TEST(Devices, WorkersTakeTheFitsTheyServe) {
  EXPECT_TRUE(worker_accepts("cuda:1", "auto"));
  EXPECT_TRUE(worker_accepts("cuda:1", ""));
  EXPECT_TRUE(worker_accepts("cuda:1", "cuda"));
  EXPECT_TRUE(worker_accepts("cuda:1", "cuda:1"));
  EXPECT_FALSE(worker_accepts("cuda:1", "cuda:0"));
  EXPECT_TRUE(worker_accepts("cuda:1", "cpu"));
  EXPECT_TRUE(worker_accepts("cpu", "auto"));
  EXPECT_FALSE(worker_accepts("cpu", "cuda"));
  EXPECT_FALSE(worker_accepts("cpu", "cuda:0"));
}

TEST(Devices, AFitRunsOnItsWorkersDeviceUnlessItAskedForTheCpu) {
  EXPECT_EQ(placed_device("cuda:1", "auto"), "cuda:1");
  EXPECT_EQ(placed_device("cuda:1", "cuda"), "cuda:1");
  EXPECT_EQ(placed_device("cuda:1", "cpu"), "cpu");
  EXPECT_EQ(placed_device("cpu", "auto"), "cpu");
}

}  // namespace
}  // namespace siren
