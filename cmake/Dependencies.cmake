# Every dependency but LibTorch comes from Debian's packages; LibTorch from the PyTorch wheel
# (cmake/Torch.cmake). scripts/install-deps.sh installs them all.
find_package(Threads REQUIRED)
include(${CMAKE_CURRENT_LIST_DIR}/Torch.cmake)  # the fuzz build covers the torch-free parts: no LibTorch
if(SIREN_LIBTORCH_ONLY)
  find_package(nlohmann_json QUIET)
  if(NOT nlohmann_json_FOUND)  # header-only: carried in SIREN_CARRY_DIR/include
    add_library(nlohmann_json INTERFACE)
    add_library(nlohmann_json::nlohmann_json ALIAS nlohmann_json)
    target_include_directories(nlohmann_json SYSTEM INTERFACE "${SIREN_CARRY_DIR}/include")
  endif()
else()
  find_package(nlohmann_json REQUIRED)
endif()

add_library(siren_opencv INTERFACE)
if(SIREN_MEDIA_IO)
  # Debian's per-module OpenCV packages ship no OpenCVConfig.cmake (only libopencv-dev does):
  # find the headers and the module libraries directly.
  find_path(OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
  set(SIREN_OPENCV_LIBS)
  foreach(module core imgproc imgcodecs videoio)
    find_library(OPENCV_${module}_LIB NAMES opencv_${module} REQUIRED)
    list(APPEND SIREN_OPENCV_LIBS ${OPENCV_${module}_LIB})
  endforeach()
  target_include_directories(siren_opencv SYSTEM INTERFACE ${OPENCV_INCLUDE_DIR})
  target_link_libraries(siren_opencv INTERFACE ${SIREN_OPENCV_LIBS})
endif()

find_package(PkgConfig)
if(SIREN_MEDIA_IO)
  pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
  # MATLAB .mat files (the inverse Helmholtz task's receiver data, as the reference's scipy.io.loadmat)
  pkg_check_modules(MATIO REQUIRED IMPORTED_TARGET matio)
  # Archives of images (image-prior's datasets: tar, tar.gz, zip, ...; folders the clients send as tar)
  pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
endif()
if(NOT SIREN_FUZZ AND PKG_CONFIG_FOUND)
  # Vectorised sin/cos for the fused sine layers (libsleef-dev). Optional: without it (e.g. a LibTorch
  # from a PyTorch wheel on a GPU machine) the fused layers use two ATen kernels instead of one pass.
  pkg_check_modules(SLEEF IMPORTED_TARGET sleef)
endif()

if(SIREN_USE_TCMALLOC)
  find_library(TCMALLOC_LIB NAMES tcmalloc_minimal tcmalloc)
endif()

# Links an executable against tcmalloc when available: with glibc malloc about half of a training
# step went to page faults on the large activation tensors (shared/deps.md). Debian's GCC links with
# --as-needed, which drops tcmalloc from an executable whose own code calls operator new (libstdc++'s)
# but never malloc itself (siren-server ran on glibc's malloc that way, unnoticed). So it is
# linked unconditionally, among the first needed libraries (tests/CMakeLists.txt checks the programs).
function(siren_use_fast_allocator target)
  if(SIREN_USE_TCMALLOC AND TCMALLOC_LIB)
    target_link_options(${target} PRIVATE "SHELL:-Wl,--push-state,--no-as-needed ${TCMALLOC_LIB} -Wl,--pop-state")
  endif()
endfunction()

if(SIREN_BUILD_SERVICE AND NOT SIREN_FUZZ)
  find_package(Protobuf REQUIRED)
  find_package(gRPC CONFIG REQUIRED)
  find_package(spdlog CONFIG REQUIRED)
  find_package(prometheus-cpp CONFIG REQUIRED)
  find_package(CLI11 CONFIG REQUIRED)
  find_package(SQLite3 REQUIRED)  # the embedded job database; CMake's own module -> SQLite::SQLite3
  find_package(PostgreSQL REQUIRED)  # libpq: the job database of --database postgresql://… -> PostgreSQL::PostgreSQL
endif()
if(SIREN_BUILD_TESTS AND NOT SIREN_FUZZ)
  if(SIREN_LIBTORCH_ONLY)
    find_package(GTest CONFIG QUIET)
    if(NOT GTest_FOUND)  # built from the sources carried in SIREN_CARRY_DIR/googletest
      set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
      add_subdirectory("${SIREN_CARRY_DIR}/googletest" "${CMAKE_BINARY_DIR}/googletest" EXCLUDE_FROM_ALL)
      if(NOT TARGET GTest::gtest)  # GoogleTest 1.11+ defines these aliases itself
        add_library(GTest::gtest ALIAS gtest)
        add_library(GTest::gtest_main ALIAS gtest_main)
      endif()
    endif()
  else()
    find_package(GTest CONFIG REQUIRED)
  endif()
endif()
