# LibTorch comes from the PyTorch wheel (pinned in scripts/install-deps.sh; the GPU machines run the same
# 2.11.0+cu130), never from Debian's CPU-only libtorch-dev 1.13. The wheel ships TorchConfig.cmake under
# torch.utils.cmake_prefix_path: ask the Python that has it. SIREN_TORCH_PYTHON picks that Python; by
# default the virtual environment install-deps.sh makes, else the python3 on PATH (a GPU machine's own).
set(SIREN_TORCH_VENV_DEFAULT "$ENV{HOME}/.local/share/siren/torch-2.11.0")
if(DEFINED ENV{SIREN_TORCH_PYTHON})
  set(_siren_torch_python_default "$ENV{SIREN_TORCH_PYTHON}")
elseif(EXISTS "${SIREN_TORCH_VENV_DEFAULT}/bin/python")
  set(_siren_torch_python_default "${SIREN_TORCH_VENV_DEFAULT}/bin/python")
else()
  find_program(_siren_python3 python3)
  set(_siren_torch_python_default "${_siren_python3}")
endif()
set(SIREN_TORCH_PYTHON "${_siren_torch_python_default}" CACHE FILEPATH
    "The Python whose torch package provides LibTorch (and runs bench/pytorch_eager.py)")

if(NOT Torch_DIR AND NOT SIREN_FUZZ)  # the fuzz build is torch-free
  execute_process(
    COMMAND "${SIREN_TORCH_PYTHON}" -c "import torch, torch.utils; print(torch.utils.cmake_prefix_path)"
    OUTPUT_VARIABLE _siren_torch_prefix OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _siren_torch_found ERROR_QUIET)
  if(NOT _siren_torch_found EQUAL 0)
    message(FATAL_ERROR "siren: ${SIREN_TORCH_PYTHON} cannot import torch. Run scripts/install-deps.sh (it "
                        "installs PyTorch 2.11.0 into ${SIREN_TORCH_VENV_DEFAULT}), or pass "
                        "-DSIREN_TORCH_PYTHON=/path/to/python with torch installed, or -DTorch_DIR=.../share/cmake/Torch.")
  endif()
  list(APPEND CMAKE_PREFIX_PATH "${_siren_torch_prefix}")
endif()

# CUDA whenever a CUDA compiler is present: kernels for Ampere (sm_80) and Hopper (sm_90) as machine code,
# plus sm_90 PTX that newer GPUs compile at load time. The wheel's LibTorch needs an nvcc of its own CUDA
# major version (13 for torch 2.11). Torch's CMake takes its architectures from TORCH_CUDA_ARCH_LIST and
# resets CMAKE_CUDA_ARCHITECTURES if it is already set, so the CUDA language is enabled after it.
option(SIREN_CUDA "Build the CUDA kernels and the GPU tests when a CUDA compiler is found" ON)
set(SIREN_HAVE_CUDA OFF)
if(SIREN_CUDA AND NOT SIREN_FUZZ)
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    set(SIREN_HAVE_CUDA ON)
    if(NOT DEFINED TORCH_CUDA_ARCH_LIST AND NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
      set(TORCH_CUDA_ARCH_LIST "8.0;9.0+PTX")
    endif()
  endif()
endif()

# The wheel's include directory also carries the headers of libraries it bundles (protobuf, fmt, SLEEF), of
# other versions than the Debian packages siren links (protobuf 3.21 with gRPC, fmt 9 with spdlog,
# SLEEF 3.5). Its -isystem path would shadow theirs, so a directory of links to the system's copies is put
# in front of every include path.
function(siren_prefer_system_headers_over_torchs)
  set(first "${CMAKE_BINARY_DIR}/system-headers-first")
  file(MAKE_DIRECTORY "${first}")
  foreach(entry google fmt sleef.h)
    if(EXISTS "/usr/include/${entry}" AND NOT EXISTS "${first}/${entry}")
      file(CREATE_LINK "/usr/include/${entry}" "${first}/${entry}" SYMBOLIC)
    endif()
  endforeach()
  include_directories(BEFORE "${first}")
endfunction()

if(NOT SIREN_FUZZ)
  find_package(Torch REQUIRED)
  execute_process(
    COMMAND "${SIREN_TORCH_PYTHON}" -c "import torch; print(torch.__version__)"
    OUTPUT_VARIABLE SIREN_TORCH_VERSION OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT SIREN_TORCH_VERSION)
    set(SIREN_TORCH_VERSION "${Torch_VERSION}")
  endif()
  siren_prefer_system_headers_over_torchs()
  # The wheel's libtorch.so exports its own statically linked std::filesystem (64 symbols, from the GCC 13
  # it was built with); linked before libstdc++, it would be the copy every executable calls, and its
  # remove_all jumps to a null address. libstdc++ first in each executable's needed libraries makes the
  # dynamic linker resolve the standard library to the system's. The shared library by its file name: a
  # toolchain that links libstdc++ statically (the H200 machines' /opt/gcc) resolves a plain -lstdc++ to
  # its archive, which at the front of the link contributes nothing, and libtorch's copy won again there.
  add_link_options("SHELL:-Wl,--push-state,--no-as-needed -l:libstdc++.so.6 -Wl,--pop-state")
  add_compile_definitions(SIREN_TORCH_PYTHON="${SIREN_TORCH_PYTHON}")  # bench/eager_baseline.cpp runs it
  if(SIREN_HAVE_CUDA)
    enable_language(CUDA)
    if(NOT SIREN_CUDA_ARCHITECTURES)
      set(SIREN_CUDA_ARCHITECTURES "80-real;90")
    endif()
    set(CMAKE_CUDA_ARCHITECTURES "${SIREN_CUDA_ARCHITECTURES}")
    set(CMAKE_CUDA_STANDARD 17)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    message(STATUS "siren: CUDA enabled: nvcc ${CMAKE_CUDA_COMPILER_VERSION} (${CMAKE_CUDA_COMPILER}), "
                   "architectures ${CMAKE_CUDA_ARCHITECTURES}; LibTorch ${SIREN_TORCH_VERSION}")
  else()
    message(STATUS "siren: CUDA disabled (no CUDA compiler found, or -DSIREN_CUDA=OFF); "
                   "LibTorch ${SIREN_TORCH_VERSION}")
  endif()
endif()
