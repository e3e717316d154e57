// A task that exists only in the tests: "test-constant" fits f(t) = value on [-1,1]. It is compiled into
// siren-server-with-test-task (and nothing else) to show what the API promises: a task is its files in
// core plus its proto enum value (TASK_KIND_TEST_CONSTANT), and then it appears in ListTasks, `siren
// tasks`, `siren fit --help` and the Python client, and fits, with no change in server/ or client/.
#include "siren/task.h"
#include "siren/task_options.h"
#include "siren/task_registry.h"

namespace siren::testing {
namespace {

constexpr int64_t kPoints = 64;

class TestConstantTask : public Task {
 public:
  explicit TestConstantTask(double value)
      : coords_(torch::linspace(-1, 1, kPoints).unsqueeze(1)), values_(torch::full({kPoints, 1}, value)) {}

  std::string kind() const override { return "test-constant"; }
  void configure_model(ModelSpec& spec) const override {
    spec.in_features = 1;
    spec.out_features = 1;
  }
  void to(const torch::Device& device) override {
    coords_ = coords_.to(device);
    values_ = values_.to(device);
  }
  int64_t num_points() const override { return kPoints; }
  Batch sample(int64_t, at::Generator&) const override { return Batch{coords_, {{"values", values_}}}; }
  LossTerms losses(const torch::Tensor&, const torch::Tensor& output, const Batch& batch) const override {
    return {{"mse", (output - batch.field("values")).pow(2).mean()}};
  }
  std::map<std::string, double> metrics(const torch::Tensor& output, const Batch& batch) const override {
    return {{"mse", (output - batch.field("values")).pow(2).mean().item<double>()}};
  }
  std::map<std::string, std::string> metadata() const override { return {}; }

 private:
  torch::Tensor coords_, values_;
};

TaskRegistration test_constant_registration() {
  TaskRegistration r;
  TaskDescription& d = r.description;
  d.kind = "test-constant";
  d.summary = "fit a constant function (a task compiled into the tests only)";
  d.details = "f(t) = value on 64 points of [-1,1]; no input.";
  d.options = {{"value", TaskOptionType::Number, "0.5", -1, 1, {}, "X", "the constant to fit (default 0.5)"}};
  d.preset.task.kind = d.kind;
  d.preset.model.in_features = 1;
  d.preset.model.out_features = 1;
  d.preset.model.hidden_features = 16;
  d.preset.model.hidden_layers = 1;
  d.preset.train.steps = 20;
  const TaskDescription description = d;
  r.make = [description](const TaskSpec& spec, const NamedInputs&) {
    const TaskOptionReader options(description, spec.options);
    return std::make_unique<TestConstantTask>(options.number("value"));
  };
  return r;
}

// Registered before main() runs: an object file of the executable itself is always linked.
const bool registered = (register_task(test_constant_registration()), true);

}  // namespace
}  // namespace siren::testing
