// siren::wire conversions: generic enum <-> name mapping, presets with overrides, and round trips.
#include <gtest/gtest.h>

#include "siren/errors.h"
#include "siren/task_description.h"
#include "siren/wire/convert.h"
#include "siren/wire/task_description_convert.h"

namespace siren::wire {
namespace {

TEST(ServiceConvert, TaskKindNamesFollowTheEnum) {
  EXPECT_EQ(task_kind_name(v1::TASK_KIND_IMAGE), "image");
  EXPECT_EQ(task_kind_from_name("image"), v1::TASK_KIND_IMAGE);
  EXPECT_THROW(task_kind_name(v1::TASK_KIND_UNSPECIFIED), InvalidInput);
  EXPECT_THROW(task_kind_from_name("unspecified"), InvalidInput);
  EXPECT_THROW(task_kind_from_name("nope"), InvalidInput);
  // Every task the core knows has a proto value.
  for (const auto& kind : task_kinds()) EXPECT_EQ(task_kind_name(task_kind_from_name(kind)), kind);
}

TEST(ServiceConvert, ActivationNamesRoundTrip) {
  EXPECT_EQ(activation_to_proto(Activation::ReluPe), v1::ACTIVATION_RELU_PE);
  EXPECT_EQ(activation_from_proto(v1::ACTIVATION_RELU_PE), Activation::ReluPe);
  for (const auto& name : activation_names()) {
    const Activation a = activation_from_string(name);
    EXPECT_EQ(activation_from_proto(activation_to_proto(a)), a) << name;
  }
  EXPECT_THROW(activation_from_proto(v1::ACTIVATION_UNSPECIFIED), InvalidInput);
}

TEST(ServiceConvert, UnsetFieldsKeepThePreset) {
  v1::FitSpec spec;
  spec.set_task(v1::TASK_KIND_IMAGE);
  const FitConfig preset = preset_fit_config("image");
  const FitConfig config = fit_config_from_proto(spec);
  EXPECT_EQ(config.model.activation, preset.model.activation);
  EXPECT_EQ(config.model.hidden_features, preset.model.hidden_features);
  EXPECT_EQ(config.train.steps, preset.train.steps);
  EXPECT_EQ(config.train.learning_rate, preset.train.learning_rate);
}

TEST(ServiceConvert, SetFieldsOverrideThePreset) {
  v1::FitSpec spec;
  spec.set_task(v1::TASK_KIND_IMAGE);
  (*spec.mutable_task_options())["size"] = "32x32";
  spec.mutable_model()->set_activation(v1::ACTIVATION_RELU_PE);
  spec.mutable_model()->set_hidden_features(64);
  spec.mutable_model()->set_hidden_layers(0);  // explicit zero still counts as set
  spec.mutable_train()->set_steps(7);
  spec.mutable_train()->set_seed(0);
  spec.mutable_train()->set_checkpoint_every(0);
  spec.mutable_train()->set_cuda_graphs(false);
  const FitConfig config = fit_config_from_proto(spec);
  EXPECT_EQ(config.task.options.at("size"), "32x32");
  EXPECT_EQ(config.model.activation, Activation::ReluPe);
  EXPECT_EQ(config.model.hidden_features, 64);
  EXPECT_EQ(config.model.hidden_layers, 0);
  EXPECT_EQ(config.train.steps, 7);
  EXPECT_EQ(config.train.checkpoint_every, 0);
  EXPECT_FALSE(config.train.cuda_graphs);
  EXPECT_FALSE(FitConfig::from_json(config.to_json()).train.cuda_graphs);  // kept in job records and checkpoints

  // A fully specified spec resolves to the same config.
  const FitConfig again = fit_config_from_proto(fit_spec_to_proto(config));
  EXPECT_EQ(again.to_json(), config.to_json());
}

// train_video.py's baselines: sine (and relu, tanh) 1024 wide, relu-pe and relu-rbf 256 (SingleBVPNet's
// default). The activation chooses the preset's width; a given width still wins.
TEST(ServiceConvert, AnActivationTakesItsPresetWidth) {
  const auto resolved_width = [](v1::TaskKind kind, v1::Activation activation, int64_t hidden = 0) {
    v1::FitSpec spec;
    spec.set_task(kind);
    if (activation != v1::ACTIVATION_UNSPECIFIED) spec.mutable_model()->set_activation(activation);
    if (hidden > 0) spec.mutable_model()->set_hidden_features(hidden);
    return fit_config_from_proto(spec).model.hidden_features;
  };
  EXPECT_EQ(resolved_width(v1::TASK_KIND_VIDEO, v1::ACTIVATION_UNSPECIFIED), 1024);
  EXPECT_EQ(resolved_width(v1::TASK_KIND_VIDEO, v1::ACTIVATION_SINE), 1024);
  EXPECT_EQ(resolved_width(v1::TASK_KIND_VIDEO, v1::ACTIVATION_RELU), 1024);
  EXPECT_EQ(resolved_width(v1::TASK_KIND_VIDEO, v1::ACTIVATION_TANH), 1024);
  EXPECT_EQ(resolved_width(v1::TASK_KIND_VIDEO, v1::ACTIVATION_RELU_PE), 256);
  EXPECT_EQ(resolved_width(v1::TASK_KIND_VIDEO, v1::ACTIVATION_RELU_RBF), 256);
  EXPECT_EQ(resolved_width(v1::TASK_KIND_VIDEO, v1::ACTIVATION_RELU_PE, 512), 512);
  EXPECT_EQ(resolved_width(v1::TASK_KIND_WAVE, v1::ACTIVATION_RELU_PE), 512);  // only where a task says so
  EXPECT_EQ(preset_fit_config("video", Activation::ReluRbf).model.activation, Activation::ReluRbf);

  // Listed with the task (ListTasks), and read back.
  const v1::TaskDescription listed = task_description_to_proto(describe_task("video"));
  EXPECT_EQ(listed.hidden_features_by_activation().at("relu-pe"), 256);
  EXPECT_EQ(listed.hidden_features_by_activation().at("relu-rbf"), 256);
  EXPECT_EQ(listed.hidden_features_by_activation().count("sine"), 0u);
  v1::TaskDescription from_newer = listed;
  (*from_newer.mutable_hidden_features_by_activation())["gabor"] = 64;  // unknown here: left out
  const TaskDescription read = task_description_from_proto(from_newer);
  EXPECT_EQ(read.hidden_features_by_activation, describe_task("video").hidden_features_by_activation);
}

// steps and epochs: one given alone decides whatever the preset counts (SDF's counts 10,000 epochs).
TEST(ServiceConvert, StepsOrEpochsGivenAloneDecide) {
  v1::FitSpec spec;
  spec.set_task(v1::TASK_KIND_SDF);
  FitConfig config = fit_config_from_proto(spec);
  EXPECT_EQ(config.train.epochs, 10000);
  EXPECT_EQ(config.train.steps, 0);
  spec.mutable_train()->set_steps(500);
  config = fit_config_from_proto(spec);
  EXPECT_EQ(config.train.steps, 500);
  EXPECT_EQ(config.train.epochs, 0);

  spec.set_task(v1::TASK_KIND_IMAGE);
  spec.mutable_train()->clear_steps();
  spec.mutable_train()->set_epochs(7);
  config = fit_config_from_proto(spec);
  EXPECT_EQ(config.train.steps, 0);
  EXPECT_EQ(config.train.epochs, 7);
  EXPECT_EQ(fit_config_from_proto(fit_spec_to_proto(config)).to_json(), config.to_json());
  EXPECT_EQ(FitConfig::from_json(config.to_json()).train.epochs, 7);

  Progress p;
  p.step = 20;
  p.epoch = 2;
  p.total_epochs = 5;
  const Progress back = progress_from_proto(progress_to_proto(p));
  EXPECT_EQ(back.epoch, 2);
  EXPECT_EQ(back.total_epochs, 5);
}

TEST(ServiceConvert, InvalidSettingsThrowInvalidInput) {
  v1::FitSpec spec;
  spec.set_task(v1::TASK_KIND_IMAGE);
  spec.mutable_train()->set_learning_rate(-1);
  EXPECT_THROW(fit_config_from_proto(spec), InvalidInput);
  spec.mutable_train()->clear_learning_rate();
  spec.mutable_model()->set_hidden_layers(-1);
  EXPECT_THROW(fit_config_from_proto(spec), InvalidInput);
}

TEST(ServiceConvert, ProgressRoundTrips) {
  Progress p;
  p.step = 3;
  p.total_steps = 10;
  p.loss = 0.5;
  p.metrics = {{"psnr", 20.0}};
  p.elapsed_seconds = 1.5;
  const Progress back = progress_from_proto(progress_to_proto(p));
  EXPECT_EQ(back.step, 3);
  EXPECT_EQ(back.total_steps, 10);
  EXPECT_EQ(back.metrics.at("psnr"), 20.0);
  EXPECT_EQ(back.elapsed_seconds, 1.5);
}

TEST(ServiceConvert, JobStateNames) {
  EXPECT_EQ(job_state_name(v1::JOB_STATE_QUEUED), "queued");
  EXPECT_EQ(job_state_name(v1::JOB_STATE_INTERRUPTED), "interrupted");
}

}  // namespace
}  // namespace siren::wire
