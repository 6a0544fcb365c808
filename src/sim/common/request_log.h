// The last requests a simulator served, for tests to assert on through GET /_sim/requests.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "net/http_message.h"

namespace im::sim {

struct LoggedRequest {
  int64_t seq = 0;
  Time at{};
  std::string method;
  std::string target;
  std::string body;  // first 4 KiB
  int status = 0;
  std::string key;       // the API key or routing key the request used, if any
  net::Headers headers;  // as sent, with the Authorization value left out
  // What the provider's documentation requires of a request that the simulator served anyway
  // ("Content-Type must be application/json"): for tests to assert there are none.
  std::vector<std::string> problems;
};

class RequestLog {
 public:
  explicit RequestLog(size_t capacity = 10000) : capacity_(capacity) {}
  void Add(LoggedRequest entry);
  // Entries with seq > after, oldest first.
  std::vector<LoggedRequest> Since(int64_t after) const;
  void Clear();

 private:
  size_t capacity_;
  mutable std::mutex mu_;
  std::deque<LoggedRequest> entries_;  // GUARDED_BY(mu_)
  int64_t next_seq_ = 1;               // GUARDED_BY(mu_)
};

}  // namespace im::sim
