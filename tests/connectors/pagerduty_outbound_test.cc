// Changes made in im sent to PagerDuty through the outbox, against the simulator: declare,
// acknowledge, note, resolve; an outage queues then delivers; a create whose answer was lost
// is linked, not made twice; webhook echoes of our own changes add nothing; inbound-only
// connectors queue nothing.
#include <sys/wait.h>
#include <unistd.h>

#include "common/webhook_signature.h"
#include "connectors/outbox_sender.h"
#include "connectors/pagerduty/pagerduty_connector.h"
#include "engine/incidents.h"
#include "fakes/sqlite_query.h"
#include "pagerduty_fixture.h"
#include "sim_test_util.h"

namespace im::connectors::testing {
namespace {

class PagerDutyOutboundTest : public PagerDutyFixture {
 protected:
  void StartOutbound(const std::string& direction = "bidirectional") {
    Start({.incidents = 5});
    {
      std::lock_guard lock(sim_->state().mu);
      const auto& w = sim_->state().world;
      pd_user_ = w.users.front().email;
      default_service_ = w.services.front().id;
      db_service_ = w.services.at(1).id;
    }
    auto updated = manager_->Update("pd", [&](ConnectorConfig& c) -> Result<void> {
      c.direction = direction == "inbound"    ? Direction::kInbound
                    : direction == "outbound" ? Direction::kOutbound
                                              : Direction::kBidirectional;
      EditSettings(c, [&](pagerduty::Settings& s) {
        s.from_email = pd_user_;
        s.service_mappings = {{"default", default_service_}, {"database", db_service_}};
      });
      return Ok();
    });
    ASSERT_TRUE(updated) << updated.error().message;
    incidents_ = std::make_unique<engine::Incidents>(*db_, clock_, core::SlaPolicy::Default());
  }

  int64_t Declare(std::vector<std::string> services, core::Severity sev = core::Severity::kSev1) {
    auto d = incidents_->Declare({.title = "Checkout is down",
                                  .description = "500s on /pay",
                                  .severity = sev,
                                  .services = std::move(services)},
                                 {.email = "someone@im.example"});
    EXPECT_TRUE(d) << d.error().message;
    return d ? d->incident.number : 0;
  }

  OutboxReport Flush() {
    auto r = Open()->FlushOutbox();
    EXPECT_TRUE(r) << r.error().message;
    return r.value_or(OutboxReport{});
  }

  // The incident_key of our incident `n` in PagerDuty.
  std::string Key(int64_t n) {
    return "im-" + db_->InstallId().value_or("?") + "-INC-" + std::to_string(n);
  }

  // The simulator's incidents with this incident key.
  std::vector<sim::pagerduty::Incident> ByKey(const std::string& key) {
    std::lock_guard lock(sim_->state().mu);
    std::vector<sim::pagerduty::Incident> out;
    for (const auto& i : sim_->state().world.incidents) {
      if (i.incident_key == key) out.push_back(i);
    }
    return out;
  }

  void SetErrorRate(double rate) {
    auto k = sim_->knobs().Get();
    k.error_rate = rate;
    sim_->knobs().Set(k);
  }

  // A POST /incidents as another program (or an earlier attempt of ours) makes it; the id.
  std::string CreateInSim(const std::string& from, const std::string& service,
                          const std::string& key) {
    auto res = sim::testing::Call(
        router_, "POST", "/incidents",
        {{"Authorization", std::string("Token token=") + kKey}, {"From", from}},
        json::Serialize(json::object{
            {"incident", json::object{{"type", "incident"},
                                      {"title", "Checkout is down"},
                                      {"incident_key", key},
                                      {"service", json::object{{"id", service},
                                                               {"type", "service_reference"}}}}}}));
    EXPECT_EQ(res.status, 201) << res.body;
    auto v = json::Parse(res.body);
    return v ? std::string(v->at("incident").at("id").as_string()) : "";
  }

  void ResolveInSim(const std::string& from, const std::string& id) {
    auto res =
        sim::testing::Call(router_, "PUT", "/incidents/" + id,
                           {{"Authorization", std::string("Token token=") + kKey}, {"From", from}},
                           R"({"incident":{"type":"incident_reference","status":"resolved"}})");
    EXPECT_EQ(res.status, 200) << res.body;
  }

  // Posts a note as an earlier attempt of ours would have (and then lost the answer).
  std::string NoteInSim(const std::string& from, const std::string& incident,
                        const std::string& text) {
    auto res = sim::testing::Call(
        router_, "POST", "/incidents/" + incident + "/notes",
        {{"Authorization", std::string("Token token=") + kKey}, {"From", from}},
        json::Serialize(json::object{{"note", json::object{{"content", text}}}}));
    EXPECT_EQ(res.status, 200) << res.body;
    return res.body;
  }

  std::string pd_user_, default_service_, db_service_;
  std::unique_ptr<engine::Incidents> incidents_;
};

TEST_F(PagerDutyOutboundTest, DeclareAckNoteResolveReachPagerDuty) {
  StartOutbound();
  int64_t n = Declare({"checkout"});
  auto queued = connectors_->Outbox("pd", clock_.Now());
  ASSERT_TRUE(queued);
  EXPECT_EQ(queued->pending, 1);  // queued with the declare, nothing sent yet
  EXPECT_TRUE(ByKey(Key(n)).empty());

  auto r = Flush();
  EXPECT_EQ(r.sent, 1);
  auto pd = ByKey(Key(n));
  ASSERT_EQ(pd.size(), 1u);
  EXPECT_EQ(pd[0].title, "Checkout is down");
  EXPECT_EQ(pd[0].service_id, default_service_);  // via the "default" mapping
  EXPECT_EQ(pd[0].urgency, "high");               // SEV-1
  EXPECT_EQ(pd[0].status, "triggered");
  EXPECT_EQ(*connectors_->LinksOf("pd", n), std::vector<std::string>{pd[0].id});
  auto timeline = db_->GetTimeline(n);
  ASSERT_TRUE(timeline);
  EXPECT_EQ(timeline->back().kind, core::EntryKind::kSynced);
  EXPECT_NE(timeline->back().message.find(pd[0].id), std::string::npos);
  // The PagerDuty page of the incident, from the create's answer (links in the dashboard).
  auto linked = db_->GetIncident(n);
  ASSERT_TRUE(linked);
  EXPECT_EQ(linked->custom_fields["pagerduty_url"],
            "https://sim.pagerduty.com/incidents/" + pd[0].id);

  ASSERT_TRUE(incidents_->Apply(n, engine::Action::kAcknowledge, {.email = pd_user_}));
  ASSERT_TRUE(incidents_->AddNote(n, {.email = pd_user_}, "rolled back the deploy"));
  ASSERT_TRUE(incidents_->Apply(n, engine::Action::kResolve, {.email = pd_user_}, "fixed"));
  r = Flush();
  EXPECT_EQ(r.sent, 3);
  pd = ByKey(Key(n));
  EXPECT_EQ(pd[0].status, "resolved");
  EXPECT_EQ(pd[0].resolution, "fixed");
  ASSERT_EQ(pd[0].notes.size(), 2u);  // the note, and the resolve's note
  EXPECT_EQ(pd[0].notes[0].content, "rolled back the deploy");
  EXPECT_EQ(pd[0].notes[1].content, "fixed");
  bool acked = false;
  for (const auto& e : pd[0].log) acked = acked || e.type == "acknowledge_log_entry";
  EXPECT_TRUE(acked);
  EXPECT_EQ(connectors_->Outbox("pd", clock_.Now())->pending, 0);
  EXPECT_EQ(Flush().sent, 0);  // nothing is sent twice

  // Polling reads PagerDuty's log, which now records our acknowledge, note and resolve: they
  // must not come back as PagerDuty-side entries.
  clock_.Advance(std::chrono::minutes(1));  // the log entries are in the past now
  ASSERT_TRUE(Open()->Sync({}));
  int echoes = 0;
  auto after = db_->GetTimeline(n);  // outlives the loop
  ASSERT_TRUE(after);
  for (const auto& e : *after) {
    if (e.source == "pagerduty" &&
        (e.kind == core::EntryKind::kAcknowledged || e.kind == core::EntryKind::kResolved ||
         e.kind == core::EntryKind::kNote)) {
      ++echoes;
      ADD_FAILURE() << "echo: " << e.message;
    }
  }
  EXPECT_EQ(echoes, 0);
  EXPECT_EQ(db_->GetIncident(n)->status, core::Status::kResolved);
  ExpectWellFormedRequests();  // the writes too: POST, PUT, notes
}

TEST_F(PagerDutyOutboundTest, MappedCustomFieldsGoInTheDetails) {
  StartOutbound();
  ASSERT_TRUE(manager_->Update("pd", [](ConnectorConfig& c) -> Result<void> {
    EditSettings(c, [](pagerduty::Settings& s) {
      s.custom_field_mappings = {{"customer", "Customer"}, {"region", "Region"}};
    });
    return Ok();
  }));
  auto d = incidents_->Declare({.title = "Checkout is down",
                                .description = "500s on /pay",
                                .severity = core::Severity::kSev2,
                                .services = {"checkout"},
                                .custom_fields = {{"customer", "acme"}, {"internal", "secret"}}},
                               {.email = "someone@im.example"});
  ASSERT_TRUE(d);
  EXPECT_EQ(Flush().sent, 1);
  std::string sent;
  for (const auto& r : sim_->log().Since(0)) {
    if (r.method == "POST" && r.target == "/incidents") sent = r.body;
  }
  auto body = json::Parse(sent);
  ASSERT_TRUE(body) << sent;
  EXPECT_EQ(body->at("incident").at("body").at("details").as_string(),
            "500s on /pay\nCustomer: acme");  // unmapped fields stay in im
}

TEST_F(PagerDutyOutboundTest, OneIncidentPerMappedServiceSharingTheCorrelationId) {
  StartOutbound();
  int64_t n = Declare({"database", "api"}, core::Severity::kSev3);
  Flush();
  auto pd = ByKey(Key(n));
  ASSERT_EQ(pd.size(), 2u);
  std::set<std::string> services{pd[0].service_id, pd[1].service_id};
  EXPECT_EQ(services, (std::set<std::string>{db_service_, default_service_}));
  EXPECT_EQ(pd[0].urgency, "low");  // SEV-3
  EXPECT_EQ(connectors_->LinksOf("pd", n)->size(), 2u);
  ASSERT_TRUE(incidents_->Apply(n, engine::Action::kAcknowledge, {.email = pd_user_}));
  Flush();
  for (const auto& i : ByKey(Key(n))) EXPECT_EQ(i.status, "acknowledged");
}

TEST_F(PagerDutyOutboundTest, AnOutageQueuesThenDeliversInOrder) {
  StartOutbound();
  SetErrorRate(1.0);
  int64_t n = Declare({"checkout"});
  ASSERT_TRUE(incidents_->Apply(n, engine::Action::kAcknowledge, {.email = pd_user_}));
  auto r = Flush();
  EXPECT_EQ(r.sent, 0);
  EXPECT_EQ(r.retrying, 1);  // the create; the ack waits behind it
  auto box = connectors_->Outbox("pd", clock_.Now());
  EXPECT_EQ(box->pending, 2);
  EXPECT_EQ(box->parked, 0);
  SetErrorRate(0);
  EXPECT_EQ(Flush().sent, 0);  // the retry is not due yet
  clock_.Advance(std::chrono::minutes(11));
  r = Flush();
  EXPECT_EQ(r.sent, 2);
  auto pd = ByKey(Key(n));
  ASSERT_EQ(pd.size(), 1u);
  EXPECT_EQ(pd[0].status, "acknowledged");
}

TEST_F(PagerDutyOutboundTest, AMessageThatKeepsFailingIsParkedAndCanBeRetried) {
  StartOutbound();
  auto updated = manager_->Update("pd", [&](ConnectorConfig& c) -> Result<void> {
    // PagerDuty refuses: a 4xx is final
    EditSettings(c, [](pagerduty::Settings& s) { s.service_mappings = {{"default", "PNOSUCH"}}; });
    return Ok();
  });
  ASSERT_TRUE(updated);
  int64_t n = Declare({"checkout"});
  auto r = Flush();
  EXPECT_EQ(r.parked, 1);
  auto parked = connectors_->ListOutbound("pd", "parked", 10);
  ASSERT_EQ(parked->size(), 1u);
  EXPECT_EQ((*parked)[0].incident, n);
  EXPECT_FALSE((*parked)[0].last_error.empty());
  EXPECT_EQ(connectors_->Outbox("pd", clock_.Now())->parked, 1);
  EXPECT_EQ(Flush().sent, 0);  // parked is not retried by itself
  ASSERT_TRUE(manager_->Update("pd", [&](ConnectorConfig& c) -> Result<void> {
    EditSettings(c, [&](pagerduty::Settings& s) {
      s.service_mappings = {{"default", default_service_}};
    });
    return Ok();
  }));
  EXPECT_EQ(*connectors_->RetryParked("pd", clock_.Now()), 1);
  EXPECT_EQ(Flush().sent, 1);
  EXPECT_EQ(ByKey(Key(n)).size(), 1u);
}

TEST_F(PagerDutyOutboundTest, ACreateWhoseAnswerWasLostIsLinkedNotMadeTwice) {
  StartOutbound();
  int64_t n = Declare({"checkout"});
  const std::string key = Key(n);
  // As if an earlier attempt reached PagerDuty and then im died before recording it.
  auto res = sim::testing::Call(
      router_, "POST", "/incidents",
      {{"Authorization", std::string("Token token=") + kKey}, {"From", pd_user_}},
      json::Serialize(json::object{
          {"incident", json::object{{"type", "incident"},
                                    {"title", "Checkout is down"},
                                    {"incident_key", key},
                                    {"service", json::object{{"id", default_service_},
                                                             {"type", "service_reference"}}}}}}));
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(Flush().sent, 1);
  auto pd = ByKey(key);
  ASSERT_EQ(pd.size(), 1u);
  EXPECT_EQ(*connectors_->LinksOf("pd", n), std::vector<std::string>{pd[0].id});
}

// issue 13: a declare whose key an old, resolved PagerDuty incident has (an earlier life of this
// data directory) or another installation uses must still create and page, not link to those.
TEST_F(PagerDutyOutboundTest, ADeclareIsNotLinkedToAResolvedOrForeignIncidentWithItsKey) {
  StartOutbound();
  auto install = db_->InstallId();
  ASSERT_TRUE(install) << install.error().message;
  EXPECT_EQ(install->size(), 8u);
  const std::string key = "im-" + *install + "-INC-1";
  std::string old = CreateInSim(pd_user_, default_service_, key);
  ResolveInSim(pd_user_, old);
  CreateInSim(pd_user_, default_service_, "INC-1");              // an im before keys had ids
  CreateInSim(pd_user_, default_service_, "im-0badc0de-INC-1");  // another installation
  clock_.Advance(std::chrono::hours(20));
  int64_t pages_before = sim_->webhooks().stats().enqueued;
  ASSERT_EQ(Declare({"checkout"}), 1);
  EXPECT_EQ(Flush().sent, 1);
  auto pd = ByKey(key);
  ASSERT_EQ(pd.size(), 2u);
  const auto& made = pd[0].id == old ? pd[1] : pd[0];
  EXPECT_EQ(made.status, "triggered");
  EXPECT_FALSE(made.assignments.empty());                      // PagerDuty pages its on-call
  EXPECT_GT(sim_->webhooks().stats().enqueued, pages_before);  // incident.triggered went out
  EXPECT_EQ(*connectors_->LinksOf("pd", 1), std::vector<std::string>{made.id});
  auto timeline = db_->GetTimeline(1);
  EXPECT_NE(timeline->back().message.find("PagerDuty incident created (" + made.id + ")"),
            std::string::npos)
      << timeline->back().message;
  EXPECT_NE(timeline->back().message.find("correlation id " + key), std::string::npos);
  // The look-up asked PagerDuty for this installation's key only.
  for (const auto& r : sim_->log().Since(0)) {
    if (r.method == "GET" && r.target.starts_with("/incidents?")) {
      EXPECT_NE(r.target.find("incident_key=" + key), std::string::npos) << r.target;
    }
  }
}

// The look-up exists for a create whose answer was lost: it is linked even when someone resolved
// it in PagerDuty before im tried again.
TEST_F(PagerDutyOutboundTest, ALostCreateResolvedMeanwhileIsStillLinkedNotMadeAgain) {
  StartOutbound();
  int64_t n = Declare({"checkout"});
  const std::string key = "im-" + *db_->InstallId() + "-INC-" + std::to_string(n);
  clock_.Advance(std::chrono::seconds(2));
  std::string made = CreateInSim(pd_user_, default_service_, key);
  clock_.Advance(std::chrono::minutes(30));
  ResolveInSim(pd_user_, made);
  clock_.Advance(std::chrono::hours(3));
  EXPECT_EQ(Flush().sent, 1);
  EXPECT_EQ(ByKey(key).size(), 1u);
  EXPECT_EQ(*connectors_->LinksOf("pd", n), std::vector<std::string>{made});
}

// A create queued by an im from before keys named the installation may have reached PagerDuty
// as INC-<n>; the upgrade marks it (migration 8), and the look-up finds it under that key.
TEST_F(PagerDutyOutboundTest, ACreateQueuedBeforeTheUpgradeIsFoundUnderItsOldKey) {
  StartOutbound();
  int64_t n = Declare({"checkout"});
  const std::string legacy = "INC-" + std::to_string(n);
  ASSERT_TRUE(im::testing::ExecSql(
      address_, im::testing::OnPostgres()
                    ? "UPDATE connector_outbox SET payload = jsonb_set(payload::jsonb, "
                      "'{legacy_key}', '\"" +
                          legacy + "\"')::text"
                    : "UPDATE connector_outbox SET payload = json_set(payload, '$.legacy_key', '" +
                          legacy + "')"));
  std::string made = CreateInSim(pd_user_, default_service_, "INC-" + std::to_string(n));
  EXPECT_EQ(Flush().sent, 1);
  EXPECT_EQ(*connectors_->LinksOf("pd", n), std::vector<std::string>{made});
  EXPECT_TRUE(ByKey("im-" + *db_->InstallId() + "-INC-" + std::to_string(n)).empty());
}

// issue 13: `im ack --note` changed PagerDuty's status but its note never arrived. The note of
// an acknowledge, resolve or reopen now goes as a PagerDuty note, as `im note` does, and its
// echoes (webhook, log entry) add nothing to im's timeline.
TEST_F(PagerDutyOutboundTest, TheNoteOfAnAcknowledgeOrResolveReachesPagerDutyOnce) {
  StartOutbound();
  int64_t n = Declare({"checkout"});
  ASSERT_EQ(Flush().sent, 1);
  ASSERT_TRUE(incidents_->Apply(n, engine::Action::kAcknowledge, {.email = pd_user_},
                                "Investigating database locks"));
  // The webhook of the note may come before the outbox hears back; it is ours all the same.
  ASSERT_TRUE(incidents_->Apply(n, engine::Action::kResolve, {.email = pd_user_},
                                "Database locks cleared after index optimization"));
  EXPECT_EQ(Flush().sent, 2);
  auto pd = ByKey(Key(n));
  ASSERT_EQ(pd.size(), 1u);
  EXPECT_EQ(pd[0].status, "resolved");
  EXPECT_EQ(pd[0].resolution, "Database locks cleared after index optimization");
  ASSERT_EQ(pd[0].notes.size(), 2u);
  EXPECT_EQ(pd[0].notes[0].content, "Investigating database locks");
  EXPECT_EQ(pd[0].notes[1].content, "Database locks cleared after index optimization");
  // Notes, acknowledgements, resolves and sync records on the timeline.
  auto notes_and_changes = [&] {
    std::vector<std::string> out;
    auto timeline = db_->GetTimeline(n);
    for (const auto& e : *timeline) {
      if (e.kind == core::EntryKind::kNote || e.kind == core::EntryKind::kAcknowledged ||
          e.kind == core::EntryKind::kResolved || e.kind == core::EntryKind::kSynced) {
        out.push_back(e.source + ": " + e.message);
      }
    }
    return out;
  };
  auto before = notes_and_changes();
  EXPECT_EQ(before.size(), 5u);  // created, acknowledged, resolved, the two notes synchronized
  // PagerDuty's webhooks for the two notes, and polling its log: none of them comes back.
  for (const auto& note : pd[0].notes) {
    std::string body = json::Serialize(json::object{
        {"event",
         json::object{
             {"id", "ev-" + note.id},
             {"event_type", "incident.annotated"},
             {"resource_type", "incident"},
             {"occurred_at", FormatTime(note.created_at)},
             {"data", json::object{{"id", note.id},
                                   {"type", "incident_note"},
                                   {"content", note.content},
                                   {"incident", json::object{{"id", pd[0].id},
                                                             {"type", "incident_reference"}}}}}}}});
    net::HttpRequest req;
    req.method = "POST";
    req.body = body;
    req.headers = {{"X-PagerDuty-Signature", PagerDutySignature("whsec-one", body)}};
    EXPECT_EQ(Open()->HandleWebhook(req).status, 202);
  }
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_TRUE(Open()->Sync({}));
  EXPECT_EQ(notes_and_changes(), before);
  EXPECT_EQ(Flush().sent, 0);
}

// A note whose POST reached PagerDuty but whose answer did not reach im (im killed, a timeout)
// is found on the next attempt, not posted twice.
TEST_F(PagerDutyOutboundTest, ANoteWhoseAnswerWasLostIsNotPostedTwice) {
  StartOutbound();
  int64_t n = Declare({"checkout"}, core::Severity::kSev4);  // no SLA note within the hour
  ASSERT_EQ(Flush().sent, 1);
  std::string pd_id = connectors_->LinksOf("pd", n)->at(0);
  // The same text, written in PagerDuty before im's note was made: not im's.
  NoteInSim(pd_user_, pd_id, "rolled back");
  clock_.Advance(std::chrono::hours(1));
  ASSERT_TRUE(incidents_->AddNote(n, {.email = pd_user_}, "rolled back"));
  clock_.Advance(std::chrono::seconds(1));
  NoteInSim(pd_user_, pd_id, "rolled back");  // the lost attempt
  EXPECT_EQ(Flush().sent, 1);
  auto pd = ByKey(Key(n));
  ASSERT_EQ(pd[0].notes.size(), 2u);  // the old one and ours, not a third
  // Recorded under the note's id, so its webhook adds nothing either.
  bool keyed = false;
  auto timeline = db_->GetTimeline(n);
  for (const auto& e : *timeline) keyed |= e.external_key == "pd-note:" + pd[0].notes[1].id;
  EXPECT_TRUE(keyed);
}

// Someone removed from PagerDuty since im read its users: the change goes as from_email
// instead of being parked on "Requester User Not Found"; a person's email in another case is
// sent as PagerDuty spells it.
TEST_F(PagerDutyOutboundTest, AnActorPagerDutyNoLongerKnowsIsSentAsFromEmail) {
  StartOutbound();
  ASSERT_TRUE(Open()->Sync({}));  // reads PagerDuty's users
  ASSERT_TRUE(connectors_->SaveDirectory(
      "pd", {{"user", "PGONE01", "gone@example.com", "{}"}}));  // deleted in PagerDuty since
  int64_t n = Declare({"checkout"});
  ASSERT_EQ(Flush().sent, 1);
  ASSERT_TRUE(incidents_->AddNote(n, {.email = "gone@example.com"}, "still here"));
  std::string upper = pd_user_;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_TRUE(incidents_->Apply(n, engine::Action::kAcknowledge, {.email = upper}));
  auto r = Flush();
  EXPECT_EQ(r.sent, 2);
  EXPECT_EQ(r.parked, 0);
  EXPECT_EQ(ByKey(Key(n))[0].notes.size(), 1u);
  std::vector<std::string> from;
  for (const auto& req : sim_->log().Since(0)) {
    if (req.method != "POST" && req.method != "PUT") continue;
    for (const auto& [name, value] : req.headers) {
      if (net::HeaderNameEquals(name, "From")) from.push_back(value);
    }
  }
  // The declare (from_email), the note as gone@ (refused), again as from_email, the acknowledge
  // as the person, spelled as PagerDuty has it.
  EXPECT_EQ(from, (std::vector<std::string>{pd_user_, "gone@example.com", pd_user_, pd_user_}));
}

// Cuts PagerDuty's answer to POST /incidents in half, after PagerDuty made the incident.
class CutCreateAnswers final : public net::HttpClient {
 public:
  explicit CutCreateAnswers(net::HttpClient& inner) : inner_(inner) {}
  Result<net::HttpResponse> Send(const net::ClientRequest& req) override {
    auto res = inner_.Send(req);
    if (req.method == "POST" && req.url.ends_with("/incidents")) ++posts;
    if (res && req.method == "POST" && req.url.ends_with("/incidents") && res->status < 300) {
      res->body.resize(res->body.size() / 2);
      ++cut;
    }
    return res;
  }
  int cut = 0;
  int posts = 0;

 private:
  net::HttpClient& inner_;
};

TEST_F(PagerDutyOutboundTest, ACreateWithAGarbledAnswerIsLookedUpNotSentAgain) {
  StartOutbound();
  int64_t n = Declare({"checkout"});
  CutCreateAnswers cut(http_);
  ConnectorContext ctx{.store = ctx_->store,
                       .connectors = ctx_->connectors,
                       .http = cut,
                       .budgets = ctx_->budgets,
                       .waiter = ctx_->waiter,
                       .clock = ctx_->clock,
                       .log = ctx_->log,
                       .schedules = ctx_->schedules};
  auto config = manager_->Config("pd");
  ASSERT_TRUE(config);
  pagerduty::PagerDutyConnector connector(*config, ctx);
  auto r = connector.FlushOutbox();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->sent, 1);
  EXPECT_EQ(r->parked, 0);
  EXPECT_EQ(cut.cut, 1);
  EXPECT_EQ(cut.posts, 1);  // the unreadable answer was looked up, not sent again blindly
  auto pd = ByKey(Key(n));
  ASSERT_EQ(pd.size(), 1u);
  EXPECT_EQ(*connectors_->LinksOf("pd", n), std::vector<std::string>{pd[0].id});
}

TEST_F(PagerDutyOutboundTest, WebhookEchoesOfOurChangesAddNothing) {
  StartOutbound();
  int64_t n = Declare({"checkout"});
  ASSERT_TRUE(incidents_->Apply(n, engine::Action::kAcknowledge, {.email = pd_user_}));
  // PagerDuty announces the incident we created before our link is stored: left to the outbox.
  std::string pd_id;
  auto deliver = [&](const std::string& id, const std::string& type, const std::string& status,
                     const std::string& event_id) {
    json::object data{
        {"id", id},
        {"type", "incident"},
        {"number", 1},
        {"status", status},
        {"title", "Checkout is down"},
        {"urgency", "high"},
        {"incident_key", Key(n)},
        {"created_at", FormatTime(clock_.Now())},
        {"service",
         json::object{{"id", default_service_}, {"summary", "x"}, {"type", "service_reference"}}}};
    std::string body = json::Serialize(
        json::object{{"event", json::object{{"id", event_id},
                                            {"event_type", type},
                                            {"resource_type", "incident"},
                                            {"occurred_at", FormatTime(clock_.Now())},
                                            {"data", data}}}});
    net::HttpRequest req;
    req.method = "POST";
    req.body = body;
    req.headers = {{"X-PagerDuty-Signature", PagerDutySignature("whsec-one", body)}};
    return Open()->HandleWebhook(req).status;
  };
  auto before = db_->ListIncidents({});
  EXPECT_EQ(deliver("PEARLY1", "incident.triggered", "triggered", "ev-1"), 202);
  EXPECT_EQ(db_->ListIncidents({})->size(), before->size());         // no second incident
  EXPECT_EQ(db_->GetIncident(n)->status, core::Status::kMitigated);  // no flip back to open

  EXPECT_EQ(Flush().sent, 2);
  pd_id = (*connectors_->LinksOf("pd", n)).at(0);
  size_t entries = db_->GetTimeline(n)->size();
  clock_.Advance(std::chrono::seconds(5));
  EXPECT_EQ(deliver(pd_id, "incident.acknowledged", "acknowledged", "ev-2"), 202);
  EXPECT_EQ(db_->GetTimeline(n)->size(), entries);
  EXPECT_EQ(db_->GetIncident(n)->status, core::Status::kMitigated);
  EXPECT_EQ(db_->GetIncident(n)->severity, core::Severity::kSev1);  // not read back as SEV-2
}

TEST_F(PagerDutyOutboundTest, ReconcileRepairsDriftMadeBehindOurBack) {
  StartOutbound();
  int64_t a = Declare({"checkout"});
  int64_t b = Declare({"checkout"});
  Flush();
  std::string pd_a = connectors_->LinksOf("pd", a)->at(0);
  // Someone resolves A in PagerDuty and no webhook reaches im (deliveries are off here).
  auto res = sim::testing::Call(
      router_, "PUT", "/incidents/" + pd_a,
      {{"Authorization", std::string("Token token=") + kKey}, {"From", pd_user_}},
      R"({"incident":{"type":"incident_reference","status":"resolved"}})");
  ASSERT_EQ(res.status, 200) << res.body;
  // And B is acknowledged in im while PagerDuty is unreachable: that change waits in the outbox.
  SetErrorRate(1.0);
  ASSERT_TRUE(incidents_->Apply(b, engine::Action::kAcknowledge, {.email = pd_user_}));
  Flush();
  SetErrorRate(0);

  auto r = Open()->Reconcile();
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->repaired.size(), 1u);
  EXPECT_EQ(r->repaired[0],
            "INC-" + std::to_string(a) + ": open → resolved (PagerDuty " + pd_a + ")");
  EXPECT_EQ(r->held, 1);  // B: PagerDuty says triggered, im's acknowledgement is on its way
  EXPECT_EQ(db_->GetIncident(a)->status, core::Status::kResolved);
  EXPECT_EQ(db_->GetIncident(b)->status, core::Status::kMitigated);
  EXPECT_EQ(db_->GetTimeline(a)->back().message, "resolved in PagerDuty");
  EXPECT_TRUE(Open()->Reconcile()->repaired.empty());  // nothing left to repair
}

TEST_F(PagerDutyOutboundTest, AnSlaBreachIsNotedInPagerDutyToo) {
  StartOutbound();
  int64_t n = Declare({"checkout"});  // SEV-1: acknowledge within 15 minutes
  Flush();
  clock_.Advance(std::chrono::minutes(16));
  ASSERT_EQ(*incidents_->SweepSla(), 1);
  auto timeline = db_->GetTimeline(n);
  EXPECT_EQ(timeline->back().kind, core::EntryKind::kSlaBreach);
  Flush();
  auto pd = ByKey(Key(n));
  ASSERT_EQ(pd.size(), 1u);
  ASSERT_EQ(pd[0].notes.size(), 1u);
  EXPECT_EQ(pd[0].notes[0].content, "im: acknowledge SLA breached: SEV-1 target is 15m");
  // The resolve target (1 h) passes while im is not running; noticed 3 h late, it is history.
  clock_.Advance(std::chrono::hours(3));
  ASSERT_EQ(*incidents_->SweepSla(), 1);
  EXPECT_EQ(db_->GetTimeline(n)->back().kind, core::EntryKind::kSlaBreach);
  Flush();
  EXPECT_EQ(ByKey(Key(n))[0].notes.size(), 1u);
}

TEST_F(PagerDutyOutboundTest, TheConnectorsSlaMappingSetsTheTargetsOfItsIncidents) {
  StartOutbound();
  ASSERT_TRUE(manager_->Update("pd", [](ConnectorConfig& c) -> Result<void> {
    auto overlay = core::ParseSlaOverlay(*json::Parse(R"({"SEV-1":{"acknowledge":"5m"}})"), "m");
    if (!overlay) return std::unexpected(overlay.error());
    c.sla_mapping = *overlay;
    return Ok();
  }));
  ASSERT_TRUE(incidents_->ReloadSlaMappings());
  int64_t synced = Declare({"checkout"});
  // Not synced yet: the server's policy (15 minutes to acknowledge a SEV-1).
  EXPECT_EQ(incidents_->Show(synced)->sla.policy, "default");
  Flush();
  auto view = incidents_->Show(synced);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->incident.synced_with, "pd");
  EXPECT_EQ(view->sla.policy, "connector:pd");
  EXPECT_EQ(view->sla.acknowledge.target, std::chrono::minutes(5));
  EXPECT_EQ(view->sla.resolve.target, std::chrono::hours(1));  // not mapped: the server's

  // An incident no connector holds (inbound-only services are not sent) keeps the default.
  ASSERT_TRUE(manager_->Update("pd", [](ConnectorConfig& c) -> Result<void> {
    EditSettings(c, [](pagerduty::Settings& s) { s.service_mappings.erase("default"); });
    return Ok();
  }));
  int64_t local = Declare({"payroll"});
  Flush();
  EXPECT_EQ(incidents_->Show(local)->incident.synced_with, "");

  clock_.Advance(std::chrono::minutes(6));
  ASSERT_EQ(*incidents_->SweepSla(), 1);  // only the synced incident is past its target
  EXPECT_EQ(db_->GetTimeline(synced)->back().kind, core::EntryKind::kSlaBreach);
  EXPECT_NE(db_->GetTimeline(local)->back().kind, core::EntryKind::kSlaBreach);
  Flush();
  auto pd = ByKey(Key(synced));
  ASSERT_EQ(pd.size(), 1u);
  ASSERT_EQ(pd[0].notes.size(), 1u);
  EXPECT_EQ(pd[0].notes[0].content, "im: acknowledge SLA breached: SEV-1 target is 5m");
}

TEST_F(PagerDutyOutboundTest, ImportedIncidentsAreHeldToTheMappingToo) {
  StartOutbound("inbound");
  ASSERT_TRUE(manager_->Update("pd", [](ConnectorConfig& c) -> Result<void> {
    auto overlay =
        core::ParseSlaOverlay(*json::Parse(R"({"SEV-1":{"resolve":"2h"},"SEV-2":{"resolve":"2h"},)"
                                           R"("SEV-3":{"resolve":"2h"},"SEV-4":{"resolve":"2h"}})"),
                              "m");
    if (!overlay) return std::unexpected(overlay.error());
    c.sla_mapping = *overlay;
    return Ok();
  }));
  ASSERT_TRUE(Open()->Sync({}));
  auto all = db_->ListIncidents({});
  ASSERT_TRUE(all);
  ASSERT_FALSE(all->empty());
  for (const auto& i : *all) {
    EXPECT_EQ(i.synced_with, "pd");
    auto sla = incidents_->Sla(i);
    EXPECT_EQ(sla.policy, "connector:pd");
    EXPECT_EQ(sla.resolve.target, std::chrono::hours(2));
  }
  // Removing the mapping puts them back on the server's policy.
  ASSERT_TRUE(manager_->Update("pd", [](ConnectorConfig& c) -> Result<void> {
    c.sla_mapping = {};
    return Ok();
  }));
  ASSERT_TRUE(incidents_->ReloadSlaMappings());
  EXPECT_EQ(incidents_->Sla(all->front()).policy, "default");
}

TEST_F(PagerDutyOutboundTest, ChangesToAPagerDutyIncidentAreNotReadBackAsPagerDutys) {
  StartOutbound();
  // Someone triggers an incident in PagerDuty; im imports it.
  auto made = sim::testing::Call(
      router_, "POST", "/incidents",
      {{"Authorization", std::string("Token token=") + kKey}, {"From", pd_user_}},
      R"({"incident":{"type":"incident","title":"Disk full on db-3",)"
      R"("service":{"id":")" +
          default_service_ + R"(","type":"service_reference"}}})");
  ASSERT_EQ(made.status, 201) << made.body;
  std::string pd_id(json::Parse(made.body)->at("incident").at("id").as_string());
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_TRUE(Open()->Sync({}));
  auto n = connectors_->FindLinkedIncident("pd", pd_id);
  ASSERT_TRUE(n && *n);
  int64_t number = **n;

  // It is acknowledged, annotated and resolved in im, and PagerDuty follows.
  ASSERT_TRUE(incidents_->Apply(number, engine::Action::kAcknowledge, {.email = pd_user_}));
  ASSERT_TRUE(incidents_->AddNote(number, {.email = pd_user_}, "freed 40 GB of WAL"));
  EXPECT_EQ(Flush().sent, 2);
  clock_.Advance(std::chrono::minutes(1));
  // Meanwhile someone writes a note in PagerDuty itself: that one is news.
  auto note = sim::testing::Call(
      router_, "POST", "/incidents/" + pd_id + "/notes",
      {{"Authorization", std::string("Token token=") + kKey}, {"From", pd_user_}},
      R"({"note":{"content":"db-3 needs a bigger disk"}})");
  ASSERT_EQ(note.status, 200) << note.body;  // the REST spec's answer to a new note
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_TRUE(Open()->Sync({}));

  int acks = 0, our_notes = 0, their_notes = 0;
  auto timeline = db_->GetTimeline(number);
  ASSERT_TRUE(timeline);
  for (const auto& e : *timeline) {
    if (e.kind == core::EntryKind::kAcknowledged) ++acks;
    if (e.kind == core::EntryKind::kNote && e.message == "freed 40 GB of WAL") ++our_notes;
    if (e.kind == core::EntryKind::kNote && e.message == "db-3 needs a bigger disk") {
      ++their_notes;
      EXPECT_EQ(e.source, "pagerduty");
    }
  }
  EXPECT_EQ(acks, 1);         // im's, not PagerDuty's log of it as well
  EXPECT_EQ(our_notes, 1);    // likewise
  EXPECT_EQ(their_notes, 1);  // a note made in PagerDuty still arrives
  EXPECT_EQ(db_->GetIncident(number)->status, core::Status::kMitigated);
}

TEST_F(PagerDutyOutboundTest, AnOutboxLeasedByAnotherProcessIsLeftToIt) {
  StartOutbound();
  Time now = clock_.Now();
  ASSERT_TRUE(
      *connectors_->LeaseOutbox("pd", "other-host:42:7", now, now + std::chrono::minutes(1)));
  int64_t n = Declare({"checkout"});
  auto r = Flush();
  EXPECT_TRUE(r.busy);
  EXPECT_EQ(r.sent, 0);
  EXPECT_TRUE(ByKey(Key(n)).empty());
  // The other process renews its lease; still ours to leave alone.
  ASSERT_TRUE(*connectors_->LeaseOutbox("pd", "other-host:42:7", now + std::chrono::seconds(30),
                                        now + std::chrono::seconds(90)));
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_TRUE(Flush().busy);
  // It died: once its lease runs out, this process takes over and sends.
  clock_.Advance(std::chrono::seconds(30));
  r = Flush();
  EXPECT_FALSE(r.busy);
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(ByKey(Key(n)).size(), 1u);
  // Released after the pass: another process may send at once.
  EXPECT_TRUE(*connectors_->LeaseOutbox("pd", "other-host:42:7", clock_.Now(),
                                        clock_.Now() + std::chrono::minutes(1)));
}

TEST_F(PagerDutyOutboundTest, ALeaseOfAProcessThatDiedHereIsTakenOverAtOnce) {
  StartOutbound();
  pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);  // `child` no longer runs
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::string dead = std::string(host) + ":" + std::to_string(child) + ":1";
  Time now = clock_.Now();
  ASSERT_TRUE(*connectors_->LeaseOutbox("pd", dead, now, now + std::chrono::minutes(1)));
  int64_t n = Declare({"checkout"});
  auto r = Flush();
  EXPECT_FALSE(r.busy);
  EXPECT_EQ(r.sent, 1);
  EXPECT_EQ(ByKey(Key(n)).size(), 1u);
  // A holder on another host is never judged dead from here.
  ASSERT_TRUE(*connectors_->LeaseOutbox("pd", "elsewhere:" + std::to_string(child) + ":1", now,
                                        now + std::chrono::minutes(1)));
  ASSERT_TRUE(incidents_->AddNote(n, {.email = pd_user_}, "x"));
  EXPECT_TRUE(Flush().busy);
}

TEST_F(PagerDutyOutboundTest, TheSenderSendsADeclareAtOnceNotAtItsNextRound) {
  StartOutbound();
  // A round every hour: only the kick from the engine can make it send within the test.
  OutboxSender sender(*connectors_, *manager_, spdlog::default_logger(), std::chrono::hours(1));
  incidents_->SetOnQueued([&] { sender.Kick(); });
  sender.Start();
  ASSERT_TRUE(sender.WaitForPasses(1, std::chrono::seconds(30)));  // the first round: nothing
  uint64_t before = sender.passes();
  int64_t n = Declare({"checkout"});
  ASSERT_TRUE(sender.WaitForPasses(before + 1, std::chrono::seconds(30)));
  EXPECT_EQ(ByKey(Key(n)).size(), 1u);
  EXPECT_EQ(connectors_->Outbox("pd", clock_.Now())->pending, 0);
  // A note made in im: kicked again.
  before = sender.passes();
  ASSERT_TRUE(incidents_->AddNote(n, {.email = pd_user_}, "looking"));
  ASSERT_TRUE(sender.WaitForPasses(before + 1, std::chrono::seconds(30)));
  EXPECT_EQ(ByKey(Key(n))[0].notes.size(), 1u);
  incidents_->SetOnQueued(nullptr);
  sender.Stop();
}

TEST_F(PagerDutyOutboundTest, NothingToSendNeedsNoFromEmail) {
  StartOutbound();
  ASSERT_TRUE(manager_->Update("pd", [](ConnectorConfig& c) -> Result<void> {
    EditSettings(c, [](pagerduty::Settings& s) {
      s.from_email.clear();
      s.service_mappings.clear();
      s.service_id.clear();
    });
    return Ok();
  }));
  int64_t n = Declare({"checkout"});  // no mapped service: nothing goes to PagerDuty
  ASSERT_TRUE(incidents_->Apply(n, engine::Action::kAcknowledge, {.email = "x@im.example"}));
  auto r = Flush();
  EXPECT_EQ(r.skipped, 2);
  EXPECT_EQ(r.parked, 0);
  EXPECT_EQ(connectors_->Outbox("pd", clock_.Now())->parked, 0);
}

TEST_F(PagerDutyOutboundTest, InboundOnlyConnectorsQueueNothing) {
  StartOutbound("inbound");
  int64_t n = Declare({"checkout"});
  EXPECT_EQ(connectors_->Outbox("pd", clock_.Now())->pending, 0);
  EXPECT_EQ(Flush().sent, 0);
  EXPECT_TRUE(ByKey(Key(n)).empty());
}

}  // namespace
}  // namespace im::connectors::testing
