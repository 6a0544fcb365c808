// Knobs to and from JSON, with the same checked access as any untrusted input.
#include "sim/common/knobs.h"

namespace im::sim {
namespace {

Result<double> GetNumber(const json::value& v, std::string_view name) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return Fail(ErrorCode::kInvalidArgument, "knob '" + std::string(name) + "' must be a number");
}

Result<double> GetRate(const json::value& v, std::string_view name) {
  auto d = GetNumber(v, name);
  if (!d) return d;
  if (*d < 0 || *d > 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "knob '" + std::string(name) + "' is a fraction between 0 and 1");
  }
  return d;
}

Result<int64_t> GetCount(const json::value& v, std::string_view name) {
  auto d = GetNumber(v, name);
  if (!d) return std::unexpected(d.error());
  if (*d < 0) {
    return Fail(ErrorCode::kInvalidArgument, "knob '" + std::string(name) + "' must be >= 0");
  }
  return static_cast<int64_t>(*d);
}

Result<bool> GetBool(const json::value& v, std::string_view name) {
  if (!v.is_bool()) {
    return Fail(ErrorCode::kInvalidArgument, "knob '" + std::string(name) + "' must be a bool");
  }
  return v.get_bool();
}

}  // namespace

Result<Knobs> PatchKnobs(const Knobs& knobs, const json::object& patch) {
  Knobs k = knobs;
  for (const auto& [key, v] : patch) {
    std::string_view name = key;
    Result<void> ok;
    auto set_rate = [&](double& out) {
      auto r = GetRate(v, name);
      if (r)
        out = *r;
      else
        ok = std::unexpected(r.error());
    };
    auto set_count = [&](int64_t& out) {
      auto r = GetCount(v, name);
      if (r)
        out = *r;
      else
        ok = std::unexpected(r.error());
    };
    auto set_bool = [&](bool& out) {
      auto r = GetBool(v, name);
      if (r)
        out = *r;
      else
        ok = std::unexpected(r.error());
    };
    if (name == "rate_limit")
      set_bool(k.rate_limit);
    else if (name == "error_rate")
      set_rate(k.error_rate);
    else if (name == "latency_ms")
      set_count(k.latency_ms);
    else if (name == "burst_429")
      set_count(k.burst_429);
    else if (name == "bare_429")
      set_bool(k.bare_429);
    else if (name == "malformed_rate")
      set_rate(k.malformed_rate);
    else if (name == "reset_rate")
      set_rate(k.reset_rate);
    else if (name == "webhook_duplicate_rate")
      set_rate(k.webhook_duplicate_rate);
    else if (name == "webhook_drop_rate")
      set_rate(k.webhook_drop_rate);
    else if (name == "webhook_out_of_order")
      set_bool(k.webhook_out_of_order);
    else if (name == "webhook_delay_ms")
      set_count(k.webhook_delay_ms);
    else if (name == "webhook_max_attempts")
      set_count(k.webhook_max_attempts);
    else if (name == "async_delay_ms")
      set_count(k.async_delay_ms);
    else if (name == "throttle_by_delay")
      set_bool(k.throttle_by_delay);
    else if (name == "incident_api")
      set_bool(k.incident_api);
    else
      return Fail(ErrorCode::kInvalidArgument, "unknown knob '" + std::string(name) + "'");
    if (!ok) return std::unexpected(ok.error());
  }
  return k;
}

json::object KnobsToJson(const Knobs& k) {
  return {{"rate_limit", k.rate_limit},
          {"error_rate", k.error_rate},
          {"latency_ms", k.latency_ms},
          {"burst_429", k.burst_429},
          {"bare_429", k.bare_429},
          {"malformed_rate", k.malformed_rate},
          {"reset_rate", k.reset_rate},
          {"webhook_duplicate_rate", k.webhook_duplicate_rate},
          {"webhook_drop_rate", k.webhook_drop_rate},
          {"webhook_out_of_order", k.webhook_out_of_order},
          {"webhook_delay_ms", k.webhook_delay_ms},
          {"webhook_max_attempts", k.webhook_max_attempts},
          {"async_delay_ms", k.async_delay_ms},
          {"throttle_by_delay", k.throttle_by_delay},
          {"incident_api", k.incident_api}};
}

}  // namespace im::sim
