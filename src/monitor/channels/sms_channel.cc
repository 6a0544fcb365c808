#include "monitor/channels/sms_channel.h"

#include <algorithm>
#include <string_view>

#include "common/crypto.h"
#include "monitor/channels/channel_http.h"

namespace im::monitor {
namespace {

// The GSM 03.38 basic character set (as UTF-8 bytes, ASCII part), and its extension table's
// characters, each sent as an escape and itself (two septets): anything else needs UCS-2.
const std::string& Gsm7Basic() {
  static const std::string kAscii =
      "@$\n\r _!\"#%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  return kAscii;
}
constexpr std::string_view kGsm7Extension = "^{}\\[~]|";

bool IsGsm7(const std::string& text) {
  for (char c : text) {
    if (Gsm7Basic().find(c) == std::string::npos && kGsm7Extension.find(c) == std::string::npos) {
      return false;
    }
  }
  return true;
}

// The septets a GSM-7 text takes (extension characters count twice).
size_t Gsm7Length(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += kGsm7Extension.find(c) == std::string_view::npos ? 1 : 2;
  return n;
}

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool ValidPhone(const std::string& p) {
  if (p.size() < 8 || p.size() > 16 || p[0] != '+') return false;
  for (size_t i = 1; i < p.size(); ++i) {
    if (p[i] < '0' || p[i] > '9') return false;
  }
  return true;
}

Result<json::object> ParseSmsConfig(const json::object& c) {
  if (auto ok =
          json::RejectUnknownFields(c, {"account_sid", "auth_token", "from", "to", "api_url"});
      !ok) {
    return std::unexpected(ok.error());
  }
  auto sid = json::GetOptionalString(c, "account_sid");
  if (!sid || !*sid || !(**sid).starts_with("AC") || (**sid).size() != 34) {
    return InvalidAt("account_sid", "give the 34-character Account SID (AC…) from the console");
  }
  auto token = json::GetOptionalString(c, "auth_token");
  if (!token || !*token || (**token).empty()) {
    return InvalidAt("auth_token", "give the account's Auth Token");
  }
  auto from = json::GetOptionalString(c, "from");
  if (!from || !*from || !ValidPhone(**from)) {
    return InvalidAt("from", "give the sending number in E.164 form, e.g. +15017122661");
  }
  auto to = json::GetOptionalString(c, "to");
  if (!to) return InvalidAt("to", "must be a string");
  if (*to && !ValidPhone(**to)) {
    return InvalidAt("to",
                     "give the receiving number in E.164 form, e.g. +15558675310 (pages "
                     "go to the paged person's phone: `im notify contact set`)");
  }
  auto api =
      ChannelUrl(c, "api_url", "leave it out for https://api.twilio.com", "https://api.twilio.com");
  if (!api) return std::unexpected(api.error());
  std::string base = *api;
  while (base.ends_with("/")) base.pop_back();
  return json::object{{"account_sid", **sid},
                      {"auth_token", **token},
                      {"from", **from},
                      {"to", *to ? **to : ""},
                      {"api_url", base}};
}

class SmsChannel final : public Channel {
 public:
  SmsChannel(json::object config, ChannelContext& ctx)
      : sid_(json::StringOr(config, "account_sid")),
        token_(json::StringOr(config, "auth_token")),
        from_(json::StringOr(config, "from")),
        to_(json::StringOr(config, "to")),
        api_(json::StringOr(config, "api_url")),
        ctx_(ctx) {}

  Result<connectors::Delivery> Send(const Notification& n) override {
    if (n.event == "war_room") return connectors::Delivery::kSkipped;
    std::string to = !n.address.empty() ? n.address : to_;
    if (to.empty()) {
      // A page to someone without a phone: nothing to send (the escalation names them).
      return connectors::Delivery::kSkipped;
    }
    std::string body = "To=" + net::UrlEncode(to) + "&From=" + net::UrlEncode(from_) +
                       "&Body=" + net::UrlEncode(SmsText(n));
    net::ClientRequest req{
        .method = "POST",
        .url = api_ + "/2010-04-01/Accounts/" + sid_ + "/Messages.json",
        .headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                    {"Accept", "application/json"},
                    {"Authorization", "Basic " + Base64Encode(sid_ + ":" + token_)}},
        .body = body,
        .timeout = std::chrono::seconds(10),
        .connect_timeout = std::chrono::seconds(3)};
    auto resp = ctx_.http.Send(req);
    if (!resp) return std::unexpected(resp.error().Wrap("SMS API"));
    std::string hint;
    if (auto v = json::Parse(resp->body); v && v->is_object()) {
      const auto& o = v->as_object();
      auto code = json::GetOptionalInt(o, "code");
      if (code && *code) {
        hint = "Twilio error " + std::to_string(**code) + ": " + json::StringOr(o, "message");
      }
    }
    return HttpOutcome("SMS API", *resp, ChannelNow(ctx_), retry_after_, hint);
  }

 private:
  std::string sid_, token_, from_, to_, api_;
  ChannelContext& ctx_;
};

}  // namespace

int SmsSegments(const std::string& text) {
  bool gsm = IsGsm7(text);
  size_t n = gsm ? Gsm7Length(text) : Utf8Length(text);
  size_t single = gsm ? 160 : 70, multi = gsm ? 153 : 67;
  if (n <= single) return 1;
  return static_cast<int>((n + multi - 1) / multi);
}

std::string SmsText(const Notification& n) {
  std::string text = Headline(n);
  if (!n.ack_url.empty())
    text += " Ack: " + n.ack_url;
  else if (!n.incident_url.empty())
    text += " " + n.incident_url;
  // Two segments at most: 306 GSM-7 characters, or 134 UCS-2 ones.
  bool gsm = IsGsm7(text);
  size_t limit = gsm ? 306 : 134;
  if ((gsm ? Gsm7Length(text) : Utf8Length(text)) <= limit) return text;
  // Keep the acknowledge link whole: cut the headline instead (but never below its first 20
  // characters, which name the incident).
  std::string tail = !n.ack_url.empty() ? " Ack: " + n.ack_url : "";
  std::string head = Headline(n);
  std::string out;
  size_t budget = limit > tail.size() + 3 ? limit - tail.size() - 3 : 0;
  budget = std::max<size_t>(budget, 20);
  size_t chars = 0;
  for (size_t i = 0; i < head.size() && chars < budget; ++i) {
    out += head[i];
    if ((static_cast<unsigned char>(head[i]) & 0xC0) != 0x80) {
      chars += gsm && kGsm7Extension.find(head[i]) != std::string_view::npos ? 2 : 1;
    }
  }
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
  return out + "..." + tail;
}

const ChannelType& SmsChannelType() {
  static const ChannelType type{
      .name = "sms",
      .flags = {{"--account-sid", "account_sid"},
                {"--auth-token", "auth_token"},
                {"--from", "from"},
                {"--to", "to"},
                {"--api-url", "api_url"}},
      .parse_config = ParseSmsConfig,
      .redact =
          [](const json::object& c) {
            json::object out = c;
            out["auth_token"] = "****";
            return out;
          },
      .secret_fields = {"auth_token"},
      .open = [](const json::object& config, ChannelContext& ctx) -> std::unique_ptr<Channel> {
        return std::make_unique<SmsChannel>(config, ctx);
      },
      .backoff = [](int attempts) -> Duration { return connectors::OutboxBackoff(attempts); },
      // A few texts a minute (GoAlert's limits are the anchor): a storm sends 6, not 500.
      .default_rate_per_minute = 6,
      .default_burst = 3,
      .default_person_rate_per_minute = 2,
  };
  return type;
}

}  // namespace im::monitor
