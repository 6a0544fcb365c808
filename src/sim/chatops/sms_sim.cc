#include "sim/chatops/sms_sim.h"

#include "common/crypto.h"

namespace im::sim::chatops {
namespace {

net::HttpResponse TwilioError(int status, int code, const std::string& message) {
  return net::HttpResponse{
      .status = status,
      .content_type = "application/json",
      .body = json::Serialize(
          json::object{{"code", code},
                       {"message", message},
                       {"more_info", "https://www.twilio.com/docs/errors/" + std::to_string(code)},
                       {"status", status}})};
}

bool E164(const std::string& p) {
  if (p.size() < 8 || p.size() > 16 || p[0] != '+') return false;
  for (size_t i = 1; i < p.size(); ++i) {
    if (p[i] < '0' || p[i] > '9') return false;
  }
  return true;
}

// GSM-7 (here: ASCII) in 160/153-septet segments, its extension characters ^{}\[~]| taking two
// septets each; anything else UCS-2 in 70/67-character ones.
int Segments(const std::string& body) {
  bool ascii = true;
  size_t chars = 0, septets = 0;
  for (unsigned char c : body) {
    if (c >= 0x80) ascii = false;
    chars += (c & 0xC0) != 0x80;
    septets +=
        std::string_view("^{}\\[~]|").find(static_cast<char>(c)) == std::string_view::npos ? 1 : 2;
  }
  if (ascii) chars = septets;
  size_t single = ascii ? 160 : 70, multi = ascii ? 153 : 67;
  return chars <= single ? 1 : static_cast<int>((chars + multi - 1) / multi);
}

}  // namespace

SmsSim::SmsSim(SmsSimOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      buckets_(clock, options_.per_second, options_.burst) {}

void SmsSim::Register(http::Router& router) {
  router.Add("POST", "/2010-04-01/Accounts/{sid}/Messages.json",
             [this](const net::HttpRequest& r) { return Create(r); });
  router.Add("GET", "/_sim/state", [this](const net::HttpRequest&) {
    json::array a;
    for (const auto& m : messages()) {
      a.push_back(json::object{{"sid", m.sid},
                               {"to", m.to},
                               {"from", m.from},
                               {"body", m.body},
                               {"num_segments", m.segments}});
    }
    return net::HttpResponse{.body = json::Serialize(json::object{{"messages", a}})};
  });
}

net::HttpResponse SmsSim::Create(const net::HttpRequest& req) {
  auto auth = req.Header("Authorization");
  std::string expected = "Basic " + Base64Encode(options_.account_sid + ":" + options_.auth_token);
  if (!auth || *auth != expected || req.Param("sid") != options_.account_sid) {
    auto res = TwilioError(401, 20003, "Authenticate");
    res.SetHeader("WWW-Authenticate", "Basic realm=\"Twilio API\"");
    return res;
  }
  auto form = net::ParseQuery(req.body);
  auto field = [&](const char* f) {
    auto it = form.find(f);
    return it == form.end() ? std::string() : it->second;
  };
  std::string to = field("To"), from = field("From"), body = field("Body");
  if (to.empty()) return TwilioError(400, 21604, "A 'To' phone number is required.");
  if (!E164(to))
    return TwilioError(400, 21211, "The 'To' number " + to + " is not a valid phone number.");
  if (from.empty()) return TwilioError(400, 21603, "A 'From' phone number is required.");
  if (body.empty()) return TwilioError(400, 21602, "Message body is required.");
  size_t chars = 0;
  for (unsigned char c : body) chars += (c & 0xC0) != 0x80;
  if (chars > 1600)
    return TwilioError(400, 21617,
                       "The concatenated message body exceeds the 1600 character limit.");
  if (buckets_.Take(options_.account_sid) > 0) {
    return TwilioError(429, 20429, "Too Many Requests");
  }
  std::lock_guard lock(mu_);
  Sms m{.sid = "SM" + HexEncode(RandomBytes(16)),
        .to = to,
        .from = from,
        .body = body,
        .segments = Segments(body)};
  messages_.push_back(m);
  return net::HttpResponse{
      .status = 201,
      .body = json::Serialize(json::object{{"sid", m.sid},
                                           {"account_sid", options_.account_sid},
                                           {"to", to},
                                           {"from", from},
                                           {"body", body},
                                           {"status", "queued"},
                                           {"num_segments", std::to_string(m.segments)},
                                           {"direction", "outbound-api"},
                                           {"api_version", "2010-04-01"},
                                           {"uri", "/2010-04-01/Accounts/" + options_.account_sid +
                                                       "/Messages/" + m.sid + ".json"}})};
}

std::vector<SmsSim::Sms> SmsSim::messages() const {
  std::lock_guard lock(mu_);
  return messages_;
}

}  // namespace im::sim::chatops
