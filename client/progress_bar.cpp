#include "progress_bar.h"

#include <unistd.h>

#include <algorithm>

#include "format.h"

namespace siren::cli {

namespace {
constexpr int kBarWidth = 30;
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
constexpr auto kLogInterval = std::chrono::seconds(10);

std::string bar_text(const v1::Progress& p) {
  const double fraction =
      p.total_steps() > 0 ? std::clamp(double(p.step()) / double(p.total_steps()), 0.0, 1.0) : 0.0;
  const int filled = static_cast<int>(fraction * kBarWidth);
  return "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "] " +
         format_steps(p) + "  " + format_figures(p);
}
}  // namespace

bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

ProgressBar::ProgressBar(std::FILE* out, bool interactive) : out_(out), interactive_(interactive) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(const v1::Progress& progress) {
  last_ = progress;
  have_progress_ = true;
  const auto now = Clock::now();
  const bool last_step = progress.step() >= progress.total_steps();
  // A terminal event repeats the last progress: never draw the same step twice.
  if (progress.step() == last_logged_step_ && (visible_ || !interactive_)) return;
  if (interactive_) {
    if (last_step || now - last_draw_ >= kRedrawInterval) draw(progress);
    return;
  }
  // Log mode: a line at each tenth of the run (or every 10 s for slow fits), and the last step.
  if (progress.step() >= next_logged_step_ || last_step || now - last_draw_ >= kLogInterval) {
    draw(progress);
    const int64_t tenth = std::max<int64_t>(1, progress.total_steps() / 10);
    next_logged_step_ = (progress.step() / tenth + 1) * tenth;
  }
}

void ProgressBar::draw(const v1::Progress& progress) {
  last_draw_ = Clock::now();
  last_logged_step_ = progress.step();
  if (interactive_) {
    // \r + clear-to-end-of-line, so a shorter line leaves no residue of the previous one.
    std::fprintf(out_, "\r%s\033[K", bar_text(progress).c_str());
    visible_ = true;
  } else {
    std::fprintf(out_, "step %s  %s\n", format_steps(progress).c_str(),
                 format_figures(progress).c_str());
  }
  std::fflush(out_);
}

void ProgressBar::erase() {
  if (visible_) std::fprintf(out_, "\r\033[K");
  visible_ = false;
}

void ProgressBar::message(const std::string& line) {
  erase();
  std::fprintf(out_, "%s\n", line.c_str());
  if (interactive_ && have_progress_) draw(last_);
  std::fflush(out_);
}

void ProgressBar::finish() {
  if (visible_) {
    if (last_.step() != last_logged_step_) draw(last_);  // the final figures, not a throttled frame
    std::fputc('\n', out_);
    std::fflush(out_);
  }
  visible_ = false;
}

}  // namespace siren::cli
