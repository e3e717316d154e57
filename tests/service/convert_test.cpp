// siren::wire conversions: generic enum <-> name mapping, presets with overrides, and round trips.
#include <gtest/gtest.h>

#include "siren/errors.h"
#include "siren/wire/convert.h"

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
