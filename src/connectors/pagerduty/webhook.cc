// PagerDuty v3 webhooks into im, and creating the webhook subscription.
#include "common/time.h"
#include "common/webhook_signature.h"
#include "connectors/pagerduty/pagerduty_connector.h"

namespace im::connectors::pagerduty {
namespace {

WebhookReply Reply(int status, std::string message) {
  return WebhookReply{.status = status, .message = std::move(message)};
}

const std::vector<std::string> kEvents = {"incident.triggered",
                                          "incident.acknowledged",
                                          "incident.unacknowledged",
                                          "incident.resolved",
                                          "incident.reopened",
                                          "incident.reassigned",
                                          "incident.escalated",
                                          "incident.delegated",
                                          "incident.priority_updated",
                                          "incident.annotated",
                                          "incident.responder.added",
                                          "incident.responder.replied",
                                          "incident.status_update_published",
                                          "service.created",
                                          "service.updated"};

}  // namespace

void PagerDutyConnector::ReceiveWebhook(const net::HttpRequest& req,
                                        std::function<void(WebhookReply)> done) {
  if (config_.webhook_secrets.empty()) {
    return done(Reply(401,
                      "no webhook secret is configured for this connector: set it with `im "
                      "connector update " +
                          config_.name + " --webhook-secret ...`"));
  }
  auto signature = req.Header("X-PagerDuty-Signature");
  if (!signature || !VerifyPagerDutySignature(*signature, config_.webhook_secrets, req.body)) {
    ctx_.log->warn("rejected a webhook with a missing or wrong X-PagerDuty-Signature");
    return done(Reply(401, "missing or invalid X-PagerDuty-Signature"));
  }
  auto v = json::Parse(req.body);
  if (!v || !v->is_object()) return done(Reply(400, "body is not a JSON object"));
  auto event = json::GetObject(v->as_object(), "event");
  if (!event) return done(Reply(400, event.error().message));
  const json::object& e = **event;
  store::WebhookEventRecord record{
      .event_id = json::StringOr(e, "id"),
      .webhook_id = std::string(req.Header("X-Webhook-Id").value_or("")),
      .event_type = json::StringOr(e, "event_type")};
  auto occurred = ParseTime(json::StringOr(e, "occurred_at"));
  if (record.event_id.empty() || record.event_type.empty() || !occurred) {
    return done(Reply(400, "event needs id, event_type and occurred_at"));
  }
  record.occurred_at = *occurred;
  record.received_at = ctx_.clock.Now();
  auto data = json::GetObject(e, "data");
  if (!data) return done(Reply(400, data.error().message));

  // The answer once the store has the event: 202 only when it is durable. Made by each
  // branch once its own checks passed (they answer 400 through `done` directly).
  auto stored_answer = [&done, log = ctx_.log, event_id = record.event_id]() {
    return [done = std::move(done), log, event_id](Result<void> applied) {
      if (applied) return done(WebhookReply{.status = 202, .message = "applied", .applied = 1});
      if (applied.error().code == ErrorCode::kAlreadyExists) {
        return done(
            WebhookReply{.status = 202, .message = "duplicate event " + event_id, .duplicates = 1});
      }
      log->error("webhook event {} not stored: {}", event_id, applied.error().message);
      done(Reply(503, "not stored: " + applied.error().message));
    };
  };
  auto discard_number = [](auto answer) {
    return [answer = std::move(answer)](Result<int64_t> r) mutable {
      answer(r ? Ok() : Result<void>(std::unexpected(r.error())));
    };
  };

  if (record.event_type == "incident.annotated") {
    const json::object& note = **data;
    auto inc = json::GetObject(note, "incident");
    if (!inc) return done(Reply(400, inc.error().message));
    record.resource_id = json::StringOr(**inc, "id");
    std::string agent_id;
    if (auto a = json::GetOptionalObject(e, "agent"); a && *a) agent_id = json::StringOr(**a, "id");
    auto dir = CurrentDirectory();
    if (!dir) return done(Reply(503, dir.error().message));
    core::TimelineEntry entry{
        .at = record.occurred_at,
        .kind = core::EntryKind::kNote,
        .actor = (*dir)->Actor(agent_id),
        .message = json::StringOr(note, "content").substr(0, core::kMaxTextLength),
        .source = "pagerduty",
        .external_key = "pd-note:" + json::StringOr(note, "id")};
    std::string resource = record.resource_id;
    return ctx_.connectors.ApplyProviderIncidentAsync(
        config_.name, std::move(resource), std::move(record),
        [entry = std::move(entry)](
            const store::LinkedIncident& linked) -> Result<store::ProviderUpdate> {
          if (!linked.incident) return store::ProviderUpdate{.skip = true};
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
        discard_number(stored_answer()));
  }
  if (record.event_type.starts_with("incident.")) {
    auto pd = ParseIncident(**data);
    if (!pd) return done(Reply(400, pd.error().message));
    record.resource_id = pd->id;
    if (record.event_type == "incident.acknowledged" && !pd->acknowledged_at) {
      pd->acknowledged_at = record.occurred_at;  // webhook data carries no ack time
      if (auto a = json::GetOptionalObject(e, "agent"); a && *a) {
        pd->acknowledged_by_id = json::StringOr(**a, "id");
      }
    }
    if (record.event_type == "incident.resolved" && !pd->resolved_at) {
      pd->resolved_at = record.occurred_at;
    }
    auto decide = IncidentDecider(*pd, record.occurred_at);
    if (!decide) return done(Reply(503, decide.error().message));
    return ctx_.connectors.ApplyProviderIncidentAsync(config_.name, pd->id, std::move(record),
                                                      std::move(*decide),
                                                      discard_number(stored_answer()));
  }
  if (record.event_type.starts_with("service.")) {
    record.resource_id = json::StringOr(**data, "id");
    std::string name = json::StringOr(**data, "name");
    if (name.empty()) name = json::StringOr(**data, "summary");
    return ctx_.connectors.SaveDirectoryAsync(
        config_.name, {{"service", record.resource_id, name, json::Serialize(**data)}},
        [this, answer = stored_answer()](Result<void> ok) mutable {
          if (ok) {
            std::lock_guard lock(dir_mu_);
            dir_.reset();  // the service's new name applies from the next event on
          }
          answer(ok);
        });
  }
  done(Reply(202, "ignored event type " + record.event_type));
}

Result<std::string> PagerDutyConnector::EnableWebhook(const std::string& url) {
  json::array events;
  for (const auto& e : kEvents) events.emplace_back(e);
  json::object body{{"webhook_subscription",
                     json::object{{"type", "webhook_subscription"},
                                  {"delivery_method",
                                   json::object{{"type", "http_delivery_method"}, {"url", url}}},
                                  {"description", "im connector " + config_.name},
                                  {"events", std::move(events)},
                                  {"filter", json::object{{"type", "account_reference"}}}}}};
  auto r = client_.Send("POST", "/webhook_subscriptions", body, "");
  FlushStats(nullptr, false, 0);
  if (!r) return std::unexpected(r.error());
  auto sub = json::GetObject(*r, "webhook_subscription");
  if (!sub) return std::unexpected(sub.error());
  auto delivery = json::GetObject(**sub, "delivery_method");
  if (!delivery) return std::unexpected(delivery.error());
  std::string secret = json::StringOr(**delivery, "secret");
  if (secret.empty()) {
    return Fail(ErrorCode::kUnavailable,
                "PagerDuty created the subscription but returned no signing secret");
  }
  return secret;
}

}  // namespace im::connectors::pagerduty
