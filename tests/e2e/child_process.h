// ChildProcess: a program run in the background for process-level tests (yibao-load while the
// test kills and restarts yibao-core). stdout and stderr go to a file; wait() reaps it within a
// timeout (then kills it). The destructor kills a child still running.
// Not thread-safe; one per test.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/temp_dir.h"

namespace yibao::testing {

class ChildProcess {
 public:
  // Starts argv[0] with argv; output to `log_path` (truncated).
  ChildProcess(const std::vector<std::string>& argv, std::string log_path) : log_path_(std::move(log_path)) {
    pid_ = fork();
    if (pid_ != 0) return;
    const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
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
  ~ChildProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // True while the child has not exited (reaps it if it has).
  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      pid_ = -1;
      return false;
    }
    return true;
  }
  // Waits ≤ timeout; the exit code, -signal, or -1000 if it had to be killed.
  int wait(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return code_ = -1000;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return code_;
  }
  std::string output() const { return read_file(log_path_); }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  int code_ = -1;
};

}  // namespace yibao::testing
