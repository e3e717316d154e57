#pragma once
// BLIS's single-precision GEMM, reached at run time (dlopen of Debian's libblis.so.4, RTLD_LOCAL). The
// PyTorch wheel's LibTorch has Intel MKL built in and exports MKL's BLAS symbols; BLIS is opened
// privately so the two never interpose each other, and siren calls BLIS by its own API (bli_sgemm).
// Why at all: on AMD CPUs MKL's SGEMM runs its generic AVX2 path, about half of BLIS's speed on the
// (points x 256) x (256 x 256) products a SIREN step is made of (bench/RESULTS.md); on Intel CPUs MKL is
// the faster, and siren leaves the products to it (choose_cpu_gemm). No LibTorch here.
#include <cstdint>
#include <string>

namespace siren::blas {

enum class CpuGemm { kBlis, kTorch };
// Where siren's CPU GEMMs go, from SIREN_CPU_GEMM (blis | torch | auto; unset or not understood: auto) and
// the CPU's cpuid vendor. auto: LibTorch's (the wheel's MKL) on Intel CPUs, where MKL runs its own AVX-512
// kernels (on a Xeon, image steps 1.0-1.7x and SDF, Poisson and query 1.1-1.4x faster than on BLIS 0.9's
// skx kernels: bench/RESULTS.md); BLIS on every other CPU (MKL takes a generic path on AMD's).
CpuGemm choose_cpu_gemm(const char* env_choice, const std::string& cpu_vendor);

// BLIS was chosen (choose_cpu_gemm), found, and siren's CPU GEMMs go to it. False when LibTorch's own
// GEMMs were chosen, or libblis.so.4 cannot be opened.
bool blis_enabled();
// "blis 0.9.0 (zen3)", "torch (SIREN_CPU_GEMM=torch)", "torch (MKL, on this GenuineIntel CPU; ...)" or
// "torch (libblis.so.4 not found)".
std::string cpu_gemm_description();
// Sets BLIS's thread count (BLIS ignores LibTorch's). No-op without BLIS.
void set_blis_threads(int threads);
// The count of the GEMMs the calling thread starts, whatever the process-wide one (BLIS 0.9 keeps one
// for the process; siren then hands each call a runtime object of its own). 0 = the process's count.
void set_this_thread_blis_threads(int threads);
// Whether BLIS takes per-thread counts here (its runtime object has the layout siren knows).
bool blis_per_thread_counts();

// C = alpha·A·B + beta·C with A (m x k), B (k x n), C (m x n) given by element strides (row stride,
// column stride), so transposed views need no copy. beta = 0 ignores C's contents. Requires blis_enabled().
void sgemm(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t a_row_stride,
           int64_t a_col_stride, const float* b, int64_t b_row_stride, int64_t b_col_stride, float beta, float* c,
           int64_t c_row_stride, int64_t c_col_stride);

// The same on the calling thread alone, whatever the thread's or the process's count: for callers that
// split their own work between threads (many small products at once, linear.h's batched ones).
void sgemm_on_this_thread(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t a_row_stride,
                          int64_t a_col_stride, const float* b, int64_t b_row_stride, int64_t b_col_stride, float beta,
                          float* c, int64_t c_row_stride, int64_t c_col_stride);

}  // namespace siren::blas
