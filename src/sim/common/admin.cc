// /_sim/ handlers. Errors use im's own shape {"error":{"code","message"}}: this is our API.
#include "sim/common/admin.h"

#include "common/time.h"
#include "sim/common/json_response.h"

namespace im::sim {
namespace {

net::HttpResponse AdminError(const Error& e) {
  int status = e.code == ErrorCode::kNotFound ? 404 : 400;
  return JsonResponse(status, json::object{{"error", json::object{{"code", ErrorCodeName(e.code)},
                                                                  {"message", e.message}}}});
}

json::value KeysJson(const KeyStore& keys) {
  json::array out;
  for (const auto& k : keys.List()) {
    json::object o{{"key", k.key}, {"read_only", k.read_only}};
    if (!k.team.empty()) o["team"] = k.team;
    if (!k.region.empty()) o["region"] = k.region;
    out.push_back(std::move(o));
  }
  return json::object{{"keys", std::move(out)}};
}

Result<ApiKey> KeyFromJson(const json::value& v) {
  if (v.is_string()) return ParseApiKey(v.get_string());
  auto obj = json::AsObject(v, "key");
  if (!obj) return std::unexpected(obj.error());
  auto key = json::GetString(**obj, "key");
  if (!key) return std::unexpected(key.error());
  auto ro = json::GetOptionalBool(**obj, "read_only");
  if (!ro) return std::unexpected(ro.error());
  auto team = json::GetOptionalString(**obj, "team");
  if (!team) return std::unexpected(team.error());
  auto region = json::GetOptionalString(**obj, "region");
  if (!region) return std::unexpected(region.error());
  return ApiKey{*key, ro->value_or(false), team->value_or(""), region->value_or("")};
}

json::value TargetJson(const WebhookTarget& t) {
  json::array secrets;
  for (const auto& s : t.secrets) secrets.push_back(json::value(s));
  return json::object{{"url", t.url}, {"secrets", std::move(secrets)}};
}

}  // namespace

void AddAdminRoutes(http::Router& router, SimContext ctx, WebhookQueue* webhooks,
                    AdminHooks hooks) {
  router.Add("GET", "/_sim/requests", [ctx](const net::HttpRequest& req) {
    auto after = QueryInt(req, "after", 0);
    if (!after) return AdminError(after.error());
    json::array out;
    for (const auto& e : ctx.log.Since(*after)) {
      json::object headers;
      for (const auto& [name, value] : e.headers) headers[name] = value;
      json::array problems;
      for (const auto& p : e.problems) problems.emplace_back(p);
      out.push_back({{"seq", e.seq},
                     {"at", FormatTime(e.at)},
                     {"method", e.method},
                     {"target", e.target},
                     {"status", e.status},
                     {"key", e.key},
                     {"body", e.body},
                     {"headers", std::move(headers)},
                     {"problems", std::move(problems)}});
    }
    return JsonResponse(200, json::object{{"requests", std::move(out)}});
  });
  router.Add("DELETE", "/_sim/requests", [ctx](const net::HttpRequest&) {
    ctx.log.Clear();
    return JsonResponse(200, json::object{});
  });

  router.Add("GET", "/_sim/knobs", [ctx](const net::HttpRequest&) {
    return JsonResponse(200, KnobsToJson(ctx.knobs.Get()));
  });
  auto patch_knobs = [ctx](const net::HttpRequest& req) {
    auto body = ParseObjectBody(req.body);
    if (!body) return AdminError(body.error());
    auto k = PatchKnobs(ctx.knobs.Get(), *body);
    if (!k) return AdminError(k.error());
    ctx.knobs.Set(*k);
    return JsonResponse(200, KnobsToJson(*k));
  };
  router.Add("PATCH", "/_sim/knobs", patch_knobs);
  router.Add("PUT", "/_sim/knobs", patch_knobs);

  router.Add("GET", "/_sim/api_keys",
             [ctx](const net::HttpRequest&) { return JsonResponse(200, KeysJson(ctx.keys)); });
  router.Add("PUT", "/_sim/api_keys", [ctx](const net::HttpRequest& req) {
    auto body = ParseObjectBody(req.body);
    if (!body) return AdminError(body.error());
    auto list = json::GetOptionalArray(*body, "keys");
    if (!list) return AdminError(list.error());
    std::vector<ApiKey> keys;
    if (*list) {
      for (const auto& v : **list) {
        auto k = KeyFromJson(v);
        if (!k) return AdminError(k.error());
        keys.push_back(*k);
      }
    }
    ctx.keys.Set(keys);
    return JsonResponse(200, KeysJson(ctx.keys));
  });
  router.Add("POST", "/_sim/api_keys", [ctx](const net::HttpRequest& req) {
    auto body = json::Parse(req.body);
    if (!body) return AdminError(body.error());
    auto k = KeyFromJson(*body);
    if (!k) return AdminError(k.error());
    ctx.keys.Add(*k);
    return JsonResponse(201, KeysJson(ctx.keys));
  });
  router.Add("DELETE", "/_sim/api_keys/{key}", [ctx](const net::HttpRequest& req) {
    if (!ctx.keys.Remove(req.Param("key"))) {
      return AdminError({ErrorCode::kNotFound, "no such API key"});
    }
    return JsonResponse(200, KeysJson(ctx.keys));
  });

  if (webhooks) {
    router.Add("GET", "/_sim/webhook", [webhooks](const net::HttpRequest&) {
      return JsonResponse(200, TargetJson(webhooks->target()));
    });
    router.Add("PUT", "/_sim/webhook", [webhooks](const net::HttpRequest& req) {
      auto body = ParseObjectBody(req.body);
      if (!body) return AdminError(body.error());
      WebhookTarget t = webhooks->target();
      auto url = json::GetOptionalString(*body, "url");
      auto secret = json::GetOptionalString(*body, "secret");
      auto secrets = json::GetOptionalArray(*body, "secrets");
      if (!url) return AdminError(url.error());
      if (!secret) return AdminError(secret.error());
      if (!secrets) return AdminError(secrets.error());
      if (*url) t.url = **url;
      if (*secret) t.secrets = {**secret};
      if (*secrets) {
        t.secrets.clear();
        for (const auto& s : **secrets) {
          if (!s.is_string())
            return AdminError(
                {ErrorCode::kInvalidArgument, "'secrets' must be an array of strings"});
          t.secrets.emplace_back(s.get_string());
        }
      }
      webhooks->SetTarget(t);
      return JsonResponse(200, TargetJson(t));
    });
    router.Add("GET", "/_sim/webhooks", [webhooks](const net::HttpRequest&) {
      WebhookStats s = webhooks->stats();
      json::array attempts;
      for (const auto& a : webhooks->attempts()) {
        attempts.push_back({{"id", a.id},
                            {"attempt", a.attempt},
                            {"at", FormatTime(a.at)},
                            {"status", a.status},
                            {"error", a.error},
                            {"outcome", a.outcome}});
      }
      return JsonResponse(200, json::object{{"stats",
                                             {{"enqueued", s.enqueued},
                                              {"delivered", s.delivered},
                                              {"failed_attempts", s.failed_attempts},
                                              {"dropped", s.dropped},
                                              {"given_up", s.given_up},
                                              {"pending", s.pending}}},
                                            {"attempts", std::move(attempts)}});
    });
    router.Add("POST", "/_sim/webhooks/run", [webhooks](const net::HttpRequest&) {
      return JsonResponse(200, json::object{{"attempted", webhooks->RunDue()}});
    });
  }

  if (hooks.state) {
    router.Add("GET", "/_sim/state",
               [hooks](const net::HttpRequest&) { return JsonResponse(200, hooks.state()); });
  }
  if (hooks.scenario) {
    router.Add("POST", "/_sim/scenarios/{name}", [hooks](const net::HttpRequest& req) {
      auto body =
          req.body.empty() ? Result<json::object>(json::object{}) : ParseObjectBody(req.body);
      if (!body) return AdminError(body.error());
      auto out = hooks.scenario(req.Param("name"), *body);
      if (!out) return AdminError(out.error());
      return JsonResponse(200, *out);
    });
  }
}

}  // namespace im::sim
