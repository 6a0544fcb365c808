// PagerDuty REST v2 JSON for the simulator's objects: references ({id,type,summary,self,
// html_url}), full objects, and the error body {"error":{"message","code","errors"}}.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "net/http_message.h"
#include "sim/pagerduty/model.h"

namespace im::sim::pagerduty {

struct Urls {
  std::string api = "https://api.pagerduty.com";  // "self" links
  std::string web = "https://sim.pagerduty.com";  // "html_url" links
};

json::object Reference(const Urls& urls, std::string_view type, std::string_view id,
                       std::string_view summary, std::string_view collection);
json::value UserRef(const World& w, const Urls& urls, std::string_view id);
json::value ServiceRef(const World& w, const Urls& urls, std::string_view id);
json::value AgentRef(const World& w, const Urls& urls, const Agent& agent);

json::object IncidentJson(const World& w, const Urls& urls, const Incident& inc);
json::object LogEntryJson(const World& w, const Urls& urls, const Incident& inc, const LogEntry& e);
json::object NoteJson(const World& w, const Urls& urls, const Note& n);
json::object AlertJson(const World& w, const Urls& urls, const Incident& inc, const Alert& a);
json::object ServiceJson(const World& w, const Urls& urls, const Service& s);
json::object UserJson(const World& w, const Urls& urls, const User& u);
json::object TeamJson(const Urls& urls, const Team& t);
json::object PriorityJson(const Urls& urls, const Priority& p);
json::object EscalationPolicyJson(const World& w, const Urls& urls, const EscalationPolicy& ep);
json::object SubscriptionJson(const Urls& urls, const WebhookSubscription& s, bool with_secret,
                              Time now);

// {"error":{"message":message,"code":code[,"errors":errors]}} with `status`.
net::HttpResponse ErrorResponse(int status, int code, std::string_view message,
                                const std::vector<std::string>& errors = {});
net::HttpResponse NotFound();                       // 404, code 2100 "Not Found"
net::HttpResponse InvalidInput(std::string error);  // 400, code 2001 "Invalid Input Provided"

}  // namespace im::sim::pagerduty
