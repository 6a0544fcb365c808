#include "monitor/channels/email_channel.h"

#include <date/date.h>

#include "common/crypto.h"
#include "common/strings.h"
#include "monitor/channels/channel_http.h"
#include "net/smtp_client.h"

namespace im::monitor {
namespace {

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    std::string part =
        s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool LooksLikeEmail(const std::string& s) {
  auto at = s.find('@');
  return at != std::string::npos && at > 0 && at + 1 < s.size() &&
         s.find_first_of(" <>\r\n") == std::string::npos;
}

// RFC 2047 encoded-word when the subject is not plain ASCII.
std::string HeaderText(const std::string& s) {
  for (unsigned char c : s) {
    if (c >= 0x80 || c == '\r' || c == '\n') return "=?UTF-8?B?" + Base64Encode(s) + "?=";
  }
  return s;
}

std::string Crlf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n')
      out += "\r\n";
    else if (c != '\r')
      out += c;
  }
  return out;
}

Result<json::object> ParseEmailConfig(const json::object& c) {
  if (auto ok = json::RejectUnknownFields(
          c, {"smtp_url", "username", "password", "from", "to", "starttls", "ca_file"});
      !ok) {
    return std::unexpected(ok.error());
  }
  auto url = json::GetOptionalString(c, "smtp_url");
  if (!url || !*url || !((**url).starts_with("smtp://") || (**url).starts_with("smtps://"))) {
    return InvalidAt("smtp_url", "give smtp://HOST:587 (STARTTLS) or smtps://HOST:465");
  }
  auto from = json::GetOptionalString(c, "from");
  if (!from || !*from || !LooksLikeEmail(**from)) {
    return InvalidAt("from", "give the sender's address, e.g. im@example.com");
  }
  auto to = json::GetOptionalString(c, "to");
  if (!to) return InvalidAt("to", "must be a comma-separated string of addresses");
  auto list = SplitList(*to ? **to : "");
  for (size_t i = 0; i < list.size(); ++i) {
    if (!LooksLikeEmail(list[i])) {
      return InvalidAt("to", "'" + list[i] + "' is not an email address");
    }
  }
  json::object out{{"smtp_url", **url}, {"from", **from}, {"to", *to ? **to : ""}};
  for (const char* f : {"username", "password", "ca_file"}) {
    auto v = json::GetOptionalString(c, f);
    if (!v) return InvalidAt(f, "must be a string");
    out[f] = *v ? **v : "";
  }
  auto tls = json::GetOptionalBool(c, "starttls");
  if (!tls) return InvalidAt("starttls", "must be true or false");
  out["starttls"] = *tls ? **tls : true;
  return out;
}

class EmailChannel final : public Channel {
 public:
  EmailChannel(json::object config, ChannelContext& ctx) : config_(std::move(config)), ctx_(ctx) {}

  Result<connectors::Delivery> Send(const Notification& n) override {
    if (n.event == "war_room") return connectors::Delivery::kSkipped;
    std::vector<std::string> to = !n.address.empty() ? std::vector<std::string>{n.address}
                                                     : SplitList(json::StringOr(config_, "to"));
    if (to.empty()) return connectors::Delivery::kSkipped;
    std::string from = json::StringOr(config_, "from");
    net::SmtpRequest req{
        .url = json::StringOr(config_, "smtp_url"),
        .starttls = !config_["starttls"].is_bool() || config_["starttls"].as_bool(),
        .ca_file = json::StringOr(config_, "ca_file"),
        .username = json::StringOr(config_, "username"),
        .password = json::StringOr(config_, "password"),
        .from = from,
        .to = to,
        .message = EmailMessage(n, from, to, ChannelNow(ctx_))};
    if (req.url.starts_with("smtps://")) req.starttls = false;
    auto sent = net::SendMail(req);
    if (!sent) return std::unexpected(sent.error());
    return connectors::Delivery::kSent;
  }

 private:
  json::object config_;
  ChannelContext& ctx_;
};

}  // namespace

std::string EmailMessage(const Notification& n, const std::string& from,
                         const std::vector<std::string>& to, Time now) {
  std::string domain = from.substr(from.find('@') + 1);
  std::string thread = n.incident > 0 ? "<" + n.dedup_key + "@" + domain + ">" : "";
  std::string id = "<" + (n.message_id.empty() ? HexEncode(RandomBytes(12)) : n.message_id) + "." +
                   n.dedup_key + "@" + domain + ">";
  bool first =
      n.event == "declared" || (!n.IsIncidentEvent() && n.kind == Notification::Kind::kTrigger);
  if (first && !thread.empty()) id = thread;  // the thread's root
  std::string to_line;
  for (const auto& t : to) to_line += (to_line.empty() ? "" : ", ") + t;
  std::string subject = "[" + std::string(core::SeverityName(n.severity)) + "] " +
                        core::IncidentId(n.incident) + " " +
                        (n.title.empty() ? n.monitor_name : n.title);
  if (n.event == "digest") {
    subject = "[" + std::string(core::SeverityName(n.severity)) + "] " + n.title;
  } else if (!first) {
    subject = "Re: " + subject;
  }
  std::string boundary = "im-" + HexEncode(RandomBytes(8));
  std::string text = Headline(n) + "\n\n" + Details(n) + "\n";
  std::string html = "<html><body><h2 style=\"color:" + EventColour(n) + "\">" +
                     HtmlEscape(Headline(n)) + "</h2><pre>" + HtmlEscape(Details(n)) + "</pre>";
  if (!n.ack_url.empty()) {
    html += "<p><a href=\"" + HtmlEscape(n.ack_url) + "\">Acknowledge " +
            core::IncidentId(n.incident) + "</a></p>";
  }
  if (!n.incident_url.empty()) {
    html += "<p><a href=\"" + HtmlEscape(n.incident_url) + "\">Open " +
            core::IncidentId(n.incident) + "</a></p>";
  }
  html += "</body></html>\n";
  std::string m;
  m += "Date: " +
       date::format("%a, %d %b %Y %H:%M:%S +0000", std::chrono::floor<std::chrono::seconds>(now)) +
       "\n";
  m += "From: " + from + "\n";
  m += "To: " + to_line + "\n";
  m += "Subject: " + HeaderText(subject) + "\n";
  m += "Message-ID: " + id + "\n";
  if (!first && !thread.empty()) {
    m += "In-Reply-To: " + thread + "\n";
    m += "References: " + thread + "\n";
  }
  m += "MIME-Version: 1.0\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\n\n";
  m += "--" + boundary +
       "\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + text +
       "\n";
  m += "--" + boundary +
       "\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + html +
       "\n";
  m += "--" + boundary + "--\n";
  // No dot-stuffing here: libcurl stuffs the lines that start with "." as it sends (RFC 5321
  // 4.5.2), so stuffing them here too would add a second dot.
  return Crlf(m);
}

const ChannelType& EmailChannelType() {
  static const ChannelType type{
      .name = "email",
      .flags = {{"--smtp-url", "smtp_url"},
                {"--username", "username"},
                {"--password", "password"},
                {"--from", "from"},
                {"--to", "to"},
                {"--starttls", "starttls"},
                {"--ca-file", "ca_file"}},
      .parse_config = ParseEmailConfig,
      .redact =
          [](const json::object& c) {
            json::object out = c;
            if (!json::StringOr(c, "password").empty()) out["password"] = "****";
            return out;
          },
      .secret_fields = {"password"},
      .open = [](const json::object& config, ChannelContext& ctx) -> std::unique_ptr<Channel> {
        return std::make_unique<EmailChannel>(config, ctx);
      },
      .backoff = [](int attempts) -> Duration { return connectors::OutboxBackoff(attempts); },
      .default_rate_per_minute = 60,
      .default_burst = 10,
      .default_person_rate_per_minute = 4,
  };
  return type;
}

}  // namespace im::monitor
