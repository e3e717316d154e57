#include "format.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "siren/model_spec.h"
#include "siren/wire/convert.h"

namespace siren::cli {

namespace {
std::string printf_string(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}
}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "-";
  const auto total = static_cast<long long>(std::llround(seconds));
  const long long hours = total / 3600, minutes = total / 60 % 60, secs = total % 60;
  char buffer[48];
  if (hours > 0) {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", hours, minutes, secs);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld", minutes, secs);
  }
  return buffer;
}

std::string format_loss(double loss) { return printf_string("%.1e", loss); }

std::string format_psnr(double psnr_db) { return printf_string("%.1f", psnr_db) + " dB"; }

std::string format_bytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? std::to_string(bytes) + " B" : printf_string("%.1f", value) + " " + units[unit];
}

std::string format_local_time(int64_t unix_ms) {
  if (unix_ms <= 0) return "-";
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &local);
  return buffer;
}

double job_elapsed_seconds(const v1::Job& job) {
  if (job.progress().elapsed_seconds() > 0) return job.progress().elapsed_seconds();
  if (job.started_unix_ms() <= 0) return -1;  // not started: unknown
  const int64_t end = job.finished_unix_ms() > 0
                          ? job.finished_unix_ms()
                          : std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count();
  return static_cast<double>(end - job.started_unix_ms()) / 1000.0;
}

std::string format_steps(const v1::Progress& progress) {
  std::string out = std::to_string(progress.step()) + "/" + std::to_string(progress.total_steps());
  if (progress.total_epochs() > 0)
    out += " (epoch " + std::to_string(progress.epoch()) + "/" + std::to_string(progress.total_epochs()) + ")";
  return out;
}

std::string format_figures(const v1::Progress& progress) {
  std::string out = "loss " + format_loss(progress.loss());
  // Images and videos are judged by PSNR; tasks without it (audio) by their MSE.
  if (auto psnr = progress.metrics().find("psnr"); psnr != progress.metrics().end()) {
    out += "  psnr " + format_psnr(psnr->second);
  } else if (auto mse = progress.metrics().find("mse"); mse != progress.metrics().end()) {
    out += "  mse " + format_loss(mse->second);
  }
  if (progress.steps_per_second() > 0) {
    out += "  " + printf_string(progress.steps_per_second() >= 10 ? "%.0f" : "%.1f",
                                progress.steps_per_second()) + " it/s";
  }
  if (progress.step() < progress.total_steps() && progress.steps_per_second() > 0) {
    out += "  ETA " + format_duration(progress.eta_seconds());
  }
  return out;
}

std::string format_spec_summary(const v1::FitSpec& spec) {
  const auto& m = spec.model();
  const auto& t = spec.train();
  auto or_preset = [](bool set, const std::string& value) { return set ? value : "preset"; };
  auto number = [](double value) { return printf_string("%g", value); };
  std::string activation = "preset";
  if (m.activation() != v1::ACTIVATION_UNSPECIFIED) {
    try {
      activation = to_string(wire::activation_from_proto(m.activation()));
    } catch (const std::exception&) {
      activation = "activation-" + std::to_string(static_cast<int>(m.activation()));
    }
  }
  std::string out = activation;
  out += ", width " + or_preset(m.has_hidden_features(), std::to_string(m.hidden_features()));
  out += ", hidden layers " + or_preset(m.has_hidden_layers(), std::to_string(m.hidden_layers()));
  out += ", w0 " + or_preset(m.has_first_omega0(), number(m.first_omega0())) + "/" +
         or_preset(m.has_hidden_omega0(), number(m.hidden_omega0()));
  if (m.has_pe_frequencies() && m.pe_frequencies() > 0) out += ", pe frequencies " + std::to_string(m.pe_frequencies());
  if (t.has_epochs() && t.epochs() > 0)
    out += "; epochs " + std::to_string(t.epochs());
  else
    out += "; steps " + or_preset(t.has_steps(), std::to_string(t.steps()));
  out += ", lr " + or_preset(t.has_learning_rate(), number(t.learning_rate()));
  if (t.has_optimizer() && !t.optimizer().empty()) out += ", " + t.optimizer();
  out += ", batch " + or_preset(t.has_batch_size(),
                                t.batch_size() == 0 ? "full" : std::to_string(t.batch_size()));
  out += ", seed " + or_preset(t.has_seed(), std::to_string(t.seed()));
  out += ", checkpoint every " +
         or_preset(t.has_checkpoint_every(), std::to_string(t.checkpoint_every()));
  if (t.has_clip_grad_norm() && t.clip_grad_norm() > 0) out += ", clip " + number(t.clip_grad_norm());
  for (const auto& [key, value] : spec.task_options()) out += "; " + key + " " + value;
  return out;
}

}  // namespace siren::cli
