#include "job_event_view.h"

#include "exit_codes.h"
#include "format.h"
#include "json_views.h"
#include "siren/wire/job_states.h"

namespace siren::cli {

JobEventView::JobEventView(const Output& output, const std::string& job_id) : output_(output) {
  job_.set_job_id(job_id);
  if (!output_.json()) bar_ = std::make_unique<ProgressBar>(stderr, stderr_is_terminal());
}

bool JobEventView::finished() const { return wire::ends_watch(job_.state()); }

void JobEventView::show(const v1::JobEvent& event) {
  job_ = event.job();
  if (job_.progress().elapsed_seconds() > 0) {
    last_elapsed_seconds_ = job_.progress().elapsed_seconds();
  } else if (last_elapsed_seconds_ > 0) {
    job_.mutable_progress()->set_elapsed_seconds(last_elapsed_seconds_);
  }
  if (output_.json()) {
    output_.json_line(event_json(event));
  } else {
    show_human(event);
  }
}

void JobEventView::show_preview(const std::string& path, int64_t step) {
  if (output_.json()) {
    output_.json_line(Json{{"preview", path}, {"step", step}});
  } else {
    bar_->message("preview of step " + std::to_string(step) + ": " + path);
  }
}

void JobEventView::show_human(const v1::JobEvent& event) {
  const v1::Job& job = event.job();
  // A job that has not measured anything yet reports step 0 with loss 0: nothing to draw.
  const bool has_progress = job.progress().total_steps() > 0 &&
                            (job.progress().loss() != 0 || job.progress().metrics_size() > 0);
  switch (event.type()) {
    case v1::JobEvent::TYPE_SNAPSHOT:
      if (job.state() == v1::JOB_STATE_QUEUED) bar_->message("job " + job.job_id() + " is queued");
      if (job.state() == v1::JOB_STATE_RUNNING && has_progress) bar_->update(job.progress());
      break;
    case v1::JobEvent::TYPE_QUEUED:
      bar_->message("job " + job.job_id() + " is queued");
      break;
    case v1::JobEvent::TYPE_STARTED:
      bar_->message("job " + job.job_id() + " started" +
                    (job.device().empty() ? "" : " on " + job.device()));
      break;
    case v1::JobEvent::TYPE_PROGRESS:
      bar_->update(job.progress());
      break;
    case v1::JobEvent::TYPE_CHECKPOINT_SAVED:
      bar_->message("checkpoint saved at step " + std::to_string(event.checkpoint_step()));
      break;
    default:  // terminal events: conclude() prints the summary
      if (has_progress) bar_->update(job.progress());
      if (!event.message().empty() && event.type() != v1::JobEvent::TYPE_FINISHED) {
        bar_->message(event.message());
      }
      break;
  }
}

int JobEventView::conclude() {
  const bool succeeded = job_.state() == v1::JOB_STATE_SUCCEEDED;
  if (output_.json()) {
    output_.json_line(result_json(job_));
  } else {
    bar_->finish();
    std::string line = "job " + job_.job_id() + " " + state_name(job_.state()) + " at step " +
                       format_steps(job_.progress()) + "  " +
                       "loss " + format_loss(job_.progress().loss());
    if (auto psnr = job_.progress().metrics().find("psnr");
        psnr != job_.progress().metrics().end()) {
      line += "  psnr " + format_psnr(psnr->second);
    }
    line += "  in " + format_duration(job_elapsed_seconds(job_));
    output_.text(line);
    if (!job_.model_id().empty()) {
      output_.text((succeeded ? "model " : "model (last checkpoint) ") + job_.model_id());
    }
    if (!job_.error().empty()) print_error(job_.error());
    if (job_.state() == v1::JOB_STATE_PAUSED) {
      output_.note("continue it with: siren resume " + job_.job_id() + "   (then: siren watch " + job_.job_id() + ")");
    }
  }
  return succeeded ? kExitSuccess : kExitFailure;
}

int JobEventView::conclude_detached(const std::string& reattach) {
  if (output_.json()) {
    Json result = result_json(job_);
    result["detached"] = true;
    output_.json_line(result);
  } else {
    bar_->finish();
    output_.note("detached from job " + job_.job_id() + " (" + state_name(job_.state()) +
                 "); it keeps running on the server. Re-attach with: " + reattach +
                 "   (stop it with: siren cancel " + job_.job_id() + ")");
  }
  return kExitDetached;
}

int JobEventView::conclude_broken(const std::string& error) {
  if (bar_) bar_->finish();
  if (output_.json()) {
    Json result = result_json(job_, error);
    if (job_.state() == v1::JOB_STATE_UNSPECIFIED) result["state"] = "unknown";
    output_.json_line(result);
  }
  print_error(error);
  return kExitFailure;
}

}  // namespace siren::cli
