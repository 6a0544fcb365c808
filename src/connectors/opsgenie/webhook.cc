// Opsgenie's outgoing webhook integration into im. Opsgenie signs nothing (providers.md §4.7),
// so a delivery is taken only with the secret header of custom.webhook_header (compared in
// constant time; anything else is 401 and nothing is stored). The body is not trusted: the
// delivery is recorded with the alert (or incident) it names queued to be fetched again, in
// one write, and FollowUp reads that alert from the REST API and applies what Opsgenie says.
#include "common/crypto.h"
#include "common/time.h"
#include "connectors/opsgenie/opsgenie_connector.h"

namespace im::connectors::opsgenie {
namespace {

constexpr int64_t kOgRefetchesPerPass = 50;

Duration OgRefetchBackoff(int attempts) {
  Duration d = std::chrono::seconds(5);
  for (int i = 1; i < attempts && d < std::chrono::minutes(10); ++i) d *= 2;
  return std::min<Duration>(d, std::chrono::minutes(10));
}

std::optional<Time> OgMillisField(const json::object& o, std::string_view field) {
  auto it = o.find(field);
  if (it == o.end()) return std::nullopt;
  int64_t ms = 0;
  if (it->value().is_int64()) {
    ms = it->value().as_int64();
  } else if (it->value().is_uint64()) {
    ms = static_cast<int64_t>(it->value().as_uint64());
  } else if (it->value().is_string()) {
    if (auto t = ParseTime(it->value().as_string())) return *t;
    return std::nullopt;
  } else {
    return std::nullopt;
  }
  return Time(std::chrono::milliseconds(ms));
}

}  // namespace

void OpsgenieConnector::ReceiveWebhook(const net::HttpRequest& req,
                                       std::function<void(WebhookReply)> done) {
  Time now = ctx_.clock.Now();
  if (config_.webhook_secrets.empty()) {
    return done(WebhookReply{
        .status = 401,
        .message = "no webhook secret header is configured for this connector: set its value "
                   "with `im connector update " +
                   config_.name + " --webhook-secret <16+ characters>` (header " +
                   settings_.webhook_header + ") and send that header from Opsgenie",
        .unverified = true});
  }
  auto given = req.Header(settings_.webhook_header);
  bool verified = false;
  for (const auto& secret : config_.webhook_secrets) {
    // Every secret is compared, so the time taken does not tell which one came close.
    if (given && ConstantTimeEquals(*given, secret)) verified = true;
  }
  if (!verified) {
    ctx_.log->warn("opsgenie {}: rejected a webhook with a missing or wrong {} header",
                   config_.name, settings_.webhook_header);
    return done(WebhookReply{.status = 401,
                             .message = "missing or wrong " + settings_.webhook_header + " header",
                             .unverified = true});
  }
  store::WebhookEventRecord record;
  // Opsgenie's deliveries carry no id: a hash of the body is the same on every retry of one
  // delivery, and differs between actions (action, updatedAt).
  record.event_id = "og-" + HexEncode(Sha256(req.body)).substr(0, 32);
  record.received_at = now;
  record.occurred_at = now;
  record.body = req.body;
  auto parsed = json::Parse(req.body);
  if (!parsed || !parsed->is_object()) {
    ctx_.log->warn("opsgenie {}: webhook delivery {} is not JSON; stored as received", config_.name,
                   record.event_id);
    record.unreadable = true;
  } else {
    const json::object& body = parsed->as_object();
    std::string action = json::StringOr(body, "action");
    record.event_type = "alert." + (action.empty() ? std::string("unknown") : action);
    if (auto it = body.find("alert"); it != body.end() && it->value().is_object()) {
      const json::object& alert = it->value().as_object();
      record.resource_id = json::StringOr(alert, "alertId");
      if (auto at = OgMillisField(alert, "updatedAt")) record.occurred_at = *at;
      if (!record.resource_id.empty()) record.refetch = AlertKey(record.resource_id);
    } else if (auto inc = body.find("incident"); inc != body.end() && inc->value().is_object()) {
      record.event_type = "incident." + (action.empty() ? std::string("unknown") : action);
      record.resource_id = json::StringOr(inc->value().as_object(), "id");
      if (record.resource_id.empty()) {
        record.resource_id = json::StringOr(inc->value().as_object(), "incidentId");
      }
      if (!record.resource_id.empty()) record.refetch = IncidentKey(record.resource_id);
    } else {
      record.unreadable = record.event_type == "alert.unknown";
    }
  }
  std::string id = record.event_id;
  bool refetch = !record.refetch.empty();
  ctx_.connectors.RecordEventAsync(
      config_.name, std::move(record), {},
      [done = std::move(done), log = ctx_.log, id, refetch](Result<void> stored) {
        WebhookReply reply;
        if (stored) {
          reply.message = refetch ? "recorded; the alert is fetched from Opsgenie" : "recorded";
        } else if (stored.error().code == ErrorCode::kAlreadyExists) {
          reply.message = "duplicate delivery " + id;
          reply.duplicates = 1;
        } else {
          log->error("opsgenie webhook delivery {} not stored: {}", id, stored.error().message);
          reply.status = 503;
          reply.message = "not stored: " + stored.error().message;
        }
        done(std::move(reply));
      });
}

Result<int> OpsgenieConnector::FollowUp() {
  auto due = ctx_.connectors.DueRefetches(config_.name, ctx_.clock.Now(), kOgRefetchesPerPass);
  if (!due) return std::unexpected(due.error());
  if (due->empty()) return 0;
  int fetched = 0;
  std::vector<store::Refetch> finished;
  Result<void> failed = Ok();
  for (const auto& r : *due) {
    auto ok = FetchOne(r.external_id, quick_, nullptr);
    if (ok || ok.error().code == ErrorCode::kNotFound) {
      if (ok) {
        ++fetched;
      } else {
        ctx_.log->info("{} named by an Opsgenie webhook is not in Opsgenie; nothing to fetch",
                       r.external_id);
      }
      finished.push_back(r);
      continue;
    }
    int attempts = r.attempts + 1;
    ctx_.log->warn("fetching {} (asked by an Opsgenie {} webhook) failed, attempt {}: {}",
                   r.external_id, r.reason, attempts, ok.error().message);
    failed = ctx_.connectors.RetryRefetch(config_.name, r.external_id, attempts,
                                          ctx_.clock.Now() + OgRefetchBackoff(attempts),
                                          ok.error().message);
    if (!failed || ok.error().code != ErrorCode::kInvalidArgument) break;
  }
  auto stored = ctx_.connectors.FinishRefetches(config_.name, finished);
  FlushStats(nullptr, false, 0);
  if (!failed) return std::unexpected(failed.error());
  if (!stored) return std::unexpected(stored.error());
  return fetched;
}

}  // namespace im::connectors::opsgenie
