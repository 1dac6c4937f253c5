# Checks the dependency rule of DESIGN.md §3 on the #include lines of every source file.
# Run by ctest (arch.dependency_rule) as `cmake -DROOT=<repo> -P check_includes.cmake`.
# Each rule: a folder, and include patterns (regular expressions) it must not use.
cmake_minimum_required(VERSION 3.25)

set(violations "")

function(check_room room)
  cmake_parse_arguments(R "" "" "FORBID;ONLY_IN" ${ARGN})
  file(GLOB_RECURSE files ${ROOT}/${room}/*.h ${ROOT}/${room}/*.cc)
  foreach(f ${files})
    file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include")
    foreach(line ${lines})
      foreach(pat ${R_FORBID})
        if(line MATCHES "${pat}")
          file(RELATIVE_PATH rel ${ROOT} ${f})
          set(violations "${violations}\n  ${rel}: ${line}  (forbidden in ${room}/)" PARENT_SCOPE)
          set(violations "${violations}\n  ${rel}: ${line}  (forbidden in ${room}/)")
        endif()
      endforeach()
    endforeach()
  endforeach()
endfunction()

# Restricted headers that only some files of a room may use: pattern -> file-name regex.
function(check_only_in room pattern allowed)
  file(GLOB_RECURSE files ${ROOT}/${room}/*.h ${ROOT}/${room}/*.cc)
  foreach(f ${files})
    get_filename_component(name ${f} NAME)
    if(name MATCHES "${allowed}")
      continue()
    endif()
    file(STRINGS ${f} lines REGEX "^[ \t]*#[ \t]*include")
    foreach(line ${lines})
      if(line MATCHES "${pattern}")
        file(RELATIVE_PATH rel ${ROOT} ${f})
        set(violations "${violations}\n  ${rel}: ${line}  (only ${allowed} may include this)" PARENT_SCOPE)
        set(violations "${violations}\n  ${rel}: ${line}  (only ${allowed} may include this)")
      endif()
    endforeach()
  endforeach()
endfunction()

set(NET_DB_SIM "[<\"]grpc[/+]" "[<\"]grpcpp/" "google/protobuf" "simgrid" "sqlite3" "libpq" "pqxx"
               "boost/graph" "yibao/settlement/v1/" "[<\"]sim/" "spdlog" "CLI/")

check_room(models FORBID ${NET_DB_SIM})
check_only_in(models "yaml-cpp/" "_yaml\\.(h|cc)$")
check_only_in(models "[<\"]Eigen/" "^capacity")
check_only_in(models "boost/histogram" "^histogram\\.h$")

check_room(grpc/convert FORBID "[<\"]grpc/core/" "[<\"]grpc/client/" "[<\"]sim/" "simgrid" "sqlite3" "libpq" "pqxx")
check_room(grpc/client FORBID "[<\"]grpc/core/" "[<\"]grpc/convert/" "[<\"]models/" "[<\"]sim/" "simgrid" "sqlite3" "libpq" "pqxx")
check_room(grpc/core FORBID "[<\"]sim/" "simgrid" "[<\"]grpc/client/" "boost/graph")
check_room(sim FORBID "[<\"]grpc/core/" "sqlite3" "libpq" "pqxx")

# CLI11 only in a program's main.cc.
foreach(room models grpc sim bench)
  check_only_in(${room} "CLI/" "^main\\.cc$")
endforeach()

if(violations)
  message(FATAL_ERROR "dependency rule broken (DESIGN.md §3):${violations}")
endif()
message(STATUS "dependency rule holds")
