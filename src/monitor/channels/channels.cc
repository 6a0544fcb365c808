#include "monitor/channels/channels.h"

#include <algorithm>

#include "common/crypto.h"
#include "common/time.h"
#include "monitor/monitors.h"

namespace im::monitor {
namespace {

std::string TypeList() {
  std::string out;
  for (const auto& n : ChannelTypeNames()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

json::object ChannelViewJson(const ChannelView& v) {
  return json::object{{"name", v.name},
                      {"type", v.type},
                      {"config", v.config},
                      {"created_at", FormatTime(v.created_at)},
                      {"health", json::object{{"status", v.health.failing ? "failing" : "ok"},
                                              {"pending", v.health.pending},
                                              {"parked", v.health.parked},
                                              {"sent_24h", v.health.sent_24h},
                                              {"last_error", v.health.last_error}}}};
}

Channels::Channels(store::MonitorStore& monitors, ChannelOutbox& outbox, ChannelContext ctx,
                   const Clock& clock, std::string install_id)
    : monitors_(monitors),
      outbox_(outbox),
      ctx_(ctx),
      clock_(clock),
      install_id_(std::move(install_id)) {
  if (!ctx_.clock) ctx_.clock = &clock_;
}

Result<ChannelView> Channels::Add(const std::string& type_name, const std::string& name,
                                  const json::object& config) {
  const ChannelType* type = FindChannelType(type_name);
  if (!type) {
    return InvalidAt("type", "'" + type_name + "' is not a channel type this im has; use " +
                                 TypeList() + " (slack, email and sms come later)");
  }
  if (name.empty() || name.size() > 100 || name.find_first_of(" \t\n,/") != std::string::npos) {
    return InvalidAt("name", "give 1 to 100 characters without spaces, commas or slashes");
  }
  // The throttle is every type's: taken out before the type reads its fields.
  json::object own = config;
  json::object throttle;
  for (const char* f : {"rate_per_minute", "burst", "person_rate_per_minute"}) {
    auto it = own.find(f);
    if (it == own.end()) continue;
    auto v = json::GetOptionalInt(own, f);
    if (!v || !*v || **v < 0 || **v > 100000) {
      return InvalidAt(f, "give a whole number from 0 to 100000 (rate_per_minute 0: no limit)");
    }
    throttle[f] = **v;
    own.erase(f);
  }
  auto normalized = type->parse_config(own);
  if (!normalized) return std::unexpected(normalized.error());
  for (const auto& [k, v] : throttle) (*normalized)[k] = v;
  auto sealed = SealChannelSecrets(*type, *normalized, ctx_);
  if (!sealed) return std::unexpected(sealed.error());
  store::StoredChannel c{.name = name,
                         .type = type->name,
                         .config = json::Serialize(*sealed),
                         .created_at = clock_.Now()};
  if (auto ok = monitors_.AddChannel(c); !ok) return std::unexpected(ok.error());
  return ChannelView{.name = name,
                     .type = type->name,
                     .config = type->redact(*normalized),
                     .created_at = c.created_at,
                     .health = {.name = name, .type = type->name}};
}

Result<std::vector<ChannelView>> Channels::List() {
  auto list = monitors_.ListChannels();
  if (!list) return std::unexpected(list.error());
  auto health = outbox_.Health();
  if (!health) return std::unexpected(health.error());
  std::vector<ChannelView> out;
  for (const auto& c : *list) {
    ChannelView v{.name = c.name, .type = c.type, .created_at = c.created_at};
    auto config = json::Parse(c.config);
    const ChannelType* type = FindChannelType(c.type);
    if (config && config->is_object() && type) {
      auto plain = UnsealChannelSecrets(*type, config->as_object(), ctx_);
      v.config = type->redact(plain ? *plain : config->as_object());
    }
    for (const auto& h : *health) {
      if (h.name == c.name) v.health = h;
    }
    out.push_back(std::move(v));
  }
  return out;
}

Result<ChannelTestResult> Channels::Test(const std::string& name) {
  auto stored = monitors_.GetChannel(name);
  if (!stored) return std::unexpected(stored.error());
  const ChannelType* type = FindChannelType(stored->type);
  auto config = json::Parse(stored->config);
  if (!type || !config || !config->is_object()) {
    return Fail(ErrorCode::kFailedPrecondition, "channel " + name + " cannot be opened");
  }
  auto plain = UnsealChannelSecrets(*type, config->as_object(), ctx_);
  if (!plain) return std::unexpected(plain.error());
  auto channel = type->open(*plain, ctx_);
  Notification n{.kind = Notification::Kind::kTrigger,
                 .dedup_key = "im-" + install_id_ + "-test-" + HexEncode(RandomBytes(4)),
                 .monitor_name = "im channel test",
                 .monitor_type = "test",
                 .status = "down",
                 .error = "a test page from `im channel test " + name + "`; it resolves itself",
                 .region = "local",
                 .service = "im",
                 .severity = core::Severity::kSev4,
                 .at = clock_.Now()};
  ChannelTestResult r{.dedup_key = n.dedup_key};
  auto trigger = channel->Send(n);
  r.trigger = trigger ? "sent" : trigger.error().message;
  if (!trigger) return r;
  n.kind = Notification::Kind::kResolve;
  n.status = "up";
  auto resolve = channel->Send(n);
  r.resolve = !resolve                                     ? resolve.error().message
              : *resolve == connectors::Delivery::kSkipped ? "skipped (auto_resolve is off)"
                                                           : "sent";
  r.ok = static_cast<bool>(resolve);
  return r;
}

Result<void> Channels::Remove(const std::string& name) {
  if (auto c = monitors_.GetChannel(name); !c) return std::unexpected(c.error());
  auto list = monitors_.ListMonitors();
  if (!list) return std::unexpected(list.error());
  for (const auto& s : *list) {
    auto m = MonitorFromStored(s);
    if (m && std::find(m->channels.begin(), m->channels.end(), name) != m->channels.end()) {
      return Fail(ErrorCode::kFailedPrecondition, "monitor " + s.name + " pages channel " + name +
                                                      "; take it off first (`im monitor edit " +
                                                      s.name +
                                                      " --channel OTHER`, or remove the monitor)");
    }
  }
  return monitors_.RemoveChannel(name);
}

}  // namespace im::monitor
