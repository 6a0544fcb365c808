// Sends the channels' durable outboxes: what a check or an incident change queued
// (store::MonitorStore::RecordCheck writes the messages in the same transaction as the outage) goes
// out through the connector core's OutboxRunner, one lease per channel, in queue order per
// incident, and also in order per dedup key across incidents (a new outage's trigger never
// overtakes the previous outage's resolve). Failures are retried with the channel type's backoff
// (or the provider's Retry-After); refusals parked. Each channel is throttled to its destination's
// rate, and each person (a page's phone, address or Slack id) to a few messages a minute; while a
// destination is throttled, what waits for it goes out as one digest ("13 incident updates:
// INC-4 declared, INC-5 declared, …") when its next message may go, instead of trickling.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "common/clock.h"
#include "monitor/channels/channel.h"
#include "store/connector_store.h"
#include "store/monitor_store.h"

namespace spdlog {
class logger;
}

namespace im::monitor {

// How many times one message is tried before it is parked: about 30 s apart three times, then
// growing to 10 min, so a PagerDuty outage of a day still delivers the page afterwards.
inline constexpr int kChannelMaxAttempts = 150;

struct ChannelHealth {
  std::string name;
  std::string type;
  int64_t pending = 0;
  int64_t parked = 0;
  int64_t sent_24h = 0;
  std::string last_error;  // of the newest parked or retrying message
  bool failing = false;    // something parked, or waiting after a failed try
};

class ChannelOutbox {
 public:
  ChannelOutbox(store::MonitorStore& monitors, store::ConnectorStore& outbox, ChannelContext ctx,
                const Clock& clock, std::shared_ptr<spdlog::logger> log);

  // One pass over every channel; returns how many messages were sent.
  Result<int64_t> FlushAll();
  Result<connectors::OutboxReport> Flush(const store::StoredChannel& channel);

  // What each channel's outbox holds (for `im channel list`, /metrics and the API).
  Result<std::vector<ChannelHealth>> Health();

  // Messages throttled (held for a later pass by the destination's rate) since start.
  int64_t throttled() const;

  // When the soonest destination that held messages back in the last FlushAll may send again
  // (its next token, or the end of a provider's Retry-After); nullopt when none was held. The
  // sender wakes then rather than at its next one-second pass, so a throttled channel drains
  // at its rate, not slower.
  std::optional<Time> NextTokenAt() const;

 private:
  // A token bucket per channel: `rate` tokens a minute, at most `burst` saved up.
  struct Bucket {
    double tokens = 0;
    Time refilled{};
    Time paused_until{};  // a 429's Retry-After
    bool started = false;
  };
  bool Admit(const std::string& channel, const json::object& config, const ChannelType& type);
  // Takes (or, with take false, only looks for) a token of bucket `key`.
  bool Token(const std::string& key, double rate, double burst, bool take);
  // Whether bucket `key` has no token left now (nothing may go to it before it refills).
  bool Empty(const std::string& key, double rate, double burst);
  void Pause(const std::string& channel, Duration d);
  // When `n`'s destination is throttled and more messages wait for it: one digest of `m` and
  // those (as many as the destination's message holds), sent now; the others it covers are
  // marked sent and put in `covered`. nullopt: send `m` by itself.
  Result<std::optional<connectors::Delivery>> SendDigest(const store::StoredChannel& stored,
                                                         const ChannelType& type, Channel& channel,
                                                         const store::OutboxMessage& m,
                                                         const Notification& n,
                                                         std::set<int64_t>& covered);
  // Notes a delivered incident notification for the incident's timeline (once per message);
  // WriteLines, at the end of each pass, writes the pass's lines in one transaction.
  void RecordDelivery(const store::StoredChannel& channel, const Notification& n,
                      const std::string& suffix = "");
  void WriteLines();

  store::MonitorStore& monitors_;
  store::ConnectorStore& outbox_;
  ChannelContext ctx_;
  const Clock& clock_;
  std::shared_ptr<spdlog::logger> log_;
  mutable std::mutex mu_;
  std::map<std::string, Bucket> buckets_;                       // GUARDED_BY(mu_)
  int64_t throttled_ = 0;                                       // GUARDED_BY(mu_)
  std::optional<Time> next_token_at_;                           // GUARDED_BY(mu_)
  std::vector<std::pair<int64_t, core::TimelineEntry>> lines_;  // GUARDED_BY(mu_)
  // Notes that bucket `b` held a message back.
  void HeldBack(const Bucket& b, double rate);
};

}  // namespace im::monitor
