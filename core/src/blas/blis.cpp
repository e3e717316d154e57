#include "siren/blas/blis.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace siren::blas {
namespace {

// BLIS's typed API (blis.h, 0.9): dim_t and inc_t are 64-bit integers, trans_t an enum whose
// BLIS_NO_TRANSPOSE is 0. Declared here so that building needs no libblis-dev.
using Sgemm = void (*)(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float* alpha, const float* a,
                       int64_t rs_a, int64_t cs_a, const float* b, int64_t rs_b, int64_t cs_b, const float* beta,
                       float* c, int64_t rs_c, int64_t cs_c);
using SetThreads = void (*)(int64_t);
using SetWays = void (*)(int64_t jc, int64_t pc, int64_t ic, int64_t jr, int64_t ir);
using VersionString = const char* (*)();
using ArchId = int (*)();
using ArchName = const char* (*)(int);
constexpr int kNoTranspose = 0;

struct Blis {
  Sgemm sgemm = nullptr;
  SetThreads set_threads = nullptr;
  SetWays set_ways = nullptr;
  std::string description;
};

Blis open_blis() {
  Blis blis;
  if (const char* choice = std::getenv("SIREN_CPU_GEMM"); choice && std::strcmp(choice, "torch") == 0) {
    blis.description = "torch (SIREN_CPU_GEMM=torch)";
    return blis;
  }
  void* handle = ::dlopen("libblis.so.4", RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    blis.description = "torch (libblis.so.4 not found)";
    return blis;
  }
  blis.sgemm = reinterpret_cast<Sgemm>(::dlsym(handle, "bli_sgemm"));
  blis.set_threads = reinterpret_cast<SetThreads>(::dlsym(handle, "bli_thread_set_num_threads"));
  blis.set_ways = reinterpret_cast<SetWays>(::dlsym(handle, "bli_thread_set_ways"));
  if (!blis.sgemm) {
    blis.description = "torch (libblis.so.4 has no bli_sgemm)";
    return blis;
  }
  blis.description = "blis";
  if (auto version = reinterpret_cast<VersionString>(::dlsym(handle, "bli_info_get_version_str")))
    blis.description += std::string(" ") + version();
  auto arch_id = reinterpret_cast<ArchId>(::dlsym(handle, "bli_arch_query_id"));
  auto arch_name = reinterpret_cast<ArchName>(::dlsym(handle, "bli_arch_string"));
  if (arch_id && arch_name) blis.description += std::string(" (") + arch_name(arch_id()) + ")";
  return blis;
}

const Blis& blis() {
  static const Blis instance = open_blis();  // BLIS reads BLIS_ARCH_TYPE here, at its first call
  return instance;
}

}  // namespace

bool blis_enabled() { return blis().sgemm != nullptr; }

std::string cpu_gemm_description() { return blis().description; }

// Every thread on the IC loop (rows of C: the points), unless the user chose a split (BLIS_*_NT). Left
// to itself BLIS 0.9 splits a (points x 256) product's 256 columns between two threads on Zen 3, which
// made a 2^20-point query 40% slower than with the rows split (bench/RESULTS.md).
void set_blis_threads(int threads) {
  for (const char* loop : {"BLIS_JC_NT", "BLIS_PC_NT", "BLIS_IC_NT", "BLIS_JR_NT", "BLIS_IR_NT"})
    if (std::getenv(loop)) {
      if (blis().set_threads) blis().set_threads(threads);
      return;
    }
  if (blis().set_ways) blis().set_ways(1, 1, threads, 1, 1);
  else if (blis().set_threads) blis().set_threads(threads);
}

void sgemm(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t a_row_stride, int64_t a_col_stride,
           const float* b, int64_t b_row_stride, int64_t b_col_stride, float beta, float* c, int64_t c_row_stride,
           int64_t c_col_stride) {
  if (!blis().sgemm) throw std::logic_error("siren::blas::sgemm called without BLIS");
  blis().sgemm(kNoTranspose, kNoTranspose, m, n, k, &alpha, a, a_row_stride, a_col_stride, b, b_row_stride,
               b_col_stride, &beta, c, c_row_stride, c_col_stride);
}

}  // namespace siren::blas
