// The middleware chain every simulated provider route goes through.
#include "sim/common/sim_router.h"

namespace im::sim {

bool SimRouter::Roll(double p) {
  if (p <= 0) return false;
  std::lock_guard lock(rng_mu_);
  return rng_.Chance(p);
}

void SimRouter::Add(const std::string& method, const std::string& pattern, http::Handler handler,
                    SimRoute route) {
  // Blocking: the added-latency knob waits on a worker thread, never on a network thread.
  router_.Add(method, pattern,
              [this, handler = std::move(handler), route](const net::HttpRequest& req) {
                return Serve(req, handler, route);
              },
              {.blocking = true});
}

net::HttpResponse SimRouter::Serve(const net::HttpRequest& req, const http::Handler& handler,
                                   const SimRoute& route) {
  Knobs k = ctx_.knobs.Get();
  LoggedRequest entry{0, ctx_.clock.Now(), req.method, req.target, req.body, 0, ""};
  for (const auto& [name, value] : req.headers) {
    if (!net::HeaderNameEquals(name, "Authorization")) entry.headers.emplace_back(name, value);
  }
  entry.problems = rules_.Problems(req, route.authenticated);
  auto done = [&](net::HttpResponse res) {
    entry.status = res.status;
    ctx_.log.Add(std::move(entry));
    return res;
  };
  if (k.latency_ms > 0 && ctx_.sleep) ctx_.sleep(std::chrono::milliseconds(k.latency_ms));
  if (Roll(k.error_rate)) return done(rules_.ServerError());

  if (route.authenticated) {
    AuthOutcome auth = rules_.Authenticate(req, ctx_.keys, route.write);
    if (auto* refusal = std::get_if<net::HttpResponse>(&auth)) return done(std::move(*refusal));
    entry.key = std::get<std::string>(auth);
  }
  if (ctx_.knobs.TakeBurst()) {
    RateDecision d{false, route.limiter ? route.limiter->policy().limit : 0, 0, 60, 60};
    return done(rules_.TooManyRequests(d, k.bare_429));
  }
  std::optional<RateDecision> decision;
  if (route.limiter && k.rate_limit) {
    decision = route.limiter->Take(entry.key);
    if (!decision->allowed) return done(rules_.TooManyRequests(*decision, k.bare_429));
  }
  net::HttpResponse res = handler(req);
  if (ctx_.on_write && req.method != "GET" && req.method != "HEAD") ctx_.on_write();
  if (decision) rules_.AddRateHeaders(res, *decision);
  if (res.status >= 200 && res.status < 300 && res.body.size() > 1 && Roll(k.malformed_rate)) {
    res.body.resize(res.body.size() / 2);
  }
  if (Roll(k.reset_rate)) res.reset = true;  // after the handler: it took effect
  return done(std::move(res));
}

}  // namespace im::sim
