// `im sim slack`: Slack's incoming webhooks and the Web API methods im uses, as Slack documents
// them (api.slack.com/messaging/webhooks, /methods/chat.postMessage, conversations.create,
// conversations.invite, conversations.list, /docs/rate-limits): webhooks answer "ok" or an
// error text with 400/403/404/410; Web API methods answer HTTP 200 with {"ok":false,
// "error":...} for refusals, and HTTP 429 with Retry-After past one message a second per
// channel (short bursts allowed). GET /_sim/state shows what it holds.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "http/router.h"
#include "sim/chatops/bucket.h"

namespace im::sim::chatops {

struct SlackSimOptions {
  std::vector<std::string> bot_tokens = {"xoxb-sim-token"};
  std::string webhook_path = "/services/T0SIM/B0SIM/simsecret";
  std::string webhook_channel = "C0ALERTS";  // where the webhook posts
  std::vector<std::string> channels = {
      "C0ALERTS"};                   // existing public channels (ids; name = id lowercased)
  double per_second = 1, burst = 3;  // per channel
};

class SlackSim {
 public:
  SlackSim(SlackSimOptions options, const Clock& clock);
  void Register(http::Router& router);

  struct Posted {
    std::string channel;  // id
    std::string text;
    json::object body;
    Time at{};  // when it was received (/_sim/state's "at_us", for benchmarks)
  };
  struct Conversation {
    std::string id, name;
    std::vector<std::string> members;
  };
  std::vector<Posted> posted() const;
  std::vector<Conversation> conversations() const;
  int creates_ok() const;  // conversations.create calls that made a channel
  json::object State() const;

 private:
  net::HttpResponse Webhook(const net::HttpRequest& req);
  net::HttpResponse Method(const std::string& method, const net::HttpRequest& req);

  SlackSimOptions options_;
  const Clock& clock_;
  Buckets buckets_;
  mutable std::mutex mu_;
  std::vector<Posted> posted_;                 // GUARDED_BY(mu_)
  std::map<std::string, Conversation> convs_;  // GUARDED_BY(mu_), by id
  int next_id_ = 1;                            // GUARDED_BY(mu_)
  int creates_ok_ = 0;                         // GUARDED_BY(mu_)
};

}  // namespace im::sim::chatops
