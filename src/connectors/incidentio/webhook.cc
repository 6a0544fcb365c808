// incident.io's webhooks into im. Svix delivers them signed per Standard Webhooks: the
// webhook-id, webhook-timestamp and webhook-signature headers (or their svix-* names),
// HMAC-SHA256 over "id.timestamp.body" with the base64 secret (whsec_ prefix optional), any
// "v1," entry of the space-separated list matching, timestamps more than 5 minutes off
// refused; every configured secret is tried (rotation). Anything else is 401 and nothing is
// stored. A verified delivery is stored, deduplicated by webhook-id, before the 2xx; since
// deliveries may arrive out of order, the body is not applied: the incident it names is queued
// in the same write to be fetched again (FollowUp), so what is stored is incident.io's current
// state. Follow-ups and actions also go onto the timeline; schedule events refresh on-call;
// an event type im does not know is stored, counted and acknowledged (a refusal would have
// Svix retry it for a day and then disable the endpoint).
#include "common/time.h"
#include "common/webhook_signature.h"
#include "connectors/incidentio/incidentio_connector.h"

namespace im::connectors::incidentio {
namespace {

constexpr int64_t kIioRefetchesPerPass = 50;
// The refetch key that asks for schedules and their entries again.
constexpr char kIioOnCallKey[] = "oncall:schedules";

Duration IioRefetchBackoff(int attempts) {
  Duration d = std::chrono::seconds(5);
  for (int i = 1; i < attempts && d < std::chrono::minutes(10); ++i) d *= 2;
  return std::min<Duration>(d, std::chrono::minutes(10));
}

// A header by its Standard Webhooks name, else by Svix's ("svix-id" for "webhook-id").
std::string IioHeader(const net::HttpRequest& req, const std::string& name) {
  if (auto v = req.Header("webhook-" + name); v && !v->empty()) return std::string(*v);
  if (auto v = req.Header("svix-" + name); v && !v->empty()) return std::string(*v);
  return "";
}

struct IioEvent {
  std::string type;
  std::string incident_id;  // the incident to fetch again
  bool timeline = false;    // a follow-up or action: a note on the incident's timeline
  std::string note;
  std::string note_key;
  bool oncall = false;  // schedule.*: refresh on-call
  bool known = false;
};

IioEvent IioReadEvent(const json::object& body) {
  IioEvent e;
  e.type = json::StringOr(body, "event_type");
  const json::object* payload = nullptr;
  if (auto it = body.find(e.type); !e.type.empty() && it != body.end() && it->value().is_object()) {
    payload = &it->value().as_object();
  }
  auto has = [&](std::string_view suffix) { return e.type.find(suffix) != std::string::npos; };
  const bool incident_event = e.type.starts_with("public_incident.") ||
                              e.type.starts_with("private_incident.") ||
                              e.type.starts_with("incident.");  // the seed's names
  if (incident_event && payload) {
    if (has(".incident_status_updated") || e.type == "incident.status_updated" ||
        e.type == "incident.resolved") {
      auto inc = payload->find("incident");
      e.incident_id = inc != payload->end() && inc->value().is_object()
                          ? json::StringOr(inc->value().as_object(), "id")
                          : json::StringOr(*payload, "id");
      e.known = true;
    } else if (has(".incident_created") || has(".incident_updated") ||
               e.type == "incident.created" || e.type == "incident.updated" ||
               has(".membership_")) {
      e.incident_id = json::StringOr(*payload, "id");
      e.known = true;
    } else if (has(".follow_up_") || has(".action_")) {
      e.known = true;
      e.incident_id = json::StringOr(*payload, "incident_id");
      std::string id = json::StringOr(*payload, "id");
      std::string what = has(".follow_up_") ? "follow-up" : "action";
      std::string title = json::StringOr(*payload, "title");
      if (title.empty()) title = json::StringOr(*payload, "description");
      std::string status = json::StringOr(*payload, "status");
      if (!e.incident_id.empty() && !id.empty()) {
        e.timeline = true;
        e.note = "incident.io " + what + (has("_created") ? " created" : " updated") +
                 (status.empty() ? "" : " (" + status + ")") + (title.empty() ? "" : ": " + title);
        // v1 and v2 of one event are the same change: the key does not name the version.
        e.note_key = "iio:" + e.incident_id + ":" + what + ":" + id +
                     (has("_created") ? ":created:" : ":updated:") + status;
      }
      if (e.type.starts_with("private_incident.")) e.incident_id.clear();  // only the item's id
    } else if (has(".postmortem_document_")) {
      e.known = true;
    }
  } else if (e.type.starts_with("schedule.")) {
    e.known = true;
    e.oncall = true;
  } else if (e.type.starts_with("public_alert.") || e.type.starts_with("private_alert.") ||
             e.type.starts_with("public_escalation.") ||
             e.type.starts_with("private_escalation.")) {
    e.known = true;  // not incidents: stored and counted
  }
  return e;
}

}  // namespace

void IncidentIoConnector::ReceiveWebhook(const net::HttpRequest& req,
                                         std::function<void(WebhookReply)> done) {
  Time now = ctx_.clock.Now();
  if (config_.webhook_secrets.empty()) {
    return done(WebhookReply{
        .status = 401,
        .message = "no webhook signing secret is configured for this connector: copy the "
                   "endpoint's signing secret (whsec_…) from incident.io and run `im connector "
                   "update " +
                   config_.name + " --webhook-secret whsec_…`",
        .unverified = true});
  }
  const std::string id = IioHeader(req, "id");
  const std::string timestamp = IioHeader(req, "timestamp");
  const std::string signature = IioHeader(req, "signature");
  const int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  int matched = -1;
  std::string why;
  for (size_t k = 0; k < config_.webhook_secrets.size(); ++k) {
    // Every secret is tried, so the time taken does not tell which one came close.
    auto ok = VerifyStandardWebhook(config_.webhook_secrets[k], id, timestamp, signature, req.body,
                                    now_s);
    if (ok) {
      matched = static_cast<int>(k);
    } else if (why.empty() || ok.error().message.find("tolerance") != std::string::npos) {
      why = ok.error().message;
    }
  }
  if (matched < 0) {
    ctx_.log->warn("incidentio {}: rejected a webhook delivery: {}", config_.name, why);
    return done(WebhookReply{.status = 401, .message = why, .unverified = true});
  }
  store::WebhookEventRecord record;
  record.event_id = id;
  record.webhook_id = id;
  record.received_at = now;
  record.occurred_at = now;
  IioEvent event;
  auto parsed = json::Parse(req.body);
  if (!parsed || !parsed->is_object()) {
    ctx_.log->warn("incidentio {}: webhook delivery {} is not a JSON object; stored as received",
                   config_.name, id);
    record.unreadable = true;
    record.body = req.body;
  } else {
    event = IioReadEvent(parsed->as_object());
    record.event_type = event.type.empty() ? "unknown" : event.type;
    record.resource_id = event.incident_id;
    if (!event.known) {
      // Kept whole, so what it was can be looked at; counted, acknowledged.
      record.body = req.body;
      std::lock_guard lock(mu_);
      if (reported_.insert("event:" + record.event_type).second) {
        ctx_.log->warn(
            "incidentio {}: webhook event type \"{}\" is new to im: stored and "
            "acknowledged, not applied",
            config_.name, record.event_type);
      }
    }
    if (event.oncall) record.refetch = kIioOnCallKey;
  }
  const bool newest = config_.webhook_secrets.size() > 1 &&
                      matched == static_cast<int>(config_.webhook_secrets.size()) - 1;
  auto reply = [done = std::move(done), log = ctx_.log, id, newest,
                what = event.incident_id](Result<void> stored) {
    WebhookReply r;
    r.newest_secret_in_use = newest;
    if (stored) {
      r.applied = 1;
      r.message = what.empty() ? "recorded" : "recorded; incident " + what + " is fetched again";
    } else if (stored.error().code == ErrorCode::kAlreadyExists) {
      r.message = "duplicate delivery " + id;
      r.duplicates = 1;
    } else {
      log->error("incident.io webhook delivery {} not stored: {}", id, stored.error().message);
      r.status = 503;
      r.message = "not stored: " + stored.error().message;
    }
    done(std::move(r));
  };
  if (event.incident_id.empty() && !event.timeline) {
    return ctx_.connectors.RecordEventAsync(config_.name, std::move(record), {}, std::move(reply));
  }
  // The incident is fetched again whatever the event said: the delivery may be older than what
  // incident.io holds now. A follow-up or action adds its note to a linked incident.
  if (!event.incident_id.empty()) record.refetch = event.incident_id;
  const std::string key = event.incident_id;  // the link's external id
  if (!event.timeline || key.empty()) {
    return ctx_.connectors.RecordEventAsync(config_.name, std::move(record), {}, std::move(reply));
  }
  core::TimelineEntry note{.at = now,
                           .kind = core::EntryKind::kNote,
                           .actor = "incidentio@" + config_.name + ".connector",
                           .message = event.note,
                           .source = "incidentio",
                           .external_key = event.note_key};
  ctx_.connectors.ApplyProviderIncidentAsync(
      config_.name, key, std::move(record),
      [note](const store::LinkedIncident& linked) -> Result<store::ProviderUpdate> {
        if (!linked.incident) return store::ProviderUpdate{.skip = true};  // fetched, then noted
        store::ProviderUpdate u;
        u.incident = *linked.incident;
        u.incident.version += 1;
        u.entries = {note};
        u.event_at = linked.last_event_at;
        return u;
      },
      [reply = std::move(reply)](Result<int64_t> r) mutable {
        if (!r) return reply(std::unexpected(r.error()));
        reply(Ok());
      });
}

Result<int> IncidentIoConnector::FollowUp() {
  auto due = ctx_.connectors.DueRefetches(config_.name, ctx_.clock.Now(), kIioRefetchesPerPass);
  if (!due) return std::unexpected(due.error());
  if (due->empty()) return 0;
  int fetched = 0;
  std::vector<store::Refetch> finished;
  Result<void> failed = Ok();
  for (const auto& r : *due) {
    Result<void> ok = Ok();
    if (r.external_id == kIioOnCallKey) {
      SyncReport report;
      auto imported = ImportOnCall(report);
      if (!imported) ok = std::unexpected(imported.error());
    } else {
      ok = FetchOne(r.external_id, quick_, nullptr);
    }
    if (ok) {
      ++fetched;
      finished.push_back(r);
      continue;
    }
    const auto code = ok.error().code;
    if (code == ErrorCode::kNotFound || code == ErrorCode::kPermissionDenied) {
      // Gone, or private and this key may not read it: recorded as private with what is known
      // (its id), not an incident in im.
      if (r.reason.starts_with("private_incident.")) {
        (void)ctx_.connectors.SaveDirectory(
            config_.name, {{"private_incident", r.external_id, r.external_id,
                            json::Serialize(json::object{{"id", r.external_id},
                                                         {"reason", ok.error().message}})}});
        std::lock_guard lock(mu_);
        counts_.private_unreadable++;
      }
      ctx_.log->info("incidentio {}: incident {} named by a {} webhook cannot be read ({})",
                     config_.name, r.external_id, r.reason, ok.error().message);
      finished.push_back(r);
      continue;
    }
    int attempts = r.attempts + 1;
    ctx_.log->warn("incidentio {}: fetching {} (asked by a {} webhook) failed, attempt {}: {}",
                   config_.name, r.external_id, r.reason, attempts, ok.error().message);
    failed = ctx_.connectors.RetryRefetch(config_.name, r.external_id, attempts,
                                          ctx_.clock.Now() + IioRefetchBackoff(attempts),
                                          ok.error().message);
    // incident.io unreachable or refusing: the rest waits for the next pass.
    if (!failed || code != ErrorCode::kInvalidArgument) break;
  }
  auto stored = ctx_.connectors.FinishRefetches(config_.name, finished);
  FlushStats(nullptr, false, 0);
  if (!failed) return std::unexpected(failed.error());
  if (!stored) return std::unexpected(stored.error());
  return fetched;
}

}  // namespace im::connectors::incidentio
