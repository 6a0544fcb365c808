#include "sim/chatops/slack_sim.h"

#include <algorithm>

namespace im::sim::chatops {
namespace {

net::HttpResponse Text(int status, std::string body) {
  return net::HttpResponse{.status = status, .content_type = "text/plain", .body = std::move(body)};
}

net::HttpResponse Json(const json::object& o, int status = 200) {
  return net::HttpResponse{.status = status,
                           .content_type = "application/json; charset=utf-8",
                           .body = json::Serialize(o)};
}

net::HttpResponse NotOk(const std::string& error) {
  return Json(json::object{{"ok", false}, {"error", error}});
}

// Web API arguments: JSON bodies or form-encoded ones, as Slack accepts both.
json::object Args(const net::HttpRequest& req) {
  auto type = req.Header("Content-Type");
  if (type && type->find("application/json") != std::string_view::npos) {
    auto v = json::Parse(req.body);
    if (v && v->is_object()) return v->as_object();
    return json::object{{"__invalid", true}};
  }
  json::object o;
  for (const auto& [k, v] : net::ParseQuery(req.body)) o[k] = v;
  return o;
}

bool HasContent(const json::object& o) {
  for (const char* f : {"text", "blocks", "attachments"}) {
    auto it = o.find(f);
    if (it == o.end()) continue;
    if (it->value().is_string() && !it->value().as_string().empty()) return true;
    if (it->value().is_array() && !it->value().as_array().empty()) return true;
  }
  return false;
}

}  // namespace

SlackSim::SlackSim(SlackSimOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      buckets_(clock, options_.per_second, options_.burst) {
  for (const auto& id : options_.channels) {
    std::string name = id;
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    convs_[id] = Conversation{.id = id, .name = name};
  }
}

void SlackSim::Register(http::Router& router) {
  router.Add("POST", options_.webhook_path,
             [this](const net::HttpRequest& r) { return Webhook(r); });
  router.Add("POST", "/services/{a}/{b}/{c}",
             [](const net::HttpRequest&) { return Text(404, "no_service"); });
  for (const char* m :
       {"chat.postMessage", "conversations.create", "conversations.invite", "conversations.list"}) {
    std::string method = m;
    router.Add("POST", "/api/" + method,
               [this, method](const net::HttpRequest& r) { return Method(method, r); });
  }
  router.Add("GET", "/_sim/state", [this](const net::HttpRequest&) { return Json(State()); });
}

net::HttpResponse SlackSim::Webhook(const net::HttpRequest& req) {
  auto v = json::Parse(req.body);
  if (!v || !v->is_object()) return Text(400, "invalid_payload");
  if (!HasContent(v->as_object())) return Text(400, "no_text");
  if (int wait = buckets_.Take("webhook"); wait > 0) {
    auto res = Text(429, "rate_limited");
    res.SetHeader("Retry-After", std::to_string(wait));
    return res;
  }
  std::lock_guard lock(mu_);
  posted_.push_back({options_.webhook_channel, json::StringOr(v->as_object(), "text"),
                     v->as_object(), clock_.Now()});
  return Text(200, "ok");
}

net::HttpResponse SlackSim::Method(const std::string& method, const net::HttpRequest& req) {
  auto auth = req.Header("Authorization");
  json::object args = Args(req);
  std::string token = auth && auth->starts_with("Bearer ") ? std::string(auth->substr(7))
                                                           : json::StringOr(args, "token");
  if (token.empty()) return NotOk("not_authed");
  if (std::find(options_.bot_tokens.begin(), options_.bot_tokens.end(), token) ==
      options_.bot_tokens.end()) {
    return NotOk("invalid_auth");
  }
  if (args.contains("__invalid")) return NotOk("invalid_json");
  if (method == "chat.postMessage") {
    std::string channel = json::StringOr(args, "channel");
    if (channel.empty()) return NotOk("channel_not_found");
    if (!HasContent(args)) return NotOk("no_text");
    std::string id;
    {
      std::lock_guard lock(mu_);
      std::string name = channel.starts_with("#") ? channel.substr(1) : channel;
      for (const auto& [cid, c] : convs_) {
        if (cid == channel || c.name == name) id = cid;
      }
      // A member id posts to the bot's DM with that person.
      if (id.empty() && (channel[0] == 'U' || channel[0] == 'W')) id = "D" + channel.substr(1);
    }
    if (id.empty()) return NotOk("channel_not_found");
    if (int wait = buckets_.Take(id); wait > 0) {
      auto res = Json(json::object{{"ok", false}, {"error", "ratelimited"}}, 429);
      res.SetHeader("Retry-After", std::to_string(wait));
      return res;
    }
    std::lock_guard lock(mu_);
    posted_.push_back({id, json::StringOr(args, "text"), args, clock_.Now()});
    std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                        clock_.Now().time_since_epoch())
                                        .count()) +
                     "." + std::to_string(100000 + posted_.size());
    return Json(json::object{
        {"ok", true},
        {"channel", id},
        {"ts", ts},
        {"message",
         json::object{{"type", "message"}, {"text", json::StringOr(args, "text")}, {"ts", ts}}}});
  }
  if (method == "conversations.create") {
    std::string name = json::StringOr(args, "name");
    if (name.empty()) return NotOk("invalid_name_required");
    if (name.size() > 80) return NotOk("invalid_name_maxlength");
    for (char c : name) {
      if (!(std::islower(static_cast<unsigned char>(c)) ||
            std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_')) {
        return NotOk("invalid_name_specials");
      }
    }
    std::lock_guard lock(mu_);
    for (const auto& [id, c] : convs_) {
      if (c.name == name) return NotOk("name_taken");
    }
    std::string id = "C0SIM" + std::to_string(next_id_++);
    convs_[id] = Conversation{.id = id, .name = name};
    creates_ok_++;
    return Json(json::object{{"ok", true},
                             {"channel", json::object{{"id", id},
                                                      {"name", name},
                                                      {"is_channel", true},
                                                      {"is_private", false},
                                                      {"creator", "U0SIMBOT"}}}});
  }
  if (method == "conversations.invite") {
    std::string channel = json::StringOr(args, "channel");
    std::string users = json::StringOr(args, "users");
    std::lock_guard lock(mu_);
    auto it = convs_.find(channel);
    if (it == convs_.end()) return NotOk("channel_not_found");
    if (users.empty()) return NotOk("no_user");
    std::vector<std::string> list;
    for (size_t start = 0; start <= users.size();) {
      size_t comma = users.find(',', start);
      std::string u =
          users.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!u.empty()) list.push_back(u);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    for (const auto& u : list) {
      if (u.empty() || (u[0] != 'U' && u[0] != 'W')) return NotOk("user_not_found");
    }
    bool added = false;
    for (const auto& u : list) {
      auto& m = it->second.members;
      if (std::find(m.begin(), m.end(), u) == m.end()) {
        m.push_back(u);
        added = true;
      }
    }
    if (!added) return NotOk("already_in_channel");
    return Json(json::object{
        {"ok", true}, {"channel", json::object{{"id", channel}, {"name", it->second.name}}}});
  }
  // conversations.list: cursor pagination (the cursor is an offset here).
  auto limit_arg = args.find("limit");
  int64_t limit = 100;
  if (limit_arg != args.end()) {
    if (limit_arg->value().is_int64()) limit = limit_arg->value().as_int64();
    if (limit_arg->value().is_string()) limit = std::atoll(limit_arg->value().as_string().c_str());
  }
  limit = std::clamp<int64_t>(limit, 1, 1000);
  size_t offset = 0;
  std::string cursor = json::StringOr(args, "cursor");
  if (!cursor.empty())
    offset = std::strtoull(cursor.c_str() + (cursor.starts_with("o:") ? 2 : 0), nullptr, 10);
  std::lock_guard lock(mu_);
  json::array list;
  size_t i = 0;
  for (const auto& [id, c] : convs_) {
    if (i++ < offset) continue;
    if (static_cast<int64_t>(list.size()) >= limit) break;
    list.push_back(json::object{{"id", id}, {"name", c.name}, {"is_channel", true}});
  }
  size_t next = offset + list.size();
  return Json(json::object{
      {"ok", true},
      {"channels", list},
      {"response_metadata",
       json::object{{"next_cursor", next < convs_.size() ? "o:" + std::to_string(next) : ""}}}});
}

std::vector<SlackSim::Posted> SlackSim::posted() const {
  std::lock_guard lock(mu_);
  return posted_;
}

std::vector<SlackSim::Conversation> SlackSim::conversations() const {
  std::lock_guard lock(mu_);
  std::vector<Conversation> out;
  for (const auto& [id, c] : convs_) out.push_back(c);
  return out;
}

int SlackSim::creates_ok() const {
  std::lock_guard lock(mu_);
  return creates_ok_;
}

json::object SlackSim::State() const {
  std::lock_guard lock(mu_);
  json::array posted, convs;
  for (const auto& p : posted_)
    posted.push_back(json::object{
        {"channel", p.channel},
        {"text", p.text},
        {"body", p.body},
        {"at_us",
         std::chrono::duration_cast<std::chrono::microseconds>(p.at.time_since_epoch()).count()}});
  for (const auto& [id, c] : convs_) {
    json::array members;
    for (const auto& m : c.members) members.emplace_back(m);
    convs.push_back(json::object{{"id", id}, {"name", c.name}, {"members", members}});
  }
  return json::object{{"posted", posted}, {"conversations", convs}, {"creates", creates_ok_}};
}

}  // namespace im::sim::chatops
