// Opsgenie's response shapes (providers.md §4.1): the success envelope {"data", "took",
// "requestId", ["result"], ["paging"], ["expandable"]}, the error body {"message", "took",
// "requestId", ["code"], ["errors"]}, the 202 of asynchronous requests, X-Request-ID,
// X-Response-Time and X-RateLimit-State on every answer, and absolute paging links built from
// the Host header.
#pragma once

#include <atomic>
#include <string>

#include "common/clock.h"
#include "common/json.h"
#include "net/http_message.h"

namespace im::sim::opsgenie {

// Request ids: UUIDs from a seeded counter, the same sequence for the same seed.
class RequestIds {
 public:
  explicit RequestIds(uint64_t seed) : seed_(seed) {}
  std::string Next();

 private:
  const uint64_t seed_;
  std::atomic<uint64_t> next_{1};
};

// One API call being answered: its request id, when it arrived on `clock` (for `took`, which
// so counts added latency and throttling delay), and the team its key is restricted to.
struct Call {
  std::string request_id;
  const Clock* clock = nullptr;
  Time started{};
  std::string team;  // empty: the key sees the whole account
};

// 200 (or `status`) with `fields` (e.g. {"data":…,"paging":…}) plus took and requestId.
net::HttpResponse Reply(const Call& call, json::object fields, int status = 200);
// {"data": data}.
net::HttpResponse DataReply(const Call& call, json::value data, int status = 200);
// 202 {"result":"Request will be processed","took","requestId"}: requestId is call.request_id.
net::HttpResponse AcceptedReply(const Call& call);
// The error body; `errors` (field → message) only when not empty.
net::HttpResponse ErrorReply(const Call& call, int status, std::string_view message,
                             const json::object& errors = {});
// The error body with Opsgenie's numeric `code` (40301 no permission, 40302 unsupported).
net::HttpResponse CodedErrorReply(const Call& call, int status, int code, std::string_view message);
// A non-JSON answer (an .ics export) with the same headers as the JSON ones.
net::HttpResponse TextReply(const Call& call, std::string content_type, std::string body);
net::HttpResponse NotFoundReply(const Call& call, std::string_view what);

// "http://<Host header>" (X-Forwarded-Proto replaces http), else `fallback`.
std::string BaseUrl(const net::HttpRequest& req, const std::string& fallback);

// "2021-02-15T01:49:39.202Z": Opsgenie prints milliseconds.
std::string FormatMillis(Time t);

}  // namespace im::sim::opsgenie
