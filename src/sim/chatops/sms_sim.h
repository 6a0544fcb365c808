// `im sim twilio`: Twilio's Programmable Messaging create call as Twilio documents it
// (twilio.com/docs/messaging/api/message-resource#create-a-message-resource): POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json, form fields To, From, Body, HTTP basic auth
// AccountSid:AuthToken; 201 with the Message resource; errors as {"code","message","more_info",
// "status"} (20003 auth, 21211 bad To, 21602 no Body, 21617 Body over 1600 characters, 20429
// too many requests). GET /_sim/state lists the messages.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "http/router.h"
#include "sim/chatops/bucket.h"

namespace im::sim::chatops {

struct SmsSimOptions {
  std::string account_sid = "AC00000000000000000000000000000000";
  std::string auth_token = "sim-auth-token";
  double per_second = 1, burst = 10;  // per account
};

class SmsSim {
 public:
  SmsSim(SmsSimOptions options, const Clock& clock);
  void Register(http::Router& router);
  struct Sms {
    std::string sid, to, from, body;
    int segments = 1;
  };
  std::vector<Sms> messages() const;

 private:
  net::HttpResponse Create(const net::HttpRequest& req);
  SmsSimOptions options_;
  const Clock& clock_;
  Buckets buckets_;
  mutable std::mutex mu_;
  std::vector<Sms> messages_;  // GUARDED_BY(mu_)
};

}  // namespace im::sim::chatops
