#include "monitor/channels/channel_outbox.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace im::monitor {
namespace {

// A person gets at most this many messages at once before their rate applies.
constexpr double kPersonBurst = 3;

// How long one channel's pass may send before the other channels get their turn.
constexpr auto kChannelPassShare = std::chrono::milliseconds(200);

std::string PersonKey(const std::string& channel, const std::string& address) {
  return channel + "\x1f" + address;
}

// The person a message goes to (a page's phone, address or Slack id), "" for the channel's own
// destination.
std::string PersonOf(const store::OutboxMessage& m) {
  auto n = NotificationFromJson(m.payload);
  return n ? n->address : "";
}

double ChannelRate(const json::object& config, const ChannelType& type) {
  auto v = json::GetOptionalInt(config, "rate_per_minute");
  return v && *v ? static_cast<double>(**v) : type.default_rate_per_minute;
}

double ChannelBurst(const json::object& config, const ChannelType& type) {
  auto v = json::GetOptionalInt(config, "burst");
  return std::max(1.0, v && *v ? static_cast<double>(**v) : type.default_burst);
}

}  // namespace

ChannelOutbox::ChannelOutbox(store::MonitorStore& monitors, store::ConnectorStore& outbox,
                             ChannelContext ctx, const Clock& clock,
                             std::shared_ptr<spdlog::logger> log)
    : monitors_(monitors), outbox_(outbox), ctx_(ctx), clock_(clock), log_(std::move(log)) {
  if (!ctx_.clock) ctx_.clock = &clock_;
}

Result<int64_t> ChannelOutbox::FlushAll() {
  {
    std::lock_guard lock(mu_);
    next_token_at_.reset();
  }
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
  auto person_limit = json::GetOptionalInt(*plain, "person_rate_per_minute");
  const double person_rate = person_limit && *person_limit ? static_cast<double>(**person_limit)
                                                           : type->default_person_rate_per_minute;
  std::set<int64_t> covered;  // messages sent in a digest during this pass
  const Time pass_ends = clock_.Now() + kChannelPassShare;
  connectors::OutboxRunner runner(
      connectors::OutboxRunnerOptions{.connector = name,
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
                                      .admit =
                                          [&](const store::OutboxMessage& m) {
                                            // One channel's backlog does not hold up the others'
                                            // sends (a throttled
                                            // channel's next token): past its share of time the
                                            // pass moves on, and the sender comes back at once.
                                            if (clock_.Now() > pass_ends) {
                                              std::lock_guard lock(mu_);
                                              next_token_at_ = clock_.Now();
                                              return false;
                                            }
                                            if (!Admit(stored.name, *plain, *type)) return false;
                                            std::string person = PersonOf(m);
                                            if (!person.empty() && person_rate > 0) {
                                              (void)Token(PersonKey(stored.name, person),
                                                          person_rate, kPersonBurst, true);
                                            }
                                            return true;
                                          },
                                      .defer =
                                          [&](const store::OutboxMessage& m) {
                                            // Sent in a digest earlier in this pass; or its person
                                            // has had enough for now.
                                            if (covered.contains(m.seq)) return true;
                                            std::string person = PersonOf(m);
                                            if (person.empty() || person_rate <= 0) return false;
                                            const std::string key = PersonKey(stored.name, person);
                                            if (Token(key, person_rate, kPersonBurst, false))
                                              return false;
                                            std::lock_guard lock(mu_);
                                            throttled_++;
                                            HeldBack(buckets_[key], person_rate);
                                            return true;
                                          }},
      outbox_, clock_, log_);
  auto report = runner.Flush([&](const store::OutboxMessage& m) -> Result<connectors::Delivery> {
    auto n = NotificationFromJson(m.payload);
    if (!n) return std::unexpected(n.error());
    if (n->IsIncidentEvent()) {
      auto digest = SendDigest(stored, *type, *channel, m, *n, covered);
      if (!digest) return std::unexpected(digest.error());
      if (*digest) return **digest;
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
  WriteLines();
  return report;
}

bool ChannelOutbox::Admit(const std::string& channel, const json::object& config,
                          const ChannelType& type) {
  double rate = ChannelRate(config, type);
  {
    std::lock_guard lock(mu_);
    const Bucket& b = buckets_[channel];
    if (clock_.Now() < b.paused_until) {
      throttled_++;
      HeldBack(b, 0);
      return false;
    }
  }
  if (rate <= 0) return true;
  if (Token(channel, rate, ChannelBurst(config, type), true)) return true;
  std::lock_guard lock(mu_);
  throttled_++;
  HeldBack(buckets_[channel], rate);
  return false;
}

void ChannelOutbox::HeldBack(const Bucket& b, double rate) {
  Time at = b.paused_until;
  if (rate > 0) {
    auto wait = std::chrono::duration<double>(std::max(0.0, 1.0 - b.tokens) * 60.0 / rate);
    at = std::max(at, b.refilled + std::chrono::duration_cast<Duration>(wait));
  }
  if (!next_token_at_ || at < *next_token_at_) next_token_at_ = at;
}

std::optional<Time> ChannelOutbox::NextTokenAt() const {
  std::lock_guard lock(mu_);
  return next_token_at_;
}

bool ChannelOutbox::Token(const std::string& key, double rate, double burst, bool take) {
  Time now = clock_.Now();
  std::lock_guard lock(mu_);
  Bucket& b = buckets_[key];
  if (!b.started) {
    b = Bucket{.tokens = burst, .refilled = now, .paused_until = b.paused_until, .started = true};
  } else if (now > b.refilled) {
    double minutes = std::chrono::duration<double>(now - b.refilled).count() / 60.0;
    b.tokens = std::min(burst, b.tokens + minutes * rate);
    b.refilled = now;
  }
  if (b.tokens < 1.0) return false;
  if (take) b.tokens -= 1.0;
  return true;
}

bool ChannelOutbox::Empty(const std::string& key, double rate, double burst) {
  return rate > 0 && !Token(key, rate, burst, false);
}

Result<std::optional<connectors::Delivery>> ChannelOutbox::SendDigest(
    const store::StoredChannel& stored, const ChannelType& type, Channel& channel,
    const store::OutboxMessage& m, const Notification& n, std::set<int64_t>& covered) {
  // PagerDuty takes each trigger and resolve by its dedup key: never bundled.
  if (n.event == "war_room" || n.event == "digest" || type.name == "pagerduty") {
    return std::nullopt;
  }
  auto config = json::Parse(stored.config);
  if (!config || !config->is_object()) return std::nullopt;
  const json::object& c = config->as_object();
  // Throttled: the channel's bucket (or this person's) has nothing left after this message.
  bool throttled = Empty(stored.name, ChannelRate(c, type), ChannelBurst(c, type));
  if (!throttled && !n.address.empty()) {
    auto pr = json::GetOptionalInt(c, "person_rate_per_minute");
    double person_rate =
        pr && *pr ? static_cast<double>(**pr) : type.default_person_rate_per_minute;
    throttled = Empty(PersonKey(stored.name, n.address), person_rate, kPersonBurst);
  }
  if (!throttled) return std::nullopt;
  const std::string name = store::ChannelOutbox(stored.name);
  auto pending = outbox_.ListOutbound(name, "pending", 500);
  if (!pending) return std::unexpected(pending.error());
  Time now = clock_.Now();
  // What may go with `m`: later messages to the same destination, due, whose incident has no
  // earlier message still waiting (order per incident is kept).
  std::set<int64_t> blocked;
  std::vector<std::pair<store::OutboxMessage, Notification>> more;
  for (const auto& x : *pending) {
    if (x.seq == m.seq || covered.contains(x.seq)) continue;
    if (x.seq < m.seq || blocked.contains(x.incident) || x.next_attempt_at > now) {
      blocked.insert(x.incident);
      continue;
    }
    auto e = NotificationFromJson(x.payload);
    if (!e || !e->IsIncidentEvent() || e->event == "war_room" || e->event == "digest" ||
        e->address != n.address) {
      blocked.insert(x.incident);
      continue;
    }
    more.emplace_back(x, std::move(*e));
  }
  if (more.empty()) return std::nullopt;
  // As many as the destination's one message holds: an SMS keeps to two segments, so it lists
  // incident numbers only; the others list a line per message.
  auto item = [](const Notification& x) {
    return core::IncidentId(x.incident) + " " +
           (x.event == "page"           ? "page (level " + std::to_string(x.level) + ")"
            : x.event == "sla_breached" ? std::string("SLA breached")
                                        : x.event);
  };
  const bool sms = type.name == "sms";
  const size_t max_items = sms ? 1000 : 50;
  std::vector<const Notification*> listed = {&n};
  std::string list = item(n);
  for (const auto& [x, e] : more) {
    if (listed.size() >= max_items) break;
    std::string next = list + ", " + item(e);
    // "NNN incident updates (throttled): " is at most 36 characters; 306 make two segments.
    if (sms && 36 + next.size() > 306) break;
    list = std::move(next);
    listed.push_back(&e);
  }
  Notification d = n;
  d.event = "digest";
  d.message_id = n.message_id + "-digest";
  d.incident = 0;
  d.ack_url.clear();
  d.incident_url.clear();
  d.mentions.clear();
  d.actor.clear();
  d.title = std::to_string(listed.size()) + " incident updates (throttled): " + list;
  d.note.clear();
  for (const auto* x : listed) {
    if (x->severity < d.severity) d.severity = x->severity;  // the most severe
    d.note += (d.note.empty() ? "" : "\n") + item(*x) + " [" +
              std::string(core::SeverityName(x->severity)) + "] " + x->title;
  }
  auto sent = channel.Send(d);
  if (!sent) return std::unexpected(sent.error());
  std::string suffix = " (in a digest of " + std::to_string(listed.size()) + ")";
  RecordDelivery(stored, n, suffix);
  for (size_t i = 0; i + 1 < listed.size(); ++i) {
    const auto& [x, e] = more[i];
    covered.insert(x.seq);
    auto done = outbox_.FinishOutbound(x.seq, "sent", x.attempts + 1, now, "", now);
    if (!done) return std::unexpected(done.error());
    RecordDelivery(stored, e, suffix);
  }
  return std::optional<connectors::Delivery>(*sent);
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

void ChannelOutbox::RecordDelivery(const store::StoredChannel& channel, const Notification& n,
                                   const std::string& suffix) {
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
                        .message = what + suffix,
                        .source = "im",
                        .external_key = "notify:" + n.message_id + ":" + channel.name};
  std::lock_guard lock(mu_);
  lines_.emplace_back(n.incident, std::move(e));
}

void ChannelOutbox::WriteLines() {
  std::vector<std::pair<int64_t, core::TimelineEntry>> lines;
  {
    std::lock_guard lock(mu_);
    lines.swap(lines_);
  }
  if (lines.empty() || !ctx_.incidents) return;
  // One transaction for the pass's lines (one write, not one per message); if it fails, one
  // each, so one bad line does not lose the others.
  auto all = ctx_.incidents->Transact([&](store::Tx& tx) -> Result<void> {
    for (const auto& [incident, e] : lines) {
      if (auto ok = tx.AppendTimeline(incident, {e}); !ok) return ok;
    }
    return Ok();
  });
  if (all) return;
  for (const auto& [incident, e] : lines) {
    auto ok =
        ctx_.incidents->Transact([&](store::Tx& tx) { return tx.AppendTimeline(incident, {e}); });
    // Not lost: the message was delivered; only its line on the timeline is missing.
    if (!ok) log_->warn("INC-{}: recording the notification: {}", incident, ok.error().message);
  }
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
