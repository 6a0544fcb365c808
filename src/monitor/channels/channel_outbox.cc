#include "monitor/channels/channel_outbox.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace im::monitor {

ChannelOutbox::ChannelOutbox(store::MonitorStore& monitors, store::ConnectorStore& outbox,
                             ChannelContext ctx, const Clock& clock,
                             std::shared_ptr<spdlog::logger> log)
    : monitors_(monitors), outbox_(outbox), ctx_(ctx), clock_(clock), log_(std::move(log)) {
  if (!ctx_.clock) ctx_.clock = &clock_;
}

Result<int64_t> ChannelOutbox::FlushAll() {
  auto list = monitors_.ListChannels();
  if (!list) return std::unexpected(list.error());
  int64_t sent = 0;
  for (const auto& c : *list) {
    auto r = Flush(c);
    if (!r) {
      log_->error("channel {}: {}", c.name, r.error().message);
      continue;
    }
    sent += r->sent;
  }
  return sent;
}

Result<connectors::OutboxReport> ChannelOutbox::Flush(const store::StoredChannel& stored) {
  const ChannelType* type = FindChannelType(stored.type);
  if (!type) {
    return Fail(ErrorCode::kFailedPrecondition,
                "channel " + stored.name + " has type '" + stored.type +
                    "', which this im does not know; upgrade im or remove the channel");
  }
  auto config = json::Parse(stored.config);
  if (!config || !config->is_object()) {
    return Fail(ErrorCode::kInternal, "channel " + stored.name + " has an unreadable config");
  }
  auto plain = UnsealChannelSecrets(*type, config->as_object(), ctx_);
  if (!plain) return std::unexpected(plain.error());
  auto channel = type->open(*plain, ctx_);
  const std::string name = store::ChannelOutbox(stored.name);
  connectors::OutboxRunner runner(
      connectors::OutboxRunnerOptions{
          .connector = name,
          .provider = stored.type + " channel " + stored.name,
          .max_attempts = kChannelMaxAttempts,
          .backoff =
              [&](int attempts) {
                if (auto wait = channel->TakeRetryAfter()) {
                  Pause(stored.name, *wait);
                  return *wait;
                }
                return type->backoff(attempts);
              },
          .admit = [&](const store::OutboxMessage&) { return Admit(stored.name, *plain, *type); }},
      outbox_, clock_, log_);
  return runner.Flush([&](const store::OutboxMessage& m) -> Result<connectors::Delivery> {
    auto n = NotificationFromJson(m.payload);
    if (!n) return std::unexpected(n.error());
    if (n->IsIncidentEvent()) {
      // Incident messages are ordered per incident by the runner; their keys are per incident.
      auto sent = channel->Send(*n);
      if (sent && *sent == connectors::Delivery::kSent) RecordDelivery(stored, *n);
      return sent;
    }
    // Keep order per dedup key across incidents: an earlier message of the same monitor (a
    // previous outage's resolve still retrying) goes first.
    auto pending = outbox_.ListOutbound(name, "pending", 500);
    if (!pending) return std::unexpected(pending.error());
    for (const auto& earlier : *pending) {
      if (earlier.seq >= m.seq || earlier.incident == m.incident) continue;
      auto e = NotificationFromJson(earlier.payload);
      if (e && e->dedup_key == n->dedup_key) {
        return Fail(ErrorCode::kUnavailable, "waiting for the earlier " + e->dedup_key +
                                                 " message of INC-" +
                                                 std::to_string(earlier.incident));
      }
    }
    return channel->Send(*n);
  });
}

bool ChannelOutbox::Admit(const std::string& channel, const json::object& config,
                          const ChannelType& type) {
  auto num = [&](const char* f, int fallback) -> double {
    auto v = json::GetOptionalInt(config, f);
    return v && *v ? static_cast<double>(**v) : fallback;
  };
  double rate = num("rate_per_minute", type.default_rate_per_minute);
  double burst = std::max(1.0, num("burst", type.default_burst));
  Time now = clock_.Now();
  std::lock_guard lock(mu_);
  Bucket& b = buckets_[channel];
  if (now < b.paused_until) {
    throttled_++;
    return false;
  }
  if (rate <= 0) return true;
  if (!b.started) {
    b = Bucket{.tokens = burst, .refilled = now, .started = true};
  } else if (now > b.refilled) {
    double minutes = std::chrono::duration<double>(now - b.refilled).count() / 60.0;
    b.tokens = std::min(burst, b.tokens + minutes * rate);
    b.refilled = now;
  }
  if (b.tokens < 1.0) {
    throttled_++;
    return false;
  }
  b.tokens -= 1.0;
  return true;
}

void ChannelOutbox::Pause(const std::string& channel, Duration d) {
  std::lock_guard lock(mu_);
  Bucket& b = buckets_[channel];
  b.paused_until = std::max(b.paused_until, clock_.Now() + d);
}

int64_t ChannelOutbox::throttled() const {
  std::lock_guard lock(mu_);
  return throttled_;
}

void ChannelOutbox::RecordDelivery(const store::StoredChannel& channel, const Notification& n) {
  if (!ctx_.incidents || n.incident <= 0) return;
  std::string what;
  if (n.event == "page") {
    what = "Paged " + n.recipient + " (escalation level " + std::to_string(n.level) + ") via " +
           channel.type + " channel " + channel.name;
  } else if (n.event == "war_room") {
    return;  // the war room records itself, with its link
  } else {
    what = "Notified " + channel.type + " channel " + channel.name + ": " + n.event;
  }
  core::TimelineEntry e{.at = clock_.Now(),
                        .kind = core::EntryKind::kSynced,
                        .actor = "system",
                        .message = what,
                        .source = "im",
                        .external_key = "notify:" + n.message_id + ":" + channel.name};
  auto ok =
      ctx_.incidents->Transact([&](store::Tx& tx) { return tx.AppendTimeline(n.incident, {e}); });
  // Not lost: the message was delivered; only its line on the timeline is missing.
  if (!ok) log_->warn("INC-{}: recording the notification: {}", n.incident, ok.error().message);
}

Result<std::vector<ChannelHealth>> ChannelOutbox::Health() {
  auto list = monitors_.ListChannels();
  if (!list) return std::unexpected(list.error());
  std::vector<ChannelHealth> out;
  for (const auto& c : *list) {
    const std::string name = store::ChannelOutbox(c.name);
    auto counts = outbox_.Outbox(name, clock_.Now() - std::chrono::hours(24));
    if (!counts) return std::unexpected(counts.error());
    ChannelHealth h{.name = c.name,
                    .type = c.type,
                    .pending = counts->pending,
                    .parked = counts->parked,
                    .sent_24h = counts->sent_since};
    for (const char* state : {"parked", "pending"}) {
      auto msgs = outbox_.ListOutbound(name, state, 500);
      if (!msgs) return std::unexpected(msgs.error());
      for (const auto& m : *msgs) {
        if (m.last_error.empty()) continue;
        h.last_error = m.last_error;
        h.failing = true;
      }
      if (h.failing) break;
    }
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace im::monitor
