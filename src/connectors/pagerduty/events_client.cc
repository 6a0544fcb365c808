#include "connectors/pagerduty/events_client.h"

#include <algorithm>

#include "common/time.h"
#include "connectors/pagerduty/client.h"

namespace im::connectors::pagerduty {
namespace {

Error Invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

// Trims `value` to `max` bytes at a character boundary, noting it in `warnings` under `field`.
// PagerDuty states its limits in characters; bytes are the stricter reading, so an event
// trimmed here is accepted whichever PagerDuty applies.
std::string Fit(std::string_view value, size_t max, std::string_view field,
                std::vector<std::string>& warnings) {
  if (value.size() <= max) return std::string(value);
  warnings.push_back(std::string(field) + " had " + std::to_string(value.size()) +
                     " bytes; trimmed to PagerDuty's limit of " + std::to_string(max));
  return TruncateUtf8(value, max);
}

json::array LinksJson(const std::vector<Link>& links, std::vector<std::string>& warnings) {
  json::array out;
  for (const auto& l : links) {
    if (l.href.empty()) {
      warnings.push_back("a link without href was left out (PagerDuty requires href)");
      continue;
    }
    json::object o{{"href", l.href}};
    if (!l.text.empty()) o["text"] = l.text;
    out.push_back(std::move(o));
  }
  return out;
}

bool OneOf(std::string_view v, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

}  // namespace

std::string TruncateUtf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end));
}

Result<json::object> AlertEventBody(const AlertEvent& e, std::vector<std::string>& warnings) {
  if (e.routing_key.empty()) {
    return std::unexpected(
        Invalid("routing_key is empty: use the integration key of an Events API v2 integration"));
  }
  if (!OneOf(e.action, {"trigger", "acknowledge", "resolve"})) {
    return std::unexpected(
        Invalid("event_action '" + e.action + "' is not one of trigger, acknowledge, resolve"));
  }
  json::object body{{"routing_key", e.routing_key}, {"event_action", e.action}};
  if (!e.dedup_key.empty()) {
    body["dedup_key"] = Fit(e.dedup_key, kMaxDedupKeyChars, "dedup_key", warnings);
  } else if (e.action != "trigger") {
    return std::unexpected(Invalid(e.action + " needs the dedup_key of the alert it applies to"));
  }
  if (e.action == "trigger") {
    if (e.summary.empty()) return std::unexpected(Invalid("a trigger needs a summary"));
    if (e.source.empty()) return std::unexpected(Invalid("a trigger needs a source"));
    if (!OneOf(e.severity, {"critical", "error", "warning", "info"})) {
      return std::unexpected(
          Invalid("severity '" + e.severity + "' is not one of critical, error, warning, info"));
    }
    json::object payload{{"summary", Fit(e.summary, kMaxSummaryChars, "summary", warnings)},
                         {"source", e.source},
                         {"severity", e.severity}};
    if (e.timestamp) payload["timestamp"] = FormatTime(*e.timestamp);
    if (!e.component.empty()) payload["component"] = e.component;
    if (!e.group.empty()) payload["group"] = e.group;
    if (!e.event_class.empty()) payload["class"] = e.event_class;
    if (!e.custom_details.empty()) payload["custom_details"] = e.custom_details;
    body["payload"] = std::move(payload);
    if (!e.client.empty()) body["client"] = e.client;
    if (!e.client_url.empty()) body["client_url"] = e.client_url;
    if (!e.links.empty()) body["links"] = LinksJson(e.links, warnings);
  }
  return body;
}

Result<json::object> ChangeEventBody(const ChangeEvent& e, std::vector<std::string>& warnings) {
  if (e.routing_key.empty()) {
    return std::unexpected(
        Invalid("routing_key is empty: use the integration key of an Events API v2 integration"));
  }
  if (e.routing_key.starts_with("R")) {
    return std::unexpected(Invalid(
        "change events cannot be sent to a ruleset routing key (one starting with R): use a "
        "service's Events API v2 integration key"));
  }
  if (e.summary.empty()) return std::unexpected(Invalid("a change event needs a summary"));
  json::object payload{{"summary", Fit(e.summary, kMaxSummaryChars, "summary", warnings)}};
  if (!e.source.empty()) payload["source"] = e.source;
  if (e.timestamp) payload["timestamp"] = FormatTime(*e.timestamp);
  if (!e.custom_details.empty()) payload["custom_details"] = e.custom_details;
  json::object body{{"routing_key", e.routing_key}, {"payload", std::move(payload)}};
  if (!e.links.empty()) body["links"] = LinksJson(e.links, warnings);
  return body;
}

EventsClient::EventsClient(EventsClientOptions options, net::HttpClient& http, Waiter& waiter,
                           const Clock& clock, std::shared_ptr<spdlog::logger> log)
    : options_(std::move(options)), http_(http), waiter_(waiter), clock_(clock), log_(log) {}

Result<EventResult> EventsClient::Send(const AlertEvent& event) {
  std::vector<std::string> warnings;
  auto body = AlertEventBody(event, warnings);
  if (!body) return std::unexpected(body.error());
  return Post("/v2/enqueue", *body, std::move(warnings));
}

Result<EventResult> EventsClient::Send(const ChangeEvent& event) {
  std::vector<std::string> warnings;
  auto body = ChangeEventBody(event, warnings);
  if (!body) return std::unexpected(body.error());
  return Post("/v2/change/enqueue", *body, std::move(warnings));
}

Result<EventResult> EventsClient::Post(const std::string& path, const json::object& body,
                                       std::vector<std::string> warnings) {
  for (const auto& w : warnings) log_->warn("PagerDuty event to {}: {}", path, w);
  std::string text = json::Serialize(body);
  if (text.size() > kMaxEventBytes) {
    return std::unexpected(Invalid("the event is " + std::to_string(text.size()) +
                                   " bytes; PagerDuty accepts at most 512 KB: shorten "
                                   "custom_details"));
  }
  net::ClientRequest req{
      .method = "POST",
      .url = options_.base_url + path,
      .headers = {{"Content-Type", "application/json"}, {"User-Agent", UserAgent()}},
      .body = text};
  EventResult result{.warnings = std::move(warnings)};
  Duration backoff = options_.first_backoff;
  Error last{ErrorCode::kUnavailable, "PagerDuty " + path + " was not tried"};
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    result.attempts = attempt;
    auto res = http_.Send(req);
    if (res && res->status == 202) {
      auto v = json::Parse(res->body);
      if (v && v->is_object()) {
        if (auto k = v->as_object().find("dedup_key");
            k != v->as_object().end() && k->value().is_string()) {
          result.dedup_key = std::string(k->value().as_string());
        }
      }
      if (result.dedup_key.empty()) {
        if (auto k = body.find("dedup_key"); k != body.end()) {
          result.dedup_key = std::string(k->value().as_string());
        }
      }
      return result;
    }
    if (res && res->status >= 400 && res->status < 500 && res->status != 429) {
      std::string message;
      if (auto v = json::Parse(res->body); v && v->is_object()) {
        if (auto m = v->as_object().find("message");
            m != v->as_object().end() && m->value().is_string()) {
          message = std::string(m->value().as_string());
        }
        if (auto errs = v->as_object().find("errors");
            errs != v->as_object().end() && errs->value().is_array()) {
          for (const auto& e : errs->value().as_array()) {
            if (e.is_string()) message += std::string("; ") + std::string(e.as_string());
          }
        }
      }
      return std::unexpected(
          Invalid("PagerDuty refused the event (" + std::to_string(res->status) +
                  "): " + (message.empty() ? res->body.substr(0, 300) : message)));
    }
    last =
        res ? Error{ErrorCode::kUnavailable,
                    "PagerDuty " + path + " answered " + std::to_string(res->status) +
                        (res->status == 429 ? " (rate limited: the event was not accepted)" : "")}
            : res.error().Wrap("PagerDuty " + path);
    log_->warn("PagerDuty {} attempt {}/{} failed ({}); retrying", path, attempt,
               options_.max_attempts, last.message);
    if (attempt < options_.max_attempts && !waiter_.WaitUntil(clock_.Now() + backoff)) {
      break;  // stopping
    }
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
  return std::unexpected(last);
}

}  // namespace im::connectors::pagerduty
