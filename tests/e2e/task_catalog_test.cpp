// Tasks describe themselves once, in core, and every client reads that description: a task compiled
// into the tests only (tests/test_task, "test-constant", a server built with it) appears in ListTasks,
// `siren tasks`, `siren fit --help`, and fits, with no line of server/ or client/ knowing it.
#include <algorithm>

#include "e2e_fixture.h"

namespace siren::e2e {
namespace {

bool lists_task(const std::vector<json>& lines, const std::string& name) {
  return std::any_of(lines.begin(), lines.end(), [&](const json& line) { return line.value("name", "") == name; });
}

class TaskCatalogTest : public E2ETest {};

TEST_F(TaskCatalogTest, TasksListsEveryBuiltInTaskWithItsOptionsAndInputs) {
  const ProcessResult listed = siren({"tasks"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::vector<json> tasks = json_lines(listed.out);
  for (const char* name : {"image", "sdf", "audio", "video", "helmholtz", "wave", "poisson-grad", "poisson-lapl",
                           "poisson-composite"})
    EXPECT_TRUE(lists_task(tasks, name)) << name << " missing from:\n" << listed.out;
  EXPECT_FALSE(lists_task(tasks, "test-constant"));  // a real server knows only its own tasks
  for (const json& task : tasks) {
    if (task.value("name", "") != "sdf") continue;
    EXPECT_NE(task.dump().find("on_surface_points"), std::string::npos) << task.dump();
    EXPECT_NE(task.dump().find("ply"), std::string::npos) << task.dump();
  }

  const ProcessResult help = siren({"fit", "sdf", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("--on-surface-points"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("eikonal"), std::string::npos) << help.out;  // the task's details
}

class TestTaskServerTest : public E2ETest {
 protected:
  std::string server_binary() const override { return SIREN_SERVER_WITH_TEST_TASK_BIN; }
};

TEST_F(TestTaskServerTest, ATaskAddedInCoreAloneIsListedDescribedAndFitted) {
  const ProcessResult listed = siren({"tasks"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(lists_task(json_lines(listed.out), "test-constant")) << listed.out;

  const ProcessResult help = siren({"fit", "test-constant", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_NE(help.out.find("--value"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("the constant to fit"), std::string::npos) << help.out;

  const ProcessResult fit = siren({"fit", "test-constant", "--value", "0.25", "--steps", "200", "--lr", "1e-3"});
  ASSERT_EQ(fit.exit_code, 0) << fit.out << fit.err;
  const json result = last_json_line(fit);
  EXPECT_EQ(result.value("state", ""), "succeeded") << result.dump();
  EXPECT_LT(result["metrics"].value("mse", 1.0), 1e-3) << result.dump();  // 0.0625 for the untrained 0

  // Its option is checked against its description like any built-in one.
  const ProcessResult bad = siren({"fit", "test-constant", "--value", "7"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE((bad.out + bad.err).find("value must be a number in [-1, 1]"), std::string::npos) << bad.out << bad.err;
}

}  // namespace
}  // namespace siren::e2e
