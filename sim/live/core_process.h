// CoreProcess: a yibao-core that yibao-sim starts for a live run or a calibration (DESIGN.md §4
// "Population", issue 6 "The core hop") and stops afterwards. Not SimGrid: plain POSIX.
//
// start() runs the core on 127.0.0.1 with port 0 (the core picks a free port and prints
// "yibao-core listening on HOST:PORT ..."; no free-port race), on a fresh SQLite ledger in a
// temporary directory (unless a ledger is given), with `--population PRESET --seed N` so the
// core holds the very population the visits are drawn from. It waits for the listening line,
// then reads the admin token the core wrote to `<ledger>.admin-token`. A temporary directory
// (yibao-sim-core-XXXXXX under $TMPDIR or /tmp) is always made: it holds the core's log and,
// unless a ledger path is given, the ledger and its token.
// stop() sends SIGTERM (the core drains in-flight calls for ≤ 5 s) and waits; SIGKILL after
// `stop_timeout`. The destructor stops a core still running and removes the temporary directory
// unless `keep` was asked (its path is then logged by the caller, see ledger_dir()).
//
// Which binary (find_core_binary): CoreProcessOptions::binary if set, else $YB_CORE_BIN, else
// `yibao-core` next to the running program's directory in the build tree
// (<dir of /proc/self/exe>/../grpc/core/yibao-core: build/sim/yibao-sim -> build/grpc/core/),
// else next to it (<dir>/yibao-core, an installed pair), else the first `yibao-core` on PATH.
//
// Errors are one-line Status messages: NOT_FOUND "yibao-core not found (...)"; UNAVAILABLE
// "yibao-core exited at start (exit 1): <its last output line>" or "... did not say it listens
// within N s: <last line>"; INTERNAL for a failed mkdtemp/posix_spawn.
// The core's stdout and stderr go to <ledger dir>/core.log (a file, so a chatty core never blocks
// on a full pipe).
//
// Thread safety: none; one owner. Not copyable.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/status.h"

namespace yibao::sim {

struct CoreProcessOptions {
  std::string binary;                 // "" = find_core_binary("")
  std::string population = "county";  // --population (a preset of models/data/presets.yaml)
  uint64_t seed = 1;                  // --seed
  std::string ledger;                 // "" = <temp dir>/ledger.db
  bool keep = false;                  // keep the temporary directory (ledger, token, log)
  std::string log_level = "warn";     // --log-level
  // --clock: "wall" (the system clock) or "admin" (stands still until Admin.SetClock; a new
  // ledger's clock is unset until the first SetClock). The caller sets it (LiveBridge).
  std::string clock = "wall";
  std::vector<std::string> extra_args;  // more flags (e.g. "--fault-injection")
  std::chrono::seconds start_timeout{60};
  std::chrono::seconds stop_timeout{20};
};

// The yibao-core binary to run (see the header note). NOT_FOUND naming where it looked.
Result<std::string> find_core_binary(const std::string& explicit_path);
// The same search for any program of the build tree: `explicit_path`, else $`env_var`, else
// <dir of this program>/../`build_relative`, else <dir>/`name`, else PATH.
Result<std::string> find_program(const std::string& name, const std::string& env_var,
                                 const std::string& build_relative, const std::string& explicit_path);

// Runs `argv` (argv[0] a path) to completion, stdin from /dev/null, stdout and stderr to
// `log_path` (truncated). Its exit code, or -signal. UNAVAILABLE if it did not end within
// `timeout` (then killed), INTERNAL if it could not be started.
Result<int> run_program(const std::vector<std::string>& argv, const std::string& log_path,
                        std::chrono::seconds timeout);
// The last non-empty line of a text (what a failing program said last); "(no output)" if none.
std::string last_line(const std::string& text);

class CoreProcess {
 public:
  // Starts a core and waits until it listens. See the header note for the errors.
  static Result<std::unique_ptr<CoreProcess>> start(const CoreProcessOptions& options);

  ~CoreProcess();
  CoreProcess(const CoreProcess&) = delete;
  CoreProcess& operator=(const CoreProcess&) = delete;

  // SIGTERM and wait (SIGKILL after stop_timeout). OK on exit code 0; UNAVAILABLE naming the
  // exit code or signal otherwise. A second call returns the first outcome.
  Status stop();
  bool running() const { return pid_ > 0; }
  // A crash drill: SIGKILL, no drain (what was not committed is lost; what was is on the ledger).
  void kill9();
  // After kill9(): the same core again on the same ledger, token and port; waits until it
  // listens (start_timeout). Its output goes to core-restart-N.log in the same directory.
  // UNAVAILABLE "yibao-core did not restart: ..." otherwise.
  Status restart();

  // "127.0.0.1:PORT".
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& admin_token() const { return admin_token_; }
  const std::string& ledger() const { return ledger_; }
  // The temporary directory (log; ledger and token unless a ledger was given).
  const std::string& ledger_dir() const { return dir_; }
  // Everything the core printed so far.
  std::string output() const;

 private:
  CoreProcess() = default;
  // Spawns `args` with output to `log_path` and waits for its listening line.
  Status launch(const std::vector<std::string>& args, const std::string& log_path, const char* when);

  pid_t pid_ = -1;
  int port_ = 0;
  std::string admin_token_;
  std::string ledger_;
  std::string dir_;
  std::string log_path_;
  bool keep_ = false;
  std::chrono::seconds stop_timeout_{20};
  bool stopped_ = false;
  Status stop_status_;
  std::vector<std::string> args_;  // the command line of the first start (--listen 127.0.0.1:0)
  std::chrono::seconds start_timeout_{60};
  int restarts_ = 0;
};

}  // namespace yibao::sim
