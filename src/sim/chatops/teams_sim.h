// `im sim teams`: a Microsoft Teams incoming webhook as Microsoft documents it
// (learn.microsoft.com "Create an Incoming Webhook", "Send Adaptive Cards using an Incoming
// Webhook"): POST a message whose attachments hold an Adaptive Card (contentType
// application/vnd.microsoft.card.adaptive); 200 with body "1"; a payload it cannot read 400
// "Bad payload received by generic incoming webhook."; more than 4 requests a second 429.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "http/router.h"
#include "sim/chatops/bucket.h"

namespace im::sim::chatops {

class TeamsSim {
 public:
  TeamsSim(const Clock& clock, std::string path = "/webhookb2/sim/IncomingWebhook/sim")
      : path_(std::move(path)), buckets_(clock, 4, 4) {}
  void Register(http::Router& router);
  std::vector<json::object> cards() const;

 private:
  std::string path_;
  Buckets buckets_;
  mutable std::mutex mu_;
  std::vector<json::object> cards_;  // GUARDED_BY(mu_)
};

}  // namespace im::sim::chatops
