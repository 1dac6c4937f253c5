// CoreProcess: a yibao-core child process for process-level tests (tests/e2e) and benches.
//
// start() runs build/grpc/core/yibao-core (found through $YB_BUILD_DIR, set by ctest) on
// 127.0.0.1 with port 0 and the given flags, and waits for its "listening on HOST:PORT" line to
// learn the port the core picked (no free-port race). stop() sends SIGTERM and returns the exit
// code; kill9() sends SIGKILL. The destructor kills a still-running child. restart() starts again
// with the same flags and ledger (a new port unless `same_port`).
// Not thread-safe; one per test.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace yibao::testing {

class CoreProcess {
 public:
  // `args`: flags after the program name, without --listen (added here).
  explicit CoreProcess(std::vector<std::string> args) : args_(std::move(args)) {}
  ~CoreProcess();
  CoreProcess(const CoreProcess&) = delete;
  CoreProcess& operator=(const CoreProcess&) = delete;

  // Starts and waits (≤ timeout) for the listening line. False (with `error()`) on failure.
  bool start(std::chrono::seconds timeout = std::chrono::seconds(30), bool same_port = false);
  // SIGTERM, wait ≤ 20 s; returns the exit code (or -signal, or -1000 on timeout).
  int stop();
  // SIGKILL and reap.
  void kill9();
  bool running() const { return pid_ > 0; }

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& error() const { return error_; }
  // Everything the child printed on stdout and stderr so far (after stop/kill9: all of it).
  std::string output() const;

  // Path of a program in the build tree ("grpc/core/yibao-core").
  static std::string binary(const std::string& relative);

 private:
  std::vector<std::string> args_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
  std::string error_;
};

// Starts argv[0] with argv; stdout and stderr are appended to `log_path`. Returns the child's pid.
pid_t spawn_program(const std::vector<std::string>& argv, const std::string& log_path);
// Waits for `pid` up to `timeout` (0 = just look): its exit code, -signal, or -1000 if it is
// still running (then it is left running).
int reap_program(pid_t pid, std::chrono::milliseconds timeout);

// ChildProcess: any program run in the background for a process-level test (yibao-load while
// the test kills and restarts yibao-core). Output to `log_path` (truncated first). The destructor
// kills a child still running. Not thread-safe; one per test.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, std::string log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // True while the child has not exited (reaps it if it has).
  bool running();
  // Waits ≤ timeout; the exit code, -signal, or -1000 if it had to be killed.
  int wait(std::chrono::seconds timeout);
  std::string output() const;

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  int code_ = -1;
};

// Runs a program to completion (≤ timeout) and returns its exit code, or -1 if it did not
// finish (then it is killed); stdout+stderr go to `output`.
int run_program(const std::vector<std::string>& argv, std::string* output,
                std::chrono::seconds timeout = std::chrono::seconds(120));

}  // namespace yibao::testing
