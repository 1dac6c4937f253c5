#include "sim/live/core_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "grpc/client/client_pool.h"

extern char** environ;

namespace yibao::sim {
namespace {

namespace fs = std::filesystem;
using std::chrono::steady_clock;

bool executable(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Starts argv[0] with stdin from /dev/null and stdout + stderr to `log_path` (truncated).
Result<pid_t> spawn(const std::vector<std::string>& args, const std::string& log_path) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Status(Code::kInternal, "", "cannot start " + args[0] + ": " + std::strerror(rc));
  return pid;
}

// Exit code of a wait status: the code, or -signal.
int exit_code(int wstatus) { return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -WTERMSIG(wstatus); }

std::string describe_exit(int code) {
  return code >= 0 ? "exit " + std::to_string(code) : "signal " + std::to_string(-code);
}

// Waits for `pid` until `deadline`: true and `*code` set if it ended (and was reaped).
bool wait_until(pid_t pid, steady_clock::time_point deadline, int* code) {
  for (;;) {
    int ws = 0;
    const pid_t r = ::waitpid(pid, &ws, WNOHANG);
    if (r == pid) {
      *code = exit_code(ws);
      return true;
    }
    if (r < 0) {  // not our child any more (reaped elsewhere): treat as gone
      *code = -1;
      return true;
    }
    if (steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// The port of the "listening on 127.0.0.1:PORT" line, 0 if not printed yet.
int listening_port(const std::string& out) {
  static const std::string kMark = "listening on 127.0.0.1:";
  const size_t at = out.find(kMark);
  if (at == std::string::npos) return 0;
  const size_t digits = at + kMark.size();
  const size_t end = out.find_first_not_of("0123456789", digits);
  if (end == std::string::npos || end == digits) return 0;  // line not complete yet
  return std::atoi(out.substr(digits, end - digits).c_str());
}

}  // namespace

std::string last_line(const std::string& text) {
  size_t end = text.find_last_not_of(" \r\n\t");
  if (end == std::string::npos) return "(no output)";
  size_t begin = text.rfind('\n', end);
  begin = begin == std::string::npos ? 0 : begin + 1;
  return text.substr(begin, end + 1 - begin);
}

Result<std::string> find_program(const std::string& name, const std::string& env_var,
                                 const std::string& build_relative, const std::string& explicit_path) {
  if (!explicit_path.empty()) {
    if (executable(explicit_path)) return explicit_path;
    return Status(Code::kNotFound, "", name + " not found at " + explicit_path);
  }
  if (const char* env = std::getenv(env_var.c_str()); env != nullptr && *env != '\0') {
    if (executable(env)) return std::string(env);
    return Status(Code::kNotFound, "", name + " not found at $" + env_var + "=" + env);
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path dir = self.parent_path();
    for (const fs::path& p : {dir / ".." / build_relative, dir / name}) {
      if (executable(p)) return fs::weakly_canonical(p, ec).string();
    }
  }
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::istringstream dirs(path);
    for (std::string d; std::getline(dirs, d, ':');) {
      if (!d.empty() && executable(fs::path(d) / name)) return (fs::path(d) / name).string();
    }
  }
  return Status(Code::kNotFound, "",
                name + " not found (looked at $" + env_var + ", ../" + build_relative +
                    " and the directory of this program, and PATH): build it or set " + env_var);
}

Result<std::string> find_core_binary(const std::string& explicit_path) {
  return find_program("yibao-core", "YB_CORE_BIN", "grpc/core/yibao-core", explicit_path);
}

Result<int> run_program(const std::vector<std::string>& argv, const std::string& log_path,
                        std::chrono::seconds timeout) {
  YB_ASSIGN_OR_RETURN(const pid_t pid, spawn(argv, log_path));
  int code = 0;
  if (wait_until(pid, steady_clock::now() + timeout, &code)) return code;
  ::kill(pid, SIGKILL);
  wait_until(pid, steady_clock::now() + std::chrono::seconds(10), &code);
  return Status(Code::kUnavailable, "",
                argv[0] + " did not finish within " + std::to_string(timeout.count()) + " s: killed");
}

Result<std::unique_ptr<CoreProcess>> CoreProcess::start(const CoreProcessOptions& o) {
  YB_ASSIGN_OR_RETURN(const std::string binary, find_core_binary(o.binary));
  std::unique_ptr<CoreProcess> core(new CoreProcess());
  core->keep_ = o.keep;
  core->stop_timeout_ = o.stop_timeout;

  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/yibao-sim-core-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr)
    return Status(Code::kInternal, "", "cannot create a temporary directory from " + tmpl);
  core->dir_ = tmpl;
  core->ledger_ = o.ledger.empty() ? core->dir_ + "/ledger.db" : o.ledger;
  core->log_path_ = core->dir_ + "/core.log";

  std::vector<std::string> args{binary, "--listen", "127.0.0.1:0", "--ledger", core->ledger_,
                                "--population", o.population, "--seed", std::to_string(o.seed),
                                "--log-level", o.log_level};
  if (o.clock != "wall") args.insert(args.end(), {"--clock", o.clock});
  args.insert(args.end(), o.extra_args.begin(), o.extra_args.end());
  core->args_ = args;
  core->start_timeout_ = o.start_timeout;
  YB_RETURN_IF_ERROR(core->launch(args, core->log_path_, "at start"));

  const grpc::Status token = client::read_admin_token(core->ledger_ + ".admin-token", &core->admin_token_);
  if (!token.ok()) return Status(Code::kUnavailable, "", "yibao-core admin token: " + token.error_message());
  return core;
}

Status CoreProcess::launch(const std::vector<std::string>& args, const std::string& log_path, const char* when) {
  YB_ASSIGN_OR_RETURN(const pid_t pid, spawn(args, log_path));
  pid_ = pid;
  const auto deadline = steady_clock::now() + start_timeout_;
  for (;;) {
    const std::string out = read_all(log_path);
    if (const int port = listening_port(out); port > 0) {
      port_ = port;
      return Status::Ok();
    }
    int code = 0;
    if (wait_until(pid, steady_clock::now(), &code)) {
      pid_ = -1;
      return Status(Code::kUnavailable, "",
                    std::string("yibao-core exited ") + when + " (" + describe_exit(code) + "): " + last_line(out));
    }
    if (steady_clock::now() >= deadline) {
      return Status(Code::kUnavailable, "",
                    std::string("yibao-core did not say it listens ") + when + " within " +
                        std::to_string(start_timeout_.count()) + " s: " + last_line(out));  // the destructor kills it
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void CoreProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int code = 0;
  wait_until(pid_, steady_clock::now() + std::chrono::seconds(10), &code);
  pid_ = -1;
}

Status CoreProcess::restart() {
  if (pid_ > 0) return Status(Code::kFailedPrecondition, "", "yibao-core is still running: kill9() first");
  std::vector<std::string> args = args_;
  for (size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--listen") args[i + 1] = "127.0.0.1:" + std::to_string(port_);  // the same port
  log_path_ = dir_ + "/core-restart-" + std::to_string(++restarts_) + ".log";
  return launch(args, log_path_, "at restart");
}

Status CoreProcess::stop() {
  if (stopped_) return stop_status_;
  stopped_ = true;
  if (pid_ <= 0) return stop_status_;
  ::kill(pid_, SIGTERM);
  int code = 0;
  if (!wait_until(pid_, steady_clock::now() + stop_timeout_, &code)) {
    ::kill(pid_, SIGKILL);
    wait_until(pid_, steady_clock::now() + std::chrono::seconds(10), &code);
    stop_status_ = Status(Code::kUnavailable, "",
                          "yibao-core did not stop within " + std::to_string(stop_timeout_.count()) +
                              " s of SIGTERM: killed");
  } else if (code != 0) {
    stop_status_ = Status(Code::kUnavailable, "",
                          "yibao-core ended with " + describe_exit(code) + ": " + last_line(output()));
  }
  pid_ = -1;
  return stop_status_;
}

CoreProcess::~CoreProcess() {
  if (pid_ > 0) (void)stop();
  if (!keep_ && !dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string CoreProcess::output() const { return log_path_.empty() ? std::string() : read_all(log_path_); }

}  // namespace yibao::sim
