// Envelopes, error bodies and links of the Opsgenie simulator.
#include "sim/opsgenie/response.h"

#include <cstdio>

#include "sim/opsgenie/model.h"

namespace im::sim::opsgenie {
namespace {

// `took` in seconds with three decimals ("0.022"), as Opsgenie prints it; Boost.JSON would
// print a double as "2.2E-2", so the number is written into the serialized text.
std::string Took(const Call& call) {
  Time now = call.clock ? call.clock->Now() : call.started;
  double seconds = static_cast<double>((now - call.started).count()) / 1e6;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f", seconds < 0 ? 0.0 : seconds);
  return buf;
}

// The headers of every answer; X-RateLimit-State is THROTTLED only where Throttled() says so.
void SetCallHeaders(net::HttpResponse& res, const Call& call, const std::string& took) {
  res.SetHeader("X-Request-ID", call.request_id);
  res.SetHeader("X-Response-Time", took);
  res.SetHeader("X-RateLimit-State", "OK");
}

net::HttpResponse WithTook(const Call& call, json::object fields, int status) {
  fields["requestId"] = call.request_id;
  std::string took = Took(call);
  net::HttpResponse res;
  res.status = status;
  res.body = json::Serialize(fields);
  res.body.insert(res.body.size() - 1, ",\"took\":" + took);
  SetCallHeaders(res, call, took);
  return res;
}

}  // namespace

std::string RequestIds::Next() {
  Rng rng(seed_ ^ (next_.fetch_add(1) * 0x9e3779b97f4a7c15ULL));
  return NewUuid(rng);
}

net::HttpResponse Reply(const Call& call, json::object fields, int status) {
  return WithTook(call, std::move(fields), status);
}

net::HttpResponse DataReply(const Call& call, json::value data, int status) {
  return WithTook(call, json::object{{"data", std::move(data)}}, status);
}

net::HttpResponse AcceptedReply(const Call& call) {
  return WithTook(call, json::object{{"result", "Request will be processed"}}, 202);
}

net::HttpResponse ErrorReply(const Call& call, int status, std::string_view message,
                             const json::object& errors) {
  json::object body{{"message", message}};
  if (!errors.empty()) body["errors"] = errors;
  return WithTook(call, std::move(body), status);
}

net::HttpResponse CodedErrorReply(const Call& call, int status, int code,
                                  std::string_view message) {
  return WithTook(call, json::object{{"message", message}, {"code", code}}, status);
}

net::HttpResponse TextReply(const Call& call, std::string content_type, std::string body) {
  net::HttpResponse res;
  res.content_type = std::move(content_type);
  res.body = std::move(body);
  SetCallHeaders(res, call, Took(call));
  return res;
}

net::HttpResponse NotFoundReply(const Call& call, std::string_view what) {
  return ErrorReply(call, 404, what);
}

std::string BaseUrl(const net::HttpRequest& req, const std::string& fallback) {
  auto host = req.Header("Host");
  if (!host || host->empty()) return fallback;
  std::string scheme(req.Header("X-Forwarded-Proto").value_or("http"));
  return scheme + "://" + std::string(*host);
}

std::string FormatMillis(Time t) {
  auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  auto day = std::chrono::floor<std::chrono::days>(ms);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{ms - day};
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()),
                int(hms.subseconds().count()));
  return buf;
}

}  // namespace im::sim::opsgenie
