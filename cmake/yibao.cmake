# Shared build settings and dependency look-ups (DESIGN.md §9). Every dependency comes from a
# Debian 12 package; nothing is downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(Eigen3 3.3 CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(nlohmann_json 3.10 CONFIG REQUIRED)
# SimGrid ships no CMake config; pkg-config it (DESIGN.md §9). Only sim/ links it.
pkg_check_modules(SimGrid REQUIRED IMPORTED_TARGET simgrid>=3.32)

# Warnings on for our own code. Generated protobuf code is compiled without them.
set(YB_WARNINGS -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor -Wno-missing-field-initializers)

# yb_library(NAME SOURCES... LINK...) is add_library + warnings + repo-root include.
function(yb_warnings target)
  target_compile_options(${target} PRIVATE ${YB_WARNINGS})
endfunction()

set(YB_ROOT ${CMAKE_SOURCE_DIR})
set(YB_GEN ${CMAKE_BINARY_DIR}/gen)
