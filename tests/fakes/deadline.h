// Deadlines for every wait in a test: a wait that could hang is a test that could never fail.
// A wait that runs out fails the test binary at once with what it was waiting for (a thread
// stuck in a wait cannot be unwound, and a future's destructor would block again).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <string>
#include <thread>

namespace im::testing {

// Long enough for a loaded 2-core machine under AddressSanitizer, short of CTest's timeout.
inline constexpr std::chrono::seconds kTestDeadline{60};

[[noreturn]] inline void FailHungWait(const char* what) {
  std::fprintf(stderr, "test deadline: still waiting for %s after %lld s\n", what,
               static_cast<long long>(kTestDeadline.count()));
  std::fflush(stderr);
  std::abort();
}

// cv.wait(lock, pred) with the deadline.
template <class Pred>
void WaitOrFail(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, Pred pred,
                const char* what) {
  if (!cv.wait_for(lock, kTestDeadline, pred)) FailHungWait(what);
}

// future.wait() with the deadline.
template <class T>
void WaitOrFail(const std::future<T>& f, const char* what) {
  if (f.wait_for(kTestDeadline) != std::future_status::ready) FailHungWait(what);
}

// Polls `done` (cheap, side-effect free) until it holds; false when the deadline passes.
template <class Pred>
bool PollUntil(Pred done, std::chrono::milliseconds every = std::chrono::milliseconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + kTestDeadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(every);  // polling a condition, bounded by the deadline
  }
  return true;
}

// std::system(command) under coreutils' timeout: a command still running at the deadline is
// stopped (SIGTERM, then SIGKILL 5 s later) and the result is exit code 124 or 137, which the
// caller's check of the exit code reports.
inline int SystemWithDeadline(const std::string& command) {
  std::string quoted = "'";
  for (char c : command) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += "'";
  return std::system(
      ("timeout -k 5 " + std::to_string(kTestDeadline.count()) + " sh -c " + quoted).c_str());
}

}  // namespace im::testing
