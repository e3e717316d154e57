#pragma once
// A plain-text table with left-aligned, padded columns (for `jobs` and `models`).
#include <string>
#include <vector>

namespace siren::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void add_row(std::vector<std::string> cells);
  std::string render() const;  // header line + one line per row, no trailing newline

 private:
  std::vector<std::vector<std::string>> rows_;  // rows_[0] = headers
};

}  // namespace siren::cli
