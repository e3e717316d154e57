#include "siren/io/matlab.h"

#include <matio.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "siren/errors.h"

namespace siren {
namespace {

// libmatio opens files by name only: the bytes go to a private temporary file for the read.
class TemporaryFile {
 public:
  explicit TemporaryFile(const std::string& bytes) {
    std::string pattern = (std::filesystem::temp_directory_path() / "siren-mat-XXXXXX").string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for a .mat read");
    path_ = pattern;
    size_t written = 0;
    while (written < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
      if (n <= 0) {
        ::close(fd);
        std::filesystem::remove(path_);
        throw std::runtime_error("cannot write a temporary file for a .mat read");
      }
      written += static_cast<size_t>(n);
    }
    ::close(fd);
  }
  ~TemporaryFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// libmatio reports problems by logging them (to stderr by default); we report them as exceptions instead.
void quiet_log(int, char*) {}

struct MatCloser {
  void operator()(mat_t* mat) const { Mat_Close(mat); }
};
struct VarFreer {
  void operator()(matvar_t* var) const { Mat_VarFree(var); }
};
using MatFile = std::unique_ptr<mat_t, MatCloser>;
using MatVar = std::unique_ptr<matvar_t, VarFreer>;

// A 2-D numeric variable as doubles, column-major as MATLAB stores it.
struct Matrix {
  size_t rows = 0, cols = 0;
  std::vector<double> re, im;  // im empty for real data
  double at(size_t r, size_t c) const { return re[c * rows + r]; }
  double imag_at(size_t r, size_t c) const { return im.empty() ? 0.0 : im[c * rows + r]; }
};

std::string shape_text(const matvar_t& var) {
  std::string text;
  for (int d = 0; d < var.rank; ++d) text += (d ? " x " : "") + std::to_string(var.dims[d]);
  return text.empty() ? "no dimensions" : text;
}

void copy_numbers(const void* data, enum matio_types type, size_t count, std::vector<double>& out,
                  const std::string& name) {
  out.resize(count);
  if (data == nullptr && count > 0) throw InvalidInput("the .mat variable \"" + name + "\" has no data (a truncated file?)");
  if (type == MAT_T_DOUBLE) {
    const auto* v = static_cast<const double*>(data);
    out.assign(v, v + count);
  } else if (type == MAT_T_SINGLE) {
    const auto* v = static_cast<const float*>(data);
    for (size_t i = 0; i < count; ++i) out[i] = v[i];
  } else {
    throw InvalidInput("the .mat variable \"" + name + "\" must hold double or single precision numbers");
  }
  for (double x : out)
    if (!std::isfinite(x)) throw InvalidInput("the .mat variable \"" + name + "\" holds a non-finite value");
}

Matrix read_matrix(mat_t* mat, const std::string& name, const std::string& expected) {
  MatVar var(Mat_VarRead(mat, name.c_str()));
  if (!var)
    throw InvalidInput("the .mat file has no readable variable \"" + name + "\": missing, or the file is truncated or "
                       "corrupt (expected " + expected + "; the reference's data_cylinder_5.mat holds source, receivers and rec_val)");
  if (var->class_type != MAT_C_DOUBLE && var->class_type != MAT_C_SINGLE)
    throw InvalidInput("the .mat variable \"" + name + "\" must be a numeric (double or single) matrix, " + expected);
  if (var->rank != 2)
    throw InvalidInput("the .mat variable \"" + name + "\" must be " + expected + ", got " + shape_text(*var));
  Matrix m;
  m.rows = var->dims[0];
  m.cols = var->dims[1];
  const size_t count = m.rows * m.cols;
  if (var->isComplex) {
    const auto* split = static_cast<const mat_complex_split_t*>(var->data);
    if (split == nullptr) throw InvalidInput("the .mat variable \"" + name + "\" has no data (a truncated file?)");
    copy_numbers(split->Re, var->data_type, count, m.re, name);
    copy_numbers(split->Im, var->data_type, count, m.im, name);
  } else {
    copy_numbers(var->data, var->data_type, count, m.re, name);
  }
  return m;
}

std::vector<std::array<double, 2>> read_points(mat_t* mat, const std::string& name, size_t max_count) {
  const Matrix m = read_matrix(mat, name, "an N x 2 real matrix of (x, y) in [-1,1]");
  if (m.cols != 2 || m.rows == 0 || !m.im.empty())
    throw InvalidInput("the .mat variable \"" + name + "\" must be an N x 2 real matrix of (x, y), got " +
                       std::to_string(m.rows) + " x " + std::to_string(m.cols) + (m.im.empty() ? "" : " complex"));
  if (m.rows > max_count)
    throw InvalidInput("the .mat variable \"" + name + "\" has " + std::to_string(m.rows) + " rows; at most " +
                       std::to_string(max_count) + " are supported");
  std::vector<std::array<double, 2>> points(m.rows);
  for (size_t r = 0; r < m.rows; ++r) {
    points[r] = {m.at(r, 0), m.at(r, 1)};
    if (std::abs(points[r][0]) > 1 || std::abs(points[r][1]) > 1)
      throw InvalidInput("the .mat variable \"" + name + "\" row " + std::to_string(r + 1) + " (" +
                         std::to_string(points[r][0]) + ", " + std::to_string(points[r][1]) +
                         ") lies outside the domain [-1,1]^2");
  }
  return points;
}

}  // namespace

ReceiverData read_receiver_data_mat(const std::string& bytes) {
  if (bytes.empty()) throw InvalidInput("the receiver data is empty: expected a MATLAB .mat file");
  Mat_LogInitFunc("siren", quiet_log);
  const TemporaryFile file(bytes);
  MatFile mat(Mat_Open(file.path().c_str(), MAT_ACC_RDONLY));
  if (!mat) throw InvalidInput("the receiver data is not a readable MATLAB .mat file (" + std::to_string(bytes.size()) + " bytes)");
  ReceiverData data;
  data.sources = read_points(mat.get(), "source", kMaxReceiverDataSources);
  data.receivers = read_points(mat.get(), "receivers", kMaxReceiverDataReceivers);
  const size_t s = data.sources.size(), r = data.receivers.size();
  const std::string expected = "a receivers x sources (" + std::to_string(r) + " x " + std::to_string(s) + ") matrix";
  const Matrix values = read_matrix(mat.get(), "rec_val", expected);
  if (values.rows != r || values.cols != s)
    throw InvalidInput("the .mat variable \"rec_val\" must be " + expected + ", got " + std::to_string(values.rows) +
                       " x " + std::to_string(values.cols));
  data.values.resize(r * s);
  for (size_t i = 0; i < r; ++i)
    for (size_t j = 0; j < s; ++j) data.values[i * s + j] = {values.at(i, j), values.imag_at(i, j)};
  return data;
}

}  // namespace siren
