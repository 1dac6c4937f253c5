#include "tests/testing/core_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace yibao::testing {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

pid_t spawn_program(const std::vector<std::string>& argv, const std::string& log_path) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
  }
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  execv(cargv[0], cargv.data());
  _exit(127);
}

int reap_program(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    if (std::chrono::steady_clock::now() > deadline) return -1000;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, std::string log_path) : log_path_(std::move(log_path)) {
  const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) close(fd);
  pid_ = spawn_program(argv, log_path_);
}

ChildProcess::~ChildProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  reap_program(pid_, std::chrono::seconds(20));
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  const int code = reap_program(pid_, std::chrono::milliseconds(0));
  if (code == -1000) return true;
  code_ = code;
  pid_ = -1;
  return false;
}

int ChildProcess::wait(std::chrono::seconds timeout) {
  if (pid_ <= 0) return code_;
  code_ = reap_program(pid_, timeout);
  if (code_ == -1000) {
    ::kill(pid_, SIGKILL);
    reap_program(pid_, std::chrono::seconds(20));
  }
  pid_ = -1;
  return code_;
}

std::string ChildProcess::output() const { return slurp(log_path_); }

std::string CoreProcess::binary(const std::string& relative) {
  const char* dir = std::getenv("YB_BUILD_DIR");
  return std::string(dir && *dir ? dir : "build") + "/" + relative;
}

CoreProcess::~CoreProcess() {
  if (pid_ > 0) kill9();
  if (!log_path_.empty()) ::unlink(log_path_.c_str());
}

bool CoreProcess::start(std::chrono::seconds timeout, bool same_port) {
  if (log_path_.empty()) {
    char tmpl[] = "/tmp/yibao-core-log-XXXXXX";
    const int fd = mkstemp(tmpl);
    if (fd >= 0) close(fd);
    log_path_ = tmpl;
  }
  const size_t offset = slurp(log_path_).size();
  std::vector<std::string> argv{binary("grpc/core/yibao-core"), "--listen",
                                "127.0.0.1:" + std::to_string(same_port ? port_ : 0)};
  argv.insert(argv.end(), args_.begin(), args_.end());
  pid_ = spawn_program(argv, log_path_);
  const std::regex listening("listening on 127\\.0\\.0\\.1:([0-9]+)");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string out = slurp(log_path_).substr(offset);
    std::smatch m;
    if (std::regex_search(out, m, listening)) {
      port_ = std::stoi(m[1]);
      return true;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "yibao-core exited at start: " + out;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error_ = "yibao-core did not say it listens within the timeout: " + slurp(log_path_).substr(offset);
  kill9();
  return false;
}

int CoreProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  const int code = reap_program(pid_, std::chrono::seconds(20));
  if (code == -1000) kill9();
  pid_ = -1;
  return code;
}

void CoreProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  reap_program(pid_, std::chrono::seconds(20));
  pid_ = -1;
}

std::string CoreProcess::output() const { return log_path_.empty() ? std::string() : slurp(log_path_); }

int run_program(const std::vector<std::string>& argv, std::string* output, std::chrono::seconds timeout) {
  char tmpl[] = "/tmp/yibao-run-XXXXXX";
  const int fd = mkstemp(tmpl);
  if (fd >= 0) close(fd);
  const pid_t pid = spawn_program(argv, tmpl);
  int code = reap_program(pid, timeout);
  if (code == -1000) {
    ::kill(pid, SIGKILL);
    reap_program(pid, std::chrono::seconds(10));
    code = -1;
  }
  if (output) *output = slurp(tmpl);
  ::unlink(tmpl);
  return code;
}

}  // namespace yibao::testing
