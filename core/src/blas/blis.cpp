#include "siren/blas/blis.h"

#include <cpuid.h>
#include <dlfcn.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>

namespace siren::blas {
namespace {

// BLIS's typed API (blis.h, 0.9): dim_t and inc_t are 64-bit integers, trans_t an enum whose
// BLIS_NO_TRANSPOSE is 0. Declared here so that building needs no libblis-dev.
using Sgemm = void (*)(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float* alpha, const float* a,
                       int64_t rs_a, int64_t cs_a, const float* b, int64_t rs_b, int64_t cs_b, const float* beta,
                       float* c, int64_t rs_c, int64_t cs_c);
using SetThreads = void (*)(int64_t);
using GetCount = int64_t (*)();
using SetWays = void (*)(int64_t jc, int64_t pc, int64_t ic, int64_t jr, int64_t ir);
using VersionString = const char* (*)();
using ArchId = int (*)();
using ArchName = const char* (*)(int);
constexpr int kNoTranspose = 0;

// BLIS 0.9's rntm_t (bli_type_defs.h): how one call is parallelised. bli_sgemm_ex takes one per call, which
// is how two threads' GEMMs run with different counts; bli_thread_set_* only change the process's copy.
struct Rntm {
  bool auto_factor;
  int64_t num_threads;
  int64_t ways[6];  // thrloop, indexed by bszid_t: KR (the "pr" loop), MR (ir), NR (jr), MC (ic), KC (pc), NC (jc)
  bool pack_a, pack_b, l3_sup;
  void* sba_pool;
  void* pba;
};
static_assert(sizeof(Rntm) == 88, "BLIS 0.9's rntm_t on a 64-bit ABI");
enum Loop { kPr = 0, kIr, kJr, kIc, kPc, kJc };

using SgemmEx = void (*)(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float* alpha, const float* a,
                         int64_t rs_a, int64_t cs_a, const float* b, int64_t rs_b, int64_t cs_b, const float* beta,
                         float* c, int64_t rs_c, int64_t cs_c, void* cntx, Rntm* rntm);
using RntmInitFromGlobal = void (*)(void* rntm);

struct Blis {
  Sgemm sgemm = nullptr;
  SetThreads set_threads = nullptr;
  SetWays set_ways = nullptr;
  SgemmEx sgemm_ex = nullptr;                      // null when per-thread counts are not supported
  RntmInitFromGlobal rntm_init_from_global = nullptr;
  std::string description;
};

// A copy of the process's runtime object must fill exactly sizeof(Rntm) bytes and say what BLIS's getters
// say: otherwise this BLIS's rntm_t is not the one declared above, and siren does not hand it any.
bool rntm_layout_matches(void* handle, RntmInitFromGlobal init_from_global) {
  auto num_threads = reinterpret_cast<GetCount>(::dlsym(handle, "bli_thread_get_num_threads"));
  auto jc = reinterpret_cast<GetCount>(::dlsym(handle, "bli_thread_get_jc_nt"));
  auto ic = reinterpret_cast<GetCount>(::dlsym(handle, "bli_thread_get_ic_nt"));
  if (!init_from_global || !num_threads || !jc || !ic) return false;
  constexpr unsigned char kFill = 0xA5;
  alignas(Rntm) unsigned char bytes[2 * sizeof(Rntm)];
  std::memset(bytes, kFill, sizeof bytes);
  init_from_global(bytes);
  for (size_t i = sizeof(Rntm); i < sizeof bytes; ++i)
    if (bytes[i] != kFill) return false;
  Rntm rntm;
  std::memcpy(&rntm, bytes, sizeof rntm);
  auto is_bool = [&](size_t offset) { return bytes[offset] <= 1; };
  return is_bool(offsetof(Rntm, auto_factor)) && is_bool(offsetof(Rntm, pack_a)) && is_bool(offsetof(Rntm, pack_b)) &&
         is_bool(offsetof(Rntm, l3_sup)) && rntm.sba_pool == nullptr && rntm.pba == nullptr &&
         rntm.num_threads == num_threads() && rntm.ways[kJc] == jc() && rntm.ways[kIc] == ic();
}

// cpuid leaf 0's vendor string: "GenuineIntel", "AuthenticAMD", ... ("" where there is no cpuid).
std::string cpu_vendor() {
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx)) return "";
  char vendor[13] = {};
  std::memcpy(vendor, &ebx, 4);
  std::memcpy(vendor + 4, &edx, 4);
  std::memcpy(vendor + 8, &ecx, 4);
  return vendor;
}

Blis open_blis() {
  Blis blis;
  const char* env = std::getenv("SIREN_CPU_GEMM");
  const std::string vendor = cpu_vendor();
  if (choose_cpu_gemm(env, vendor) == CpuGemm::kTorch) {
    blis.description = env && std::strcmp(env, "torch") == 0
                           ? "torch (SIREN_CPU_GEMM=torch)"
                           : "torch (MKL, on this " + vendor + " CPU; SIREN_CPU_GEMM=blis for BLIS)";
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
  auto sgemm_ex = reinterpret_cast<SgemmEx>(::dlsym(handle, "bli_sgemm_ex"));
  auto init_from_global = reinterpret_cast<RntmInitFromGlobal>(::dlsym(handle, "bli_rntm_init_from_global"));
  if (sgemm_ex && rntm_layout_matches(handle, init_from_global)) {
    blis.sgemm_ex = sgemm_ex;
    blis.rntm_init_from_global = init_from_global;
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

CpuGemm choose_cpu_gemm(const char* env_choice, const std::string& cpu_vendor) {
  const std::string choice = env_choice ? env_choice : "auto";
  if (choice == "torch") return CpuGemm::kTorch;
  if (choice == "blis") return CpuGemm::kBlis;
  return cpu_vendor == "GenuineIntel" ? CpuGemm::kTorch : CpuGemm::kBlis;  // "auto", or a value not understood
}

bool blis_enabled() { return blis().sgemm != nullptr; }

std::string cpu_gemm_description() { return blis().description; }

namespace {

bool user_chose_split() {
  for (const char* loop : {"BLIS_JC_NT", "BLIS_PC_NT", "BLIS_IC_NT", "BLIS_JR_NT", "BLIS_IR_NT"})
    if (std::getenv(loop)) return true;
  return false;
}

// The calling thread's runtime object (set_this_thread_blis_threads), if it has one.
thread_local std::optional<Rntm> this_thread_rntm;

}  // namespace

// Every thread on the IC loop (rows of C: the points), unless the user chose a split (BLIS_*_NT). Left
// to itself BLIS 0.9 splits a (points x 256) product's 256 columns between two threads on Zen 3, which
// made a 2^20-point query 40% slower than with the rows split (bench/RESULTS.md).
void set_blis_threads(int threads) {
  if (user_chose_split()) {
    if (blis().set_threads) blis().set_threads(threads);
    return;
  }
  if (blis().set_ways) blis().set_ways(1, 1, threads, 1, 1);
  else if (blis().set_threads) blis().set_threads(threads);
}

// The process's runtime object with set_blis_threads(threads) applied to it, for this thread's calls.
void set_this_thread_blis_threads(int threads) {
  if (threads <= 0 || !blis().sgemm_ex) {
    this_thread_rntm.reset();
    return;
  }
  Rntm rntm;
  blis().rntm_init_from_global(&rntm);
  // bli_sgemm (no runtime object) always tries the small-matrix ("sup") kernels first, but the process's
  // runtime object, as BLIS's environment setup leaves it, says l3_sup = false: copied as it is, a call
  // would skip them and round differently from the same product on another thread.
  rntm.l3_sup = true;
  if (user_chose_split()) {
    rntm.num_threads = threads;
  } else {
    rntm.ways[kJc] = rntm.ways[kPc] = rntm.ways[kJr] = rntm.ways[kIr] = rntm.ways[kPr] = 1;
    rntm.ways[kIc] = threads;
  }
  this_thread_rntm = rntm;
}

bool blis_per_thread_counts() { return blis().sgemm_ex != nullptr; }

void sgemm(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t a_row_stride, int64_t a_col_stride,
           const float* b, int64_t b_row_stride, int64_t b_col_stride, float beta, float* c, int64_t c_row_stride,
           int64_t c_col_stride) {
  if (!blis().sgemm) throw std::logic_error("siren::blas::sgemm called without BLIS");
  if (this_thread_rntm) {
    Rntm rntm = *this_thread_rntm;  // BLIS copies it too; a copy keeps ours untouched whatever it does
    blis().sgemm_ex(kNoTranspose, kNoTranspose, m, n, k, &alpha, a, a_row_stride, a_col_stride, b, b_row_stride,
                    b_col_stride, &beta, c, c_row_stride, c_col_stride, /*cntx=*/nullptr, &rntm);
    return;
  }
  blis().sgemm(kNoTranspose, kNoTranspose, m, n, k, &alpha, a, a_row_stride, a_col_stride, b, b_row_stride,
               b_col_stride, &beta, c, c_row_stride, c_col_stride);
}

void sgemm_on_this_thread(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t a_row_stride,
                          int64_t a_col_stride, const float* b, int64_t b_row_stride, int64_t b_col_stride, float beta,
                          float* c, int64_t c_row_stride, int64_t c_col_stride) {
  if (!blis().sgemm) throw std::logic_error("siren::blas::sgemm_on_this_thread called without BLIS");
  if (!blis().sgemm_ex) {  // a BLIS whose runtime object siren does not know: its own thread count
    blis().sgemm(kNoTranspose, kNoTranspose, m, n, k, &alpha, a, a_row_stride, a_col_stride, b, b_row_stride,
                 b_col_stride, &beta, c, c_row_stride, c_col_stride);
    return;
  }
  thread_local const Rntm one_thread = [] {
    Rntm rntm;
    blis().rntm_init_from_global(&rntm);
    rntm.l3_sup = true;  // as set_this_thread_blis_threads: the small-matrix kernels, as bli_sgemm
    rntm.num_threads = 1;
    for (auto& ways : rntm.ways) ways = 1;
    return rntm;
  }();
  Rntm rntm = one_thread;
  blis().sgemm_ex(kNoTranspose, kNoTranspose, m, n, k, &alpha, a, a_row_stride, a_col_stride, b, b_row_stride,
                  b_col_stride, &beta, c, c_row_stride, c_col_stride, /*cntx=*/nullptr, &rntm);
}

}  // namespace siren::blas
