#include "http/api/events_api.h"

#include <algorithm>
#include <map>

#include "core/incident_json.h"
#include "http/status.h"

namespace im::http::api {
namespace {

// How long an EventSource waits before it reconnects after a batch: short, because a batch
// ends the response by design, not because something failed.
constexpr std::string_view kRetryLine = "retry: 250\n";
constexpr int64_t kBatchLimit = 500;

Result<int64_t> EventsCursor(const net::HttpRequest& req) {
  // Owned: the query parameter is a temporary string, which a string_view would outlive.
  std::optional<std::string> text;
  if (auto header = req.Header("Last-Event-ID"); header && !header->empty()) {
    text = std::string(*header);
  }
  std::string_view name = "Last-Event-ID header";
  if (!text) {
    text = req.Query("after");
    name = "query parameter 'after'";
  }
  if (!text) return -1;  // a new reader: start from now
  int64_t v = 0;
  if (text->empty() || text->size() > 18 ||
      !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(name) +
                    " must be the id of the last event received (a whole number); leave it out "
                    "to start from now");
  }
  for (char c : *text) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

net::HttpResponse EventStreamResponse(std::string body) {
  net::HttpResponse res;
  res.status = 200;
  res.content_type = "text/event-stream; charset=utf-8";
  res.SetHeader("Cache-Control", "no-store");
  res.body = std::move(body);
  return res;
}

IncidentEvents::IncidentEvents(ApiContext& ctx, std::chrono::milliseconds poll)
    : ctx_(ctx), poll_(poll) {}

IncidentEvents::~IncidentEvents() { Stop(); }

void IncidentEvents::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Loop(); });
}

void IncidentEvents::Stop() {
  std::vector<Reader> left;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    left.swap(readers_);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& r : left) r.respond(EventStreamResponse(std::string(kRetryLine)));
}

void IncidentEvents::Wait(int64_t after, std::chrono::milliseconds wait, Responder respond) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      readers_.push_back(Reader{.after = after,
                                .deadline = std::chrono::steady_clock::now() + wait,
                                .respond = std::move(respond)});
      return;
    }
  }
  respond(EventStreamResponse(std::string(kRetryLine)));
}

net::HttpResponse IncidentEvents::Batch(int64_t after) {
  auto changes = ctx_.store.IncidentChangesAfter(after, kBatchLimit);
  if (!changes) return ErrorResponse(changes.error());
  // One event per incident: its newest change, so a burst of entries sends the incident once.
  std::map<int64_t, int64_t> newest;  // incident → entry id
  for (const auto& c : *changes) newest[c.incident] = std::max(newest[c.incident], c.entry_id);
  std::vector<std::pair<int64_t, int64_t>> order;  // entry id, incident
  for (auto [incident, entry] : newest) order.emplace_back(entry, incident);
  std::sort(order.begin(), order.end());
  std::string body(kRetryLine);
  for (auto [entry, number] : order) {
    auto incident = ctx_.store.GetIncident(number);
    if (!incident) return ErrorResponse(incident.error());
    body += "id: " + std::to_string(entry) +
            "\nevent: incident\ndata: {\"entry_id\":" + std::to_string(entry) + ",\"incident\":";
    core::AppendIncidentJson(body, *incident, ctx_.incidents.Sla(*incident));
    body += "}\n\n";
  }
  // The last change may belong to an incident already sent: make the cursor move past it.
  if (!changes->empty() && (order.empty() || order.back().first != changes->back().entry_id)) {
    body += "id: " + std::to_string(changes->back().entry_id) + "\ndata: {}\n\n";
  }
  return EventStreamResponse(std::move(body));
}

void IncidentEvents::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (readers_.empty()) {
      cv_.wait_for(lock, poll_, [&] { return stopping_; });
      continue;
    }
    lock.unlock();
    auto latest = ctx_.store.LatestTimelineEntry();
    lock.lock();
    auto now = std::chrono::steady_clock::now();
    std::vector<Reader> ready;
    std::erase_if(readers_, [&](Reader& r) {
      bool changed = latest && *latest > r.after;
      if (!changed && now < r.deadline) return false;
      ready.push_back(std::move(r));
      return true;
    });
    lock.unlock();
    for (auto& r : ready) {
      r.respond(latest && *latest > r.after ? Batch(r.after)
                                            : EventStreamResponse(std::string(kRetryLine)));
    }
    lock.lock();
    cv_.wait_for(lock, poll_, [&] { return stopping_; });
  }
}

void AddEventRoutes(Router& router, ApiContext& ctx, IncidentEvents& events) {
  router.AddAsync(
      "GET", "/api/v1/events", [&ctx, &events](const net::HttpRequest& req, Responder respond) {
        auto after = EventsCursor(req);
        if (!after) return respond(ErrorResponse(after.error()));
        int64_t wait_s = 25;
        if (auto w = req.Query("wait")) {
          if (w->empty() || w->size() > 2 ||
              !std::all_of(w->begin(), w->end(), [](char c) { return c >= '0' && c <= '9'; }) ||
              std::stoi(std::string(*w)) > 60) {
            return respond(ErrorResponse(
                Error{ErrorCode::kInvalidArgument,
                      "query parameter 'wait' must be a whole number of seconds from 0 "
                      "to 60"}));
          }
          wait_s = std::stoi(std::string(*w));
        }
        if (*after < 0) {
          // A new reader: tell it where "now" is, so its reconnect resumes there.
          auto latest = ctx.store.LatestTimelineEntry();
          if (!latest) return respond(ErrorResponse(latest.error()));
          return respond(EventStreamResponse(
              std::string(kRetryLine) + "id: " + std::to_string(*latest) +
              "\nevent: ready\ndata: {\"cursor\":" + std::to_string(*latest) + "}\n\n"));
        }
        events.Wait(*after, std::chrono::seconds(wait_s), std::move(respond));
      });
}

}  // namespace im::http::api
