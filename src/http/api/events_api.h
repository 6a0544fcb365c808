// GET /api/v1/events: incident changes as server-sent events, for pages that update live.
//
// Each response is one batch of a text/event-stream: it is answered as soon as an incident
// changes after the reader's cursor (the Last-Event-ID header, or the `after` query
// parameter), or empty after `wait` seconds, and ends with `retry:` so an EventSource
// reconnects at once and resumes from the last id it saw. Nothing is missed between two
// batches, and any number of `im` instances (or the CLI writing beside the server) are seen,
// because the cursor is the store's timeline entry id rather than something in this process.
// A handler never holds a thread while it waits: IncidentEvents keeps the waiting readers and
// one thread polls the store's newest entry id for all of them.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "http/api/api.h"

namespace im::http::api {

class IncidentEvents {
 public:
  // Polls the store every `poll` for new timeline entries.
  IncidentEvents(ApiContext& ctx, std::chrono::milliseconds poll);
  ~IncidentEvents();

  void Start();
  // Answers every waiting reader now (with what it has: nothing) and stops polling. Call
  // before stopping the HTTP server, which waits for owed answers.
  void Stop();

  // Answers `respond` with the changes after `after`, as soon as there are any, or with none
  // when `wait` has passed.
  void Wait(int64_t after, std::chrono::milliseconds wait, Responder respond);

 private:
  struct Reader {
    int64_t after;
    std::chrono::steady_clock::time_point deadline;
    Responder respond;
  };
  void Loop();
  net::HttpResponse Batch(int64_t after);

  ApiContext& ctx_;
  std::chrono::milliseconds poll_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Reader> readers_;  // GUARDED_BY(mu_)
  bool stopping_ = false;        // GUARDED_BY(mu_)
  std::thread thread_;
};

// GET /api/v1/events over `events`.
void AddEventRoutes(Router& router, ApiContext& ctx, IncidentEvents& events);

// The text/event-stream body for `changes` (one event per incident, the newest of its changes,
// in entry order), and the response around it.
net::HttpResponse EventStreamResponse(std::string body);

}  // namespace im::http::api
