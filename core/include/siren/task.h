#pragma once
// The interface every experiment implements (image, audio, video, Poisson, SDF, Helmholtz, wave).
// The trainer and the server only ever see this: adding a task never touches them.
#include <torch/torch.h>

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "siren/field_derivatives.h"
#include "siren/model_spec.h"

namespace siren {

class FieldModel;

// One step's worth of supervision: coordinates plus named ground-truth tensors (e.g. "values",
// "gradients", "normals"), all on the training device, first dimension = points.
struct Batch {
  torch::Tensor coords;
  std::unordered_map<std::string, torch::Tensor> fields;

  const torch::Tensor& field(const std::string& name) const { return fields.at(name); }
};

using LossTerms = std::vector<std::pair<std::string, torch::Tensor>>;

class Task {
 public:
  virtual ~Task() = default;
  virtual std::string kind() const = 0;

  // Fills in what the data decides: in/out features, ReLU+PE frequency count.
  virtual void configure_model(ModelSpec& spec) const = 0;
  virtual void to(const torch::Device& device) = 0;

  virtual int64_t num_points() const = 0;
  // batch_size <= 0: the task's natural batch (full signal for images). Random draws use `gen` only,
  // so a restored generator reproduces the same batches after a resume.
  virtual Batch sample(int64_t batch_size, at::Generator& gen) const = 0;
  // The batch for the update that follows `step` completed updates; the trainer always calls this one.
  // Only tasks whose sampling follows a schedule override it (the wave task's pretraining phase and
  // growing time window). The step is part of the trainer's checkpointed state, so a resumed fit
  // draws exactly the batches an uninterrupted one would.
  virtual Batch sample_at_step(int64_t step, int64_t batch_size, at::Generator& gen) const {
    return sample(batch_size, gen);
  }
  // Updates in one epoch of the reference's training loop at this batch size (TrainOptions.epochs): its
  // dataset's length. 1 for a task whose every step sees the whole signal or a fresh random draw of it (the
  // reference's one-item datasets: image, audio, video, Poisson, PDEs); SDF: points / batch.
  virtual int64_t steps_per_epoch(int64_t /*batch_size*/) const { return 1; }
  // True when losses differentiate the output w.r.t. the coordinates (Poisson, SDF, PDEs).
  virtual bool needs_coordinate_gradients() const { return false; }

  // Which derivatives of the field w.r.t. the coordinates the losses use. A task that names some
  // implements losses_on_field, and the trainer hands it those derivatives: carried forward in closed form
  // through a SIREN (sine_derivatives.h), by autograd for other networks or when TrainOptions says so.
  virtual DerivativeOrder coordinate_derivatives() const { return DerivativeOrder::None; }

  // Named scalar terms; the training loss is their sum (as the reference's Σ loss.mean()). Every task
  // without coordinate_derivatives() implements this; for the others it computes the derivatives of
  // `output` by autograd (coords must require grad) and calls losses_on_field.
  virtual LossTerms losses(const torch::Tensor& coords, const torch::Tensor& output, const Batch& batch) const;
  virtual LossTerms losses_on_field(const torch::Tensor& coords, const FieldDerivatives& field,
                                    const Batch& batch) const;
  // Quality figures for progress reports, e.g. {"psnr", "mse"}; output is detached.
  virtual std::map<std::string, double> metrics(const torch::Tensor& output, const Batch& batch) const {
    return {};
  }
  // Figures on the whole signal as the reference's summaries report them (video: PSNR on whole frames),
  // too costly for every step. The trainer asks for them every summary_every() steps (0: never), on a
  // run's first report and at the end, and reports the latest with every step's metrics (a summary
  // figure wins over a step's figure of the same name). `field` is the network being trained.
  virtual int64_t summary_every() const { return 0; }
  virtual std::map<std::string, double> summary_metrics(const FieldModel& /*field*/) const { return {}; }
  // Facts a query needs later (stored in the model file), e.g. image width/height/channels.
  virtual std::map<std::string, std::string> metadata() const = 0;
};

}  // namespace siren
