// The email channel against a real SMTP server in its own process (Debian's aiosmtpd): what
// the server received, byte for byte, over STARTTLS with AUTH; refusals and outages.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "fakes/process.h"
#include "monitor/channels/email_channel.h"
#include "notify/notify_fixture.h"

namespace im::notify {
namespace {

// A real SMTP server (Debian's aiosmtpd, tests/notify/smtp_sink.py) in its own process, with
// STARTTLS under a certificate made here by openssl and AUTH required: each message it accepted
// is a file of exactly the bytes it received.
class SmtpSink {
 public:
  explicit SmtpSink(const im::testing::TempDir& dir) : dir_(dir) {
    std::filesystem::create_directories(Mail());
    int rc = im::testing::SystemWithDeadline(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext "
        "subjectAltName=IP:127.0.0.1 -keyout " +
        dir_.File("key.pem") + " -out " + dir_.File("cert.pem") + " >/dev/null 2>&1");
    EXPECT_EQ(rc, 0) << "openssl could not make a certificate";
  }
  // Starts the server (on `port`, or any free one).
  void Start(uint16_t port = 0) {
    process_ = std::make_unique<im::testing::Process>(std::vector<std::string>{
        "/usr/bin/python3", std::string(IM_TEST_SOURCE_DIR) + "/tests/notify/smtp_sink.py", "--dir",
        Mail(), "--port", std::to_string(port), "--cert", Cert(), "--key", dir_.File("key.pem"),
        "--user", "im", "--password", "smtp-secret"});
    ASSERT_TRUE(process_->started());
    std::string line = process_->ReadLine();
    ASSERT_TRUE(line.starts_with("listening ")) << "smtp_sink.py: '" << line << "'";
    port_ = static_cast<uint16_t>(std::stoi(line.substr(10)));
  }
  void Kill() {
    process_->Signal(SIGKILL);
    process_->Wait();
  }
  std::string Url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  std::string Cert() const { return dir_.File("cert.pem"); }
  uint16_t port() const { return port_; }
  std::string Mail() const { return dir_.File("mail"); }
  // Message `i` (1-based) as received, and its envelope ("MAIL FROM", "RCPT TO", "AUTH", "TLS").
  std::string Message(int i) const { return Read(Name(i) + ".eml"); }
  std::string Envelope(int i) const { return Read(Name(i) + ".env"); }
  int Count() const {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(Mail())) {
      if (e.path().extension() == ".eml") n++;
    }
    return n;
  }

 private:
  std::string Name(int i) const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%03d", i);
    return Mail() + "/" + buf;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  const im::testing::TempDir& dir_;
  std::unique_ptr<im::testing::Process> process_;
  uint16_t port_ = 0;
};

// A header's value in a received message ("" when it has none).
std::string Header(const std::string& message, const std::string& name) {
  std::string key = "\r\n" + name + ": ";
  std::string head = "\r\n" + message.substr(0, message.find("\r\n\r\n"));
  size_t at = head.find(key);
  if (at == std::string::npos) return "";
  size_t start = at + key.size();
  return head.substr(start, head.find("\r\n", start) - start);
}

class EmailTest : public NotifyTest {
 protected:
  void SetUp() override {
    NotifyTest::SetUp();
    sink_.Start();
  }
  json::object Config(const std::string& to, const std::string& password = "smtp-secret") {
    return json::object{{"smtp_url", sink_.Url()},  {"username", "im"}, {"password", password},
                        {"from", "im@example.com"}, {"to", to},         {"starttls", true},
                        {"ca_file", sink_.Cert()}};
  }
  void AddEmail(const std::string& name, const std::string& to,
                const std::string& password = "smtp-secret") {
    auto ok = channels_->Add("email", name, Config(to, password));
    ASSERT_TRUE(ok) << ok.error().message;
  }
  std::vector<store::OutboxMessage> Outbox(const std::string& channel, const std::string& state) {
    auto l = outbox_store_->ListOutbound("channel:" + channel, state, 1000);
    EXPECT_TRUE(l);
    return l ? *l : std::vector<store::OutboxMessage>{};
  }
  SmtpSink sink_{dir_};
};

// One incident, three changes: three messages over STARTTLS with AUTH, each plain text and
// HTML, all in one thread (the first's Message-ID named by the others' In-Reply-To and
// References), to every recipient.
TEST_F(EmailTest, OneIncidentIsOneThreadOverStarttlsWithAuth) {
  AddEmail("mail", "ops@example.com, boss@example.com");
  AddRule("all", json::object{{"events", "declared,acknowledged,resolved"}, {"channels", "mail"}});
  int64_t n = Declare(core::Severity::kSev2, "api", "Checkout latency");
  ASSERT_TRUE(outbox_->FlushAll());
  ASSERT_TRUE(incidents_->Apply(n, engine::Action::kAcknowledge, {.email = "bob@example.com"}));
  ASSERT_TRUE(outbox_->FlushAll());
  ASSERT_TRUE(incidents_->Apply(n, engine::Action::kResolve, {.email = "bob@example.com"}));
  ASSERT_TRUE(outbox_->FlushAll());
  ASSERT_EQ(sink_.Count(), 3);
  EXPECT_EQ(Pending("mail"), 0);

  const std::string root = "<im-abcd1234-incident-1@example.com>";
  std::string first = sink_.Message(1);
  EXPECT_EQ(Header(first, "Message-ID"), root);
  EXPECT_EQ(Header(first, "In-Reply-To"), "");
  EXPECT_EQ(Header(first, "Subject"), "[SEV-2] INC-1 Checkout latency");
  EXPECT_EQ(Header(first, "From"), "im@example.com");
  EXPECT_EQ(Header(first, "To"), "ops@example.com, boss@example.com");
  EXPECT_NE(Header(first, "Content-Type").find("multipart/alternative; boundary="),
            std::string::npos);
  EXPECT_NE(first.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
  EXPECT_NE(first.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_NE(first.find("INC-1 [SEV-2] declared: Checkout latency"), std::string::npos);
  EXPECT_NE(first.find("<a href=\"https://im.example.com/incidents/INC-1\">"), std::string::npos);
  std::set<std::string> ids = {Header(first, "Message-ID")};
  for (int i : {2, 3}) {
    std::string m = sink_.Message(i);
    EXPECT_EQ(Header(m, "In-Reply-To"), root) << m;
    EXPECT_EQ(Header(m, "References"), root);
    EXPECT_EQ(Header(m, "Subject"), "Re: [SEV-2] INC-1 Checkout latency");
    ids.insert(Header(m, "Message-ID"));
  }
  EXPECT_EQ(ids.size(), 3u);  // each message its own id
  EXPECT_NE(sink_.Message(2).find("acknowledged"), std::string::npos);
  EXPECT_NE(sink_.Message(3).find("resolved"), std::string::npos);
  for (int i : {1, 2, 3}) {
    std::string env = sink_.Envelope(i);
    EXPECT_NE(env.find("MAIL FROM im@example.com\n"), std::string::npos) << env;
    EXPECT_NE(env.find("RCPT TO ops@example.com\n"), std::string::npos);
    EXPECT_NE(env.find("RCPT TO boss@example.com\n"), std::string::npos);
    EXPECT_NE(env.find("AUTH im\n"), std::string::npos);
    EXPECT_NE(env.find("TLS yes\n"), std::string::npos);
  }
  EXPECT_TRUE(Has(Timeline(n), "Notified email channel mail: resolved"));
}

// Lines that start with "." arrive as written (SMTP's dot-stuffing is done once, by libcurl).
TEST_F(EmailTest, LinesStartingWithADotArriveUnchanged) {
  auto parsed = monitor::EmailChannelType().parse_config(Config("ops@example.com"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  auto channel = monitor::EmailChannelType().open(*parsed, *ctx_);
  monitor::Notification n{.dedup_key = "im-abcd1234-incident-7",
                          .severity = core::Severity::kSev3,
                          .incident = 7,
                          .event = "declared",
                          .title = "Dots",
                          .note = "first\n.hidden\n..two"};
  auto sent = channel->Send(n);
  ASSERT_TRUE(sent) << sent.error().message;
  ASSERT_EQ(sink_.Count(), 1);
  std::string m = sink_.Message(1);
  EXPECT_NE(m.find("\r\n.hidden\r\n..two\r\n"), std::string::npos) << m;
  EXPECT_EQ(m.find("\r\n..hidden"), std::string::npos);
}

// A refused recipient (550) is parked and shown, not retried; a busy one (451) and a server that
// is down are retried by the outbox until they take the message, exactly once; a wrong password
// is parked as an authentication error.
TEST_F(EmailTest, RefusalsAreParkedAndOutagesRetriedWithoutLoss) {
  AddEmail("refused", "refused@example.com");
  AddEmail("busy", "busy@example.com");
  AddEmail("badpw", "ops@example.com", "wrong");
  AddRule("all", json::object{{"channels", "refused,busy,badpw"}});
  int64_t n = Declare(core::Severity::kSev2, "api", "Disk full");
  ASSERT_TRUE(outbox_->FlushAll());
  EXPECT_EQ(sink_.Count(), 0);
  auto parked = Outbox("refused", "parked");
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_NE(parked[0].last_error.find("550"), std::string::npos) << parked[0].last_error;
  auto badpw = Outbox("badpw", "parked");
  ASSERT_EQ(badpw.size(), 1u);
  EXPECT_NE(badpw[0].last_error.find("check the username and password"), std::string::npos)
      << badpw[0].last_error;
  auto busy = Outbox("busy", "pending");
  ASSERT_EQ(busy.size(), 1u);
  EXPECT_NE(busy[0].last_error.find("451"), std::string::npos) << busy[0].last_error;
  EXPECT_GT(busy[0].next_attempt_at, clock_.Now());
  auto health = outbox_->Health();
  ASSERT_TRUE(health);
  for (const auto& h : *health) EXPECT_TRUE(h.failing) << h.name;

  // The busy mailbox takes it on the retry; the server then goes down for the next change.
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_TRUE(outbox_->FlushAll());
  ASSERT_EQ(sink_.Count(), 1);
  EXPECT_NE(sink_.Envelope(1).find("RCPT TO busy@example.com"), std::string::npos);
  uint16_t port = sink_.port();
  sink_.Kill();
  ASSERT_TRUE(incidents_->Apply(n, engine::Action::kResolve, {.email = "bob@example.com"}));
  ASSERT_TRUE(outbox_->FlushAll());
  auto waiting = Outbox("busy", "pending");
  ASSERT_EQ(waiting.size(), 1u);  // not lost
  EXPECT_FALSE(waiting[0].last_error.empty());
  sink_.Start(port);
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_TRUE(outbox_->FlushAll());
  EXPECT_EQ(Pending("busy"), 0);
  ASSERT_EQ(sink_.Count(), 2);
  EXPECT_NE(sink_.Message(2).find("resolved"), std::string::npos);
  EXPECT_EQ(Header(sink_.Message(2), "In-Reply-To"), "<im-abcd1234-incident-1@example.com>");
  clock_.Advance(std::chrono::hours(1));
  ASSERT_TRUE(outbox_->FlushAll());
  EXPECT_EQ(sink_.Count(), 2);  // nothing sent twice, nothing parked retried
}

}  // namespace
}  // namespace im::notify
