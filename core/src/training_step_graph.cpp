#include "siren/training_step_graph.h"

#ifdef SIREN_HAVE_CUDA_KERNELS
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace siren {
namespace {

bool same_layout(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.defined() != b.defined()) return false;
  return !a.defined() || (a.sizes() == b.sizes() && a.scalar_type() == b.scalar_type() && a.device() == b.device());
}

Batch copy_of(const Batch& batch) {
  Batch copy;
  copy.coords = batch.coords.defined() ? batch.coords.detach().clone() : torch::Tensor();
  for (const auto& [name, tensor] : batch.fields) copy.fields[name] = tensor.detach().clone();
  return copy;
}

void copy_into(Batch& destination, const Batch& source) {
  if (destination.coords.defined()) destination.coords.copy_(source.coords, /*non_blocking=*/true);
  for (auto& [name, tensor] : destination.fields) tensor.copy_(source.fields.at(name), /*non_blocking=*/true);
}

}  // namespace

bool same_batch_layout(const Batch& a, const Batch& b) {
  if (!same_layout(a.coords, b.coords) || a.fields.size() != b.fields.size()) return false;
  for (const auto& [name, tensor] : a.fields) {
    const auto other = b.fields.find(name);
    if (other == b.fields.end() || !same_layout(tensor, other->second)) return false;
  }
  return true;
}

#ifdef SIREN_HAVE_CUDA_KERNELS

struct TrainingStepGraph::State {
  torch::Device device;
  std::unique_ptr<at::cuda::CUDAGraph> graph;
  Batch inputs;
  std::vector<torch::Tensor> outputs;
  std::string failure;
};

std::string TrainingStepGraph::unavailable_reason(const torch::Device& device) {
  if (!device.is_cuda()) return "CUDA graphs need a CUDA device";
  return "";
}

TrainingStepGraph::TrainingStepGraph(torch::Device device) : state_(new State{device, nullptr, {}, {}, {}}) {}
TrainingStepGraph::~TrainingStepGraph() = default;

bool TrainingStepGraph::capture(const Batch& batch, const Step& step) {
  State& s = *state_;
  s.graph.reset();
  s.outputs.clear();
  s.failure.clear();
  const c10::cuda::CUDAGuard device_guard(s.device);
  s.inputs = copy_of(batch);
  // Capture must happen on a stream of its own; it starts after, and the caller's stream continues after,
  // all work queued so far (the inputs' copies included).
  const c10::cuda::CUDAStream caller = c10::cuda::getCurrentCUDAStream(s.device.index());
  const c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, s.device.index());
  at::cuda::CUDAEvent queued;
  queued.record(caller);
  queued.block(side);
  auto graph = std::make_unique<at::cuda::CUDAGraph>();
  try {
    const c10::cuda::CUDAStreamGuard stream_guard(side);
    // Thread-local mode: other workers' threads (other fits, other GPUs) may keep allocating and
    // synchronising while this thread captures; only this thread's own unsafe calls fail the capture.
    graph->capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
    try {
      s.outputs = step(s.inputs);
    } catch (...) {
      try {
        graph->capture_end();
      } catch (...) {
      }
      throw;
    }
    graph->capture_end();
  } catch (const std::exception& error) {
    s.failure = error.what();
    s.outputs.clear();
    (void)cudaGetLastError();  // a failed capture leaves a non-sticky error behind; clear it
    return false;
  }
  at::cuda::CUDAEvent recorded;
  recorded.record(side);
  recorded.block(caller);
  s.graph = std::move(graph);
  return true;
}

bool TrainingStepGraph::captured() const { return state_->graph != nullptr; }

bool TrainingStepGraph::accepts(const Batch& batch) const {
  return captured() && same_batch_layout(state_->inputs, batch);
}

const std::vector<torch::Tensor>& TrainingStepGraph::replay(const Batch& batch) {
  State& s = *state_;
  TORCH_CHECK(s.graph, "TrainingStepGraph::replay before a successful capture");
  const c10::cuda::CUDAGuard device_guard(s.device);
  copy_into(s.inputs, batch);
  s.graph->replay();
  return s.outputs;
}

#else  // a build without CUDA: graphs are never available

struct TrainingStepGraph::State {
  Batch inputs;
  std::vector<torch::Tensor> outputs;
  std::string failure = "this build of siren has no CUDA";
};

std::string TrainingStepGraph::unavailable_reason(const torch::Device&) { return "this build of siren has no CUDA"; }
TrainingStepGraph::TrainingStepGraph(torch::Device) : state_(new State) {}
TrainingStepGraph::~TrainingStepGraph() = default;
bool TrainingStepGraph::capture(const Batch&, const Step&) { return false; }
bool TrainingStepGraph::captured() const { return false; }
bool TrainingStepGraph::accepts(const Batch&) const { return false; }
const std::vector<torch::Tensor>& TrainingStepGraph::replay(const Batch&) {
  throw std::logic_error("TrainingStepGraph::replay in a build without CUDA");
}

#endif

const Batch& TrainingStepGraph::inputs() const { return state_->inputs; }
const std::string& TrainingStepGraph::failure_reason() const { return state_->failure; }

}  // namespace siren
