#pragma once
// A training progress display on stderr. On a terminal: one line redrawn in place with \r,
//   [#######.....] 120/300  loss 3.1e-03  psnr 27.4 dB  1.6 it/s  ETA 1:52
// Elsewhere (a log file, CI): a plain line every tenth of the run or every 10 seconds, since \r
// redraws would make the log one enormous line.
#include <chrono>
#include <cstdio>
#include <string>

#include "siren/v1/jobs.pb.h"

namespace siren::cli {

class ProgressBar {
 public:
  // `interactive`: redraw in place (stderr is a terminal). See stderr_is_terminal().
  ProgressBar(std::FILE* out, bool interactive);
  ~ProgressBar();

  void update(const v1::Progress& progress);
  // Prints a message on its own line without tearing the bar (which is redrawn after it).
  void message(const std::string& line);
  // Leaves the bar's last state on screen and moves to a fresh line.
  void finish();

 private:
  void draw(const v1::Progress& progress);
  void erase();

  using Clock = std::chrono::steady_clock;
  std::FILE* out_;
  bool interactive_;
  bool visible_ = false;  // a bar is on the current line
  bool have_progress_ = false;
  v1::Progress last_;
  Clock::time_point last_draw_{};
  int64_t next_logged_step_ = 0;
  int64_t last_logged_step_ = -1;
};

bool stderr_is_terminal();

}  // namespace siren::cli
