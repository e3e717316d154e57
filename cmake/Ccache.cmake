# Compiler caching: a clean CI build reuses objects from earlier builds on the same machine.
# The sloppiness settings let ccache cache translation units that use the precompiled torch header.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(SIREN_CCACHE_LAUNCHER
      ${CMAKE_COMMAND} -E env
      "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
      "CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}"
      ${CCACHE_PROGRAM})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${SIREN_CCACHE_LAUNCHER})
  message(STATUS "ccache: ${CCACHE_PROGRAM}")
endif()
