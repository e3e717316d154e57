#pragma once
// Query points from a text file (or stdin): one point per line, `in_features` numbers separated by
// commas and/or whitespace; `#` starts a comment; blank lines are skipped. Read in chunks, so a
// file of millions of points never sits in memory at once.
#include <cstddef>
#include <fstream>
#include <istream>
#include <string>
#include <vector>

namespace siren::cli {

class CoordsReader {
 public:
  // `path` "-" reads stdin. Throws CommandError if the file cannot be opened.
  CoordsReader(const std::string& path, int in_features);

  // Appends up to `max_points` points (in_features floats each) to `coords`; returns how many were
  // read, 0 at the end. Throws CommandError naming the line for a malformed one.
  size_t read(size_t max_points, std::vector<float>& coords);

 private:
  std::string name_;
  int in_features_;
  std::ifstream file_;
  std::istream* in_;
  size_t line_number_ = 0;
};

// Parses one line into `out` (cleared first): false for a blank/comment-only line. Throws
// CommandError (without a line number) for a token that is not a finite number.
bool parse_coords_line(const std::string& line, std::vector<float>& out);

}  // namespace siren::cli
