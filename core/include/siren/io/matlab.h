#pragma once
// MATLAB .mat files (v4, v5, and v7.3 where libmatio has HDF5) through libmatio, for the inverse
// Helmholtz task's receiver data: the reference's experiment_scripts/train_inverse_helmholtz.py reads
// fwi/data_cylinder_5.mat with scipy.io.loadmat. No LibTorch here.
#include <array>
#include <complex>
#include <string>
#include <vector>

namespace siren {

// Measurements of a wave experiment: the wavefield of each source recorded at every receiver.
// Coordinates are in the fit's domain [-1,1]^2.
struct ReceiverData {
  std::vector<std::array<double, 2>> sources;    // the .mat's "source": S x 2
  std::vector<std::array<double, 2>> receivers;  // "receivers": R x 2
  std::vector<std::complex<double>> values;      // "rec_val": R x S (row-major here: receiver r, source s)

  size_t source_count() const { return sources.size(); }
  size_t receiver_count() const { return receivers.size(); }
  std::complex<double> value(size_t receiver, size_t source) const { return values[receiver * sources.size() + source]; }
};

constexpr size_t kMaxReceiverDataSources = 64;       // the network has 2 outputs per source
constexpr size_t kMaxReceiverDataReceivers = 100000;

// The bytes of a .mat file holding the numeric variables source (S x 2), receivers (R x 2) and rec_val
// (R x S, complex or real; a real one has no imaginary part), in double or single precision. Throws
// InvalidInput for bytes that are not a .mat file, a missing variable, or a variable of another type
// or shape, naming what was expected and what was found; also for non-finite values and for
// coordinates outside [-1,1].
ReceiverData read_receiver_data_mat(const std::string& bytes);

}  // namespace siren
