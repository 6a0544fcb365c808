// Deployments and DORA metrics over HTTP: POST /webhooks/deployments (signed or token-authed),
// GET /api/v1/deployments[/{id}], GET /api/v1/metrics/dora, and the link by hand
// /api/v1/incidents/{id}/deployment. Thin: parsing here, rules in dora/ and engine/.
#include <cctype>
#include <charconv>

#include "common/crypto.h"
#include "common/strings.h"
#include "common/time.h"
#include "core/incident.h"
#include "dora/deployment_json.h"
#include "http/api/api.h"
#include "http/status.h"

namespace im::http::api {
namespace {

using net::HttpRequest;
using net::HttpResponse;

// The source of a verified delivery: "webhook:<secret name>" when X-Im-Signature is
// "sha256=<hex HMAC-SHA256(secret, raw body)>" for a configured secret, "token:<email>" for a
// valid bearer token. A signature that matches no secret is refused even with a token.
Result<std::string> Authenticate(ApiContext& ctx, const HttpRequest& req) {
  if (auto sig = req.Header("X-Im-Signature")) {
    std::string given(*sig);
    for (auto& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (given.starts_with("sha256=") && ctx.deployment_secrets) {
      const std::string_view hex = std::string_view(given).substr(7);
      for (const auto& [name, secret] : *ctx.deployment_secrets) {
        if (ConstantTimeEquals(hex, HexEncode(HmacSha256(secret, req.body)))) {
          return "webhook:" + name;
        }
      }
    }
    return Fail(ErrorCode::kUnauthenticated,
                "X-Im-Signature does not match any configured deployment webhook secret; sign "
                "the raw body as sha256=<hex HMAC-SHA256> with the secret in dora.webhook_secrets");
  }
  if (!req.Header("Authorization")) {
    return Fail(ErrorCode::kUnauthenticated,
                "sign the body with X-Im-Signature (dora.webhook_secrets) or send "
                "Authorization: Bearer <token> (`im token create`)");
  }
  auto actor = Authorize(req, ctx.tokens);
  if (!actor) return std::unexpected(actor.error());
  return "token:" + actor->email;
}

HttpResponse BadRequest(const Error& e) {
  return e.code == ErrorCode::kInvalidArgument ? MalformedBodyResponse(e) : ErrorResponse(e);
}

HttpResponse ReceiveDeployment(ApiContext& ctx, const HttpRequest& req) {
  auto source = Authenticate(ctx, req);
  if (!source) return ErrorResponse(source.error());
  auto v = json::Parse(req.body);
  if (!v) return MalformedBodyResponse(v.error());
  if (!v->is_object()) {
    return MalformedBodyResponse({ErrorCode::kInvalidArgument, "body must be a JSON object"});
  }
  auto d = dora::DeploymentFromWebhookJson(v->as_object());
  if (!d) return BadRequest(d.error());
  auto r = ctx.deployments->Record(std::move(*d), *source);
  if (!r) return BadRequest(r.error());
  json::object body{{"deployment", dora::DeploymentToJson(r->deployment)},
                    {"duplicate", !r->created},
                    {"reattributed_incidents", r->reattributed}};
  return JsonResponse(r->created ? 201 : 200, body);
}

Result<std::optional<Time>> TimeParam(const HttpRequest& req, const char* name, Time now) {
  auto v = req.Query(name);
  if (!v) return std::optional<Time>();
  auto t = ParseTimeRelative(*v, now);
  if (!t) return std::unexpected(t.error().Wrap(std::string("query parameter '") + name + "'"));
  return std::optional<Time>(*t);
}

Result<int64_t> LimitParam(const HttpRequest& req, int64_t def) {
  auto v = req.Query("limit");
  if (!v) return def;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < 1 || n > 10000) {
    return Fail(ErrorCode::kInvalidArgument,
                "query parameter 'limit' must be a whole number from 1 to 10000");
  }
  return n;
}

HttpResponse ListDeployments(ApiContext& ctx, const HttpRequest& req) {
  store::DeploymentFilter f;
  f.services = SplitCommaLists(req.QueryAll("service"));
  if (auto ok = CheckServiceParam(f.services, "service"); !ok) return ErrorResponse(ok.error());
  if (auto env = req.Query("environment")) f.environment = *env;
  auto since = TimeParam(req, "since", ctx.clock.Now());
  if (!since) return ErrorResponse(since.error());
  auto until = TimeParam(req, "until", ctx.clock.Now());
  if (!until) return ErrorResponse(until.error());
  f.since = *since;
  f.until = *until;
  if (f.since && f.until && *f.since >= *f.until) {
    return ErrorResponse({ErrorCode::kInvalidArgument,
                          "query parameter 'since' must be before 'until': swap them, or leave "
                          "one out"});
  }
  auto limit = LimitParam(req, 100);
  if (!limit) return ErrorResponse(limit.error());
  f.limit = *limit;
  auto list = ctx.deployments->store().List(f);
  if (!list) return ErrorResponse(list.error());
  json::array items;
  for (const auto& d : *list) items.push_back(dora::DeploymentToJson(d));
  return JsonResponse(200, json::object{{"deployments", std::move(items)}});
}

HttpResponse DoraMetrics(ApiContext& ctx, const HttpRequest& req) {
  engine::DoraQuery q;
  auto since = TimeParam(req, "since", ctx.clock.Now());
  if (!since) return ErrorResponse(since.error());
  auto until = TimeParam(req, "until", ctx.clock.Now());
  if (!until) return ErrorResponse(until.error());
  q.since = *since;
  q.until = *until;
  q.service = req.Query("service").value_or("");
  if (!q.service.empty()) {
    if (auto ok = CheckServiceParam({q.service}, "service"); !ok) return ErrorResponse(ok.error());
  }
  q.team = req.Query("team").value_or("");
  q.zone = req.Query("zone").value_or("");
  for (const auto& what : SplitCommaLists(req.QueryAll("include"))) {
    if (what == "incidents") {
      q.list_incidents = true;
    } else if (what == "deployments") {
      q.list_deployments = true;
    } else if (what == "sources") {
      q.by_source = true;
    } else {
      return ErrorResponse({ErrorCode::kInvalidArgument,
                            "query parameter 'include' takes incidents, deployments and sources, "
                            "not '" +
                                what + "'"});
    }
  }
  if (auto low = req.Query("include_low_urgency")) {
    if (*low != "true" && *low != "false") {
      return ErrorResponse(
          {ErrorCode::kInvalidArgument, "query parameter 'include_low_urgency' is true or false"});
    }
    q.include_low_urgency = *low == "true";
  }
  auto limit = LimitParam(req, 1000);
  if (!limit) return ErrorResponse(limit.error());
  q.limit = *limit;
  auto r = ctx.deployments->Report(q);
  if (!r) return ErrorResponse(r.error());
  return JsonResponse(200, engine::DoraResultToJson(*r));
}

json::object AttributionJson(int64_t incident, const std::optional<store::Attribution>& a) {
  const bool linked = a && !a->deployment_id.empty();
  return json::object{{"incident", core::IncidentId(incident)},
                      {"deployment", linked ? json::value(a->deployment_id) : json::value(nullptr)},
                      {"manual", a && a->manual},
                      {"explanation", a ? json::value(a->explanation) : json::value(nullptr)}};
}

Result<int64_t> IncidentParam(const HttpRequest& req) {
  auto n = core::ParseIncidentId(req.Param("id"));
  if (!n) return std::unexpected(Error{ErrorCode::kNotFound, n.error().message});
  return n;
}

HttpResponse Attribution(ApiContext& ctx, const HttpRequest& req, const std::string& method) {
  auto n = IncidentParam(req);
  if (!n) return ErrorResponse(n.error());
  if (method == "GET") {
    auto a = ctx.deployments->AttributionOf(*n);
    return a ? JsonResponse(200, AttributionJson(*n, *a)) : ErrorResponse(a.error());
  }
  auto actor = Authorize(req, ctx.tokens);
  if (!actor) return ErrorResponse(actor.error());
  if (method == "DELETE") {
    auto a = ctx.deployments->Unlink(*n, actor->email);
    return a ? JsonResponse(200, AttributionJson(*n, *a)) : ErrorResponse(a.error());
  }
  if (method == "RESET") {
    auto a = ctx.deployments->Reset(*n);
    return a ? JsonResponse(200, AttributionJson(*n, *a)) : ErrorResponse(a.error());
  }
  auto body = ReadBody(req);
  if (!body) return body.error();
  if (auto ok = json::RejectUnknownFields(*body, {"deployment"}); !ok) {
    return ErrorResponse(ok.error());
  }
  auto id = json::GetString(*body, "deployment");
  if (!id) return ErrorResponse(id.error());
  auto a = ctx.deployments->Link(*n, *id, actor->email);
  return a ? JsonResponse(200, AttributionJson(*n, *a)) : ErrorResponse(a.error());
}

}  // namespace

void AddDoraRoutes(Router& router, ApiContext& ctx) {
  const RouteOptions write{.blocking = true};
  router.Add(
      "POST", "/webhooks/deployments",
      [&](const HttpRequest& r) { return ReceiveDeployment(ctx, r); }, write);
  router.Add("GET", "/api/v1/deployments",
             [&](const HttpRequest& r) { return ListDeployments(ctx, r); });
  router.Add("GET", "/api/v1/deployments/{id}", [&](const HttpRequest& r) {
    auto d = ctx.deployments->store().Get(r.Param("id"));
    return d ? JsonResponse(200, dora::DeploymentToJson(*d)) : ErrorResponse(d.error());
  });
  router.Add(
      "GET", "/api/v1/metrics/dora", [&](const HttpRequest& r) { return DoraMetrics(ctx, r); },
      write);
  const std::string path = "/api/v1/incidents/{id}/deployment";
  for (const char* method : {"GET", "PUT", "DELETE"}) {
    router.Add(
        method, path,
        [&ctx, m = std::string(method)](const HttpRequest& r) { return Attribution(ctx, r, m); },
        write);
  }
  router.Add(
      "POST", path + "/reset", [&](const HttpRequest& r) { return Attribution(ctx, r, "RESET"); },
      write);
}

}  // namespace im::http::api
