#include "monitor/channels/channel_outbox.h"

#include <spdlog/spdlog.h>

namespace im::monitor {

ChannelOutbox::ChannelOutbox(store::MonitorStore& monitors, store::ConnectorStore& outbox,
                             ChannelContext ctx, const Clock& clock,
                             std::shared_ptr<spdlog::logger> log)
    : monitors_(monitors), outbox_(outbox), ctx_(ctx), clock_(clock), log_(std::move(log)) {}

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
      connectors::OutboxRunnerOptions{.connector = name,
                                      .provider = stored.type + " channel " + stored.name,
                                      .max_attempts = kChannelMaxAttempts,
                                      .backoff = type->backoff},
      outbox_, clock_, log_);
  return runner.Flush([&](const store::OutboxMessage& m) -> Result<connectors::Delivery> {
    auto n = NotificationFromJson(m.payload);
    if (!n) return std::unexpected(n.error());
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
