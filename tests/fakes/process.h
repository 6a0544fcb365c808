// A child process for tests that need a real second program (a simulator, a CLI command that
// gets killed): spawned with its stdout on a pipe, stopped with any signal, reaped on scope exit.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "fakes/deadline.h"

extern char** environ;

namespace im::testing {

class Process {
 public:
  explicit Process(const std::vector<std::string>& argv) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~Process() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      Wait();
    }
    if (out_ >= 0) ::close(out_);
  }
  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // The next line the child printed, waiting until it does or exits; what was read so far when
  // the test deadline passes first (the caller's check of the line then fails).
  std::string ReadLine() {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + kTestDeadline;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{.fd = out_, .events = POLLIN, .revents = 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char c;
      if (::read(out_, &c, 1) != 1 || c == '\n') break;
      line.push_back(c);
    }
    return line;
  }
  void Signal(int sig) { ::kill(pid_, sig); }
  // Whether the child has ended (then reaped), without waiting.
  bool Exited() {
    if (reaped_ || pid_ <= 0) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == 0) return false;
    reaped_ = true;
    return true;
  }
  // Exit code, or 128 + signal. A child still running at the test deadline is killed, so the
  // answer is 128 + SIGKILL and the caller's check fails instead of hanging.
  int Wait() {
    int status = 0;
    if (!PollUntil([&] { return ::waitpid(pid_, &status, WNOHANG) != 0; })) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool reaped_ = false;
};

// A server process started by StartServing, and the port its banner named.
struct Served {
  std::unique_ptr<Process> process;
  uint16_t port = 0;
};

// Starts `argv` (an `im serve --listen 127.0.0.1:0`, through /usr/bin/env with its
// environment) and reads the port from the first line it prints ("… http://127.0.0.1:PORT/");
// a banner without one fails the test and leaves the port 0.
inline Served StartServing(const std::vector<std::string>& argv) {
  Served s{std::make_unique<Process>(argv)};
  std::string banner = s.process->ReadLine();
  auto at = banner.find("http://127.0.0.1:");
  EXPECT_NE(at, std::string::npos) << banner;
  if (at != std::string::npos) s.port = static_cast<uint16_t>(std::stoi(banner.substr(at + 17)));
  return s;
}

// Runs the shell command `command` with its stdout and stderr going to `file`, within the
// test deadline; `*out` gets what it wrote. The exit code, -1 when it did not exit.
inline int RunCapturing(const std::string& command, const std::string& file, std::string* out) {
  int status = SystemWithDeadline(command + " >'" + file + "' 2>&1");
  std::ifstream in(file);
  out->assign(std::istreambuf_iterator<char>(in), {});
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#ifdef IM_TEST_BINARY
// The im binary under test: $IM_BINARY when set (to test another build), else the one built
// beside the tests.
inline std::string ImBinary() {
  const char* bin = std::getenv("IM_BINARY");
  return bin ? bin : IM_TEST_BINARY;
}
#endif

}  // namespace im::testing
