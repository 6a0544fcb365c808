// PagerDuty v3 webhooks into im. A delivery whose signature verifies is always stored and
// answered 202, whatever it holds: PagerDuty counts any other 4xx as a dropped delivery and
// switches the subscription off for a day after three. What im cannot apply from the payload
// (an incomplete event, a type it does not apply, an incident it does not know) is recorded
// with its body and the incident is fetched again from the REST API (refetch.cc), queued in the
// same write. A body that is not JSON is stored as it came, logged and counted.
#include "common/time.h"
#include "common/webhook_signature.h"
#include "connectors/pagerduty/pagerduty_connector.h"
#include "connectors/pagerduty/webhook_event.h"

namespace im::connectors::pagerduty {
namespace {

WebhookReply Unverified(std::string message) {
  return WebhookReply{.status = 401, .message = std::move(message), .unverified = true};
}

// The answer once the store has the event: 202 only when it is durable.
std::function<void(Result<void>)> AnswerWhenStored(std::function<void(WebhookReply)> done,
                                                   std::shared_ptr<spdlog::logger> log,
                                                   std::string event_id, bool applies,
                                                   bool newest_secret) {
  return [done = std::move(done), log = std::move(log), event_id = std::move(event_id), applies,
          newest_secret](Result<void> stored) {
    WebhookReply reply{.newest_secret_in_use = newest_secret};
    if (stored) {
      reply.message = applies ? "applied" : "recorded";
      reply.applied = applies ? 1 : 0;
    } else if (stored.error().code == ErrorCode::kAlreadyExists) {
      reply.message = "duplicate event " + event_id;
      reply.duplicates = 1;
    } else {
      log->error("webhook event {} not stored: {}", event_id, stored.error().message);
      reply.status = 503;
      reply.message = "not stored: " + stored.error().message;
    }
    done(std::move(reply));
  };
}

std::function<void(Result<int64_t>)> IgnoringNumber(std::function<void(Result<void>)> answer) {
  return [answer = std::move(answer)](Result<int64_t> r) {
    answer(r ? Ok() : Result<void>(std::unexpected(r.error())));
  };
}

}  // namespace

void PagerDutyConnector::ReceiveWebhook(const net::HttpRequest& req,
                                        std::function<void(WebhookReply)> done) {
  Time now = ctx_.clock.Now();
  // Once a rotation's deadline has passed, only the newest secret still signs.
  const bool retiring = config_.webhook_secret_retire_at.has_value();
  std::vector<std::string> secrets = config_.webhook_secrets;
  if (retiring && now >= *config_.webhook_secret_retire_at && secrets.size() > 1) {
    secrets.erase(secrets.begin(), secrets.end() - 1);
  }
  if (secrets.empty()) {
    return done(
        Unverified("no webhook secret is configured for this connector: run `im connector "
                   "webhook " +
                   config_.name + " --enable`, or set it with `im connector update " +
                   config_.name + " --webhook-secret ...`"));
  }
  auto signature = req.Header("X-PagerDuty-Signature");
  int secret = signature ? MatchPagerDutySignature(*signature, secrets, req.body) : -1;
  if (secret < 0) {
    ctx_.log->warn("rejected a webhook with a missing or wrong X-PagerDuty-Signature");
    return done(Unverified("missing or invalid X-PagerDuty-Signature"));
  }
  const bool newest = retiring && secret == static_cast<int>(secrets.size()) - 1;

  PdWebhookEvent event = ReadWebhookEvent(req.body, req.Header("X-Webhook-Id").value_or(""), now);
  store::WebhookEventRecord& record = event.record;
  // Stores the event without applying it: its body kept, its incident (if any) fetched again.
  auto record_only = [&](std::vector<store::DirectoryEntry> entries = {}) {
    record.body = req.body;
    record.refetch = event.incident_id;
    std::string id = record.event_id;
    ctx_.connectors.RecordEventAsync(
        config_.name, std::move(record), std::move(entries),
        AnswerWhenStored(std::move(done), ctx_.log, std::move(id), false, newest));
  };

  switch (event.kind) {
    case PdWebhookEvent::Kind::kUnreadable: {
      ctx_.log->warn("webhook delivery {} is signed but not a PagerDuty event; stored as received",
                     record.event_id);
      record.unreadable = true;
      return record_only();
    }
    case PdWebhookEvent::Kind::kIncident: {
      auto pd = ParseIncident(event.data);
      if (!pd || !event.complete) {
        ctx_.log->info("webhook event {} ({}) is incomplete ({}); fetching incident {} instead",
                       record.event_id, record.event_type,
                       pd ? "no id, type or occurred_at" : pd.error().message, event.incident_id);
        return record_only();
      }
      if (record.event_type == "incident.acknowledged" && !pd->acknowledged_at) {
        pd->acknowledged_at = record.occurred_at;  // webhook data carries no ack time
        pd->acknowledged_by_id = event.agent_id;
      }
      if (record.event_type == "incident.resolved" && !pd->resolved_at) {
        pd->resolved_at = record.occurred_at;
      }
      auto decide = IncidentDecider(*pd, record.occurred_at);
      if (!decide) return done(WebhookReply{.status = 503, .message = decide.error().message});
      std::string id = record.event_id;
      return ctx_.connectors.ApplyProviderIncidentAsync(
          config_.name, pd->id, std::move(record), std::move(*decide),
          IgnoringNumber(AnswerWhenStored(std::move(done), ctx_.log, std::move(id), true, newest)));
    }
    case PdWebhookEvent::Kind::kNote: {
      if (event.incident_id.empty() || !event.complete) return record_only();
      auto dir = CurrentDirectory();
      if (!dir) return done(WebhookReply{.status = 503, .message = dir.error().message});
      core::TimelineEntry entry{
          .at = record.occurred_at,
          .kind = core::EntryKind::kNote,
          .actor = (*dir)->Actor(event.agent_id),
          .message = json::StringOr(event.data, "content").substr(0, core::kMaxTextLength),
          .source = "pagerduty",
          .external_key = "pd-note:" + json::StringOr(event.data, "id")};
      std::string id = record.event_id;
      std::string incident = event.incident_id;
      return ctx_.connectors.ApplyProviderIncidentAsync(
          config_.name, std::move(incident), std::move(record),
          [entry = std::move(entry)](
              const store::LinkedIncident& linked) -> Result<store::ProviderUpdate> {
            // A note on an incident im does not have: the incident is fetched instead.
            if (!linked.incident) return store::ProviderUpdate{.skip = true, .refetch = true};
            // A note im sent (or is sending, its answer not back yet): already on the timeline.
            if (linked.sent_changes) {
              auto ours = linked.sent_changes();
              if (!ours) return std::unexpected(ours.error());
              if (IsOurNote(entry.message, entry.at, *ours)) {
                return store::ProviderUpdate{.skip = true};
              }
            }
            store::ProviderUpdate u{.incident = *linked.incident, .event_at = linked.last_event_at};
            u.entries.push_back(entry);
            return u;
          },
          IgnoringNumber(AnswerWhenStored(std::move(done), ctx_.log, std::move(id), true, newest)));
    }
    case PdWebhookEvent::Kind::kService: {
      std::string name = json::StringOr(event.data, "name");
      if (name.empty()) name = json::StringOr(event.data, "summary");
      std::string id = record.event_id;
      store::DirectoryEntry entry{"service", record.resource_id, name, json::Serialize(event.data)};
      return ctx_.connectors.RecordEventAsync(
          config_.name, std::move(record), {std::move(entry)},
          [this, answer = AnswerWhenStored(std::move(done), ctx_.log, std::move(id), true, newest)](
              Result<void> ok) {
            if (ok) {
              std::lock_guard lock(dir_mu_);
              dir_.reset();  // the service's new name applies from the next event on
            }
            answer(std::move(ok));
          });
    }
    case PdWebhookEvent::Kind::kOther: return record_only();
  }
}

}  // namespace im::connectors::pagerduty
