// incident.io webhooks into the connector: every Standard Webhooks vector (from the project's
// test data, so nothing skips), both header spellings, rotation and unpadded secrets,
// timestamps out of tolerance, every official example delivered signed and applied through a
// fetch of the incident, unknown event types acknowledged and counted, private incidents, and
// duplicated and reordered deliveries from the simulator ending in incident.io's true state.
#include "common/crypto.h"
#include "common/webhook_signature.h"
#include "engine/oncall.h"
#include "fakes/sqlite_query.h"
#include "incidentio_fixture.h"

namespace im::connectors::testing {
namespace {

namespace fs = std::filesystem;

class IncidentIoWebhook : public IncidentIoFixture {
 protected:
  int64_t Query(const std::string& sql) { return im::testing::QueryInt(dir_.File("im.db"), sql); }

  // A delivery of `body` signed with `secret` at `ts`, with the Standard Webhooks header
  // names (or Svix's).
  net::HttpRequest Signed(const std::string& body, const std::string& id, int64_t ts,
                          const std::string& secret = kSecret, bool svix = false) {
    net::HttpRequest req;
    req.method = "POST";
    req.target = "/connectors/iio/webhook";
    req.body = body;
    std::string p = svix ? "svix-" : "webhook-";
    req.headers = {{p + "id", id},
                   {p + "timestamp", std::to_string(ts)},
                   {p + "signature", *StandardWebhookSignature(secret, id, ts, body)}};
    return req;
  }
  int64_t Now() {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch())
        .count();
  }
  WebhookReply Deliver(const std::string& body, const std::string& id) {
    return Open()->HandleWebhook(Signed(body, id, Now()));
  }
  int64_t Events() { return Query("SELECT count(*) FROM connector_events"); }

  // A public, standard incident of the simulator in `category`.
  std::string SimIncidentIn(const std::string& category) {
    std::lock_guard lock(sim_->state().mu);
    const auto& w = sim_->state().world;
    for (const auto& i : w.incidents) {
      const auto* st = w.FindStatus(i.status_id);
      if (st && st->category == category && i.mode == "standard" && i.visibility == "public") {
        return i.id;
      }
    }
    return "";
  }
};

TEST_F(IncidentIoWebhook, EveryStandardWebhooksVectorVerifies) {
  Start({.incidents = 5});
  auto v = json::Parse(TestData("standard-webhooks-signature-vectors.json"));
  ASSERT_TRUE(v && v->is_object()) << "tests/testdata/incident-io/ is missing the vectors";
  std::vector<std::string> secrets;
  for (const auto& item : v->as_object().at("vectors").as_array()) {
    std::string s(item.at("secret").as_string());
    if (std::find(secrets.begin(), secrets.end(), s) == secrets.end()) secrets.push_back(s);
  }
  json::array list;
  for (const auto& s : secrets) list.emplace_back(s);
  Add({{"webhook_secret", list}});
  int checked = 0;
  for (const auto& item : v->as_object().at("vectors").as_array()) {
    const auto& o = item.as_object();
    std::string body;
    if (o.contains("payload")) {
      body = o.at("payload").as_string();
    } else {
      const auto& rep = o.at("payload_repeat").as_object();
      body.assign(static_cast<size_t>(rep.at("count").to_number<int64_t>()),
                  rep.at("char").as_string()[0]);
    }
    int64_t ts = o.at("webhook_timestamp").to_number<int64_t>();
    clock_.Set(Time(std::chrono::seconds(ts + 10)));
    net::HttpRequest req;
    req.method = "POST";
    req.body = body;
    req.headers = {{"webhook-id", std::string(o.at("webhook_id").as_string())},
                   {"webhook-timestamp", std::to_string(ts)},
                   {"webhook-signature", std::string(o.at("expected_signature").as_string())}};
    auto reply = Open()->HandleWebhook(req);
    EXPECT_LT(reply.status, 300) << o.at("name").as_string() << ": " << reply.message;
    EXPECT_FALSE(reply.unverified);
    // The same delivery, 301 seconds later: outside the tolerance, refused.
    clock_.Set(Time(std::chrono::seconds(ts + 301)));
    EXPECT_EQ(Open()->HandleWebhook(req).status, 401);
    ++checked;
  }
  EXPECT_EQ(checked, 5);
  // The negative examples of the same tests never verify; a list with one good v1 entry does.
  const auto& first = v->as_object().at("vectors").as_array().at(0).as_object();
  int64_t ts = first.at("webhook_timestamp").to_number<int64_t>();
  clock_.Set(Time(std::chrono::seconds(ts)));
  net::HttpRequest req;
  req.method = "POST";
  req.body = first.at("payload").as_string();
  for (const auto& bad : v->as_object().at("invalid_signature_examples_from_tests").as_array()) {
    req.headers = {{"webhook-id", "msg_bad"},
                   {"webhook-timestamp", std::to_string(ts)},
                   {"webhook-signature", std::string(bad.as_string())}};
    EXPECT_EQ(Open()->HandleWebhook(req).status, 401) << bad.as_string();
  }
  req.headers = {{"svix-id", std::string(first.at("webhook_id").as_string())},
                 {"svix-timestamp", std::to_string(ts)},
                 {"svix-signature", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,abc " +
                                        std::string(first.at("expected_signature").as_string())}};
  EXPECT_LT(Open()->HandleWebhook(req).status, 300);
}

TEST_F(IncidentIoWebhook, UnpaddedAndUnprefixedSecretsAndRotationVerify) {
  Start({.incidents = 5});
  std::string raw = "twenty-byte-secret!!";  // 20 bytes: base64 with one '=' of padding
  std::string padded = Base64Encode(raw);
  ASSERT_EQ(padded.back(), '=');
  std::string unpadded = padded.substr(0, padded.size() - 1);
  Add({{"webhook_secret", json::array{"whsec_" + unpadded, unpadded}}});
  auto reply =
      Open()->HandleWebhook(Signed(R"({"event_type":"ping"})", "msg_1", Now(), "whsec_" + padded));
  EXPECT_LT(reply.status, 300) << reply.message;
  EXPECT_TRUE(reply.newest_secret_in_use);  // both secrets are the same key: the last matched
  EXPECT_EQ(
      Open()->HandleWebhook(Signed(R"({"event_type":"ping"})", "msg_2", Now(), kSecret)).status,
      401);
}

TEST_F(IncidentIoWebhook, BadSignaturesAndStaleTimestampsAre401AndNothingIsStored) {
  Start({.incidents = 5});
  Add();
  auto c = Open();
  std::string body = R"({"event_type":"public_incident.incident_updated_v2",)"
                     R"("public_incident.incident_updated_v2":{"id":"01X"}})";
  auto stale = c->HandleWebhook(Signed(body, "msg_old", Now() - 301));
  EXPECT_EQ(stale.status, 401);
  EXPECT_NE(stale.message.find("tolerance"), std::string::npos) << stale.message;
  EXPECT_EQ(c->HandleWebhook(Signed(body, "msg_new", Now() + 301)).status, 401);
  auto req = Signed(body, "msg_x", Now());
  req.body += " ";  // not what was signed
  EXPECT_EQ(c->HandleWebhook(req).status, 401);
  EXPECT_EQ(c->HandleWebhook(Signed(body, "msg_y", Now(), "whsec_b3RoZXItc2VjcmV0")).status, 401);
  net::HttpRequest bare;
  bare.method = "POST";
  bare.body = body;
  EXPECT_EQ(c->HandleWebhook(bare).status, 401);
  EXPECT_EQ(Events(), 0);
  EXPECT_EQ(*connectors_->CountRefetches("iio"), 0);
  // Within the tolerance either way it is taken.
  EXPECT_LT(c->HandleWebhook(Signed(body, "msg_edge", Now() - 299, kSecret, true)).status, 300);
  EXPECT_EQ(Events(), 1);
}

TEST_F(IncidentIoWebhook, EveryOfficialExampleIsAcknowledgedAndApplied) {
  Start({.incidents = 60});
  Add();
  auto c = Open();
  ASSERT_TRUE(c->Sync({}));
  const std::string live = SimIncidentIn("live");
  const std::string closed = SimIncidentIn("closed");
  ASSERT_FALSE(live.empty());
  ASSERT_FALSE(closed.empty());
  int n = 0, files = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(IM_TEST_SOURCE_DIR) /
                                                  "tests/testdata/incident-io/examples")) {
    ++files;
    auto parsed = json::Parse(TestData("examples/" + entry.path().filename().string()));
    ASSERT_TRUE(parsed && parsed->is_object()) << entry.path();
    json::object body = parsed->as_object();
    std::string type(body.at("event_type").as_string());
    json::object& payload = body.at(type).as_object();
    // Point the example at incidents the simulator has (the example's ids are not in it).
    if (payload.contains("incident_id")) payload["incident_id"] = closed;
    if (type.find(".incident_created") != std::string::npos ||
        type.find(".incident_updated") != std::string::npos) {
      payload["id"] = live;
      payload["name"] = "What the example says";
    }
    if (payload.contains("incident") && payload.at("incident").is_object()) {
      payload["incident"].as_object()["id"] = live;
    }
    auto reply =
        c->HandleWebhook(Signed(json::Serialize(body), "msg_ex_" + std::to_string(++n), Now()));
    EXPECT_LT(reply.status, 300) << type << ": " << reply.message;
  }
  EXPECT_EQ(files, 18) << "tests/testdata/incident-io/examples should hold the 18 examples";
  EXPECT_EQ(Events(), 18);
  auto fetched = c->FollowUp();
  ASSERT_TRUE(fetched) << fetched.error().message;
  EXPECT_GE(*fetched, 2);  // the live incident, the closed one, and on-call
  EXPECT_EQ(*connectors_->CountRefetches("iio"), 0);
  // What incident.io says, not what the delivery said.
  auto mine = Linked(live);
  ASSERT_TRUE(mine);
  EXPECT_NE(mine->title, "What the example says");
  EXPECT_EQ(mine->custom_fields.at("incidentio_category"), "live");
  // Follow-ups and actions are on the closed incident's timeline.
  auto n_closed = connectors_->FindLinkedIncident("iio", closed);
  ASSERT_TRUE(n_closed && *n_closed);
  EXPECT_GE(Query("SELECT count(*) FROM timeline WHERE incident = " + std::to_string(**n_closed) +
                  " AND (message LIKE 'incident.io follow-up%' OR message LIKE 'incident.io "
                  "action%')"),
            4);
  EXPECT_EQ(Query("SELECT count(*) FROM oncall_schedules"), 2);
}

TEST_F(IncidentIoWebhook, TheSeedsEventNamesAreHandledToo) {
  Start({.incidents = 30});
  Add();
  auto c = Open();
  const std::string id = SimIncidentIn("closed");
  ASSERT_FALSE(id.empty());
  int n = 0;
  for (const char* type : {"incident.created", "incident.status_updated", "incident.resolved"}) {
    json::object payload{{"id", id}};
    if (std::string(type) != "incident.created") payload = {{"incident", {{"id", id}}}};
    std::string body =
        json::Serialize(json::object{{"event_type", type}, {type, std::move(payload)}});
    auto reply = c->HandleWebhook(Signed(body, "msg_seed_" + std::to_string(++n), Now()));
    EXPECT_LT(reply.status, 300) << type << ": " << reply.message;
  }
  EXPECT_EQ(*connectors_->CountRefetches("iio"), 1);  // one incident, asked three times
  ASSERT_TRUE(c->FollowUp());
  auto mine = Linked(id);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->status, core::Status::kClosed);
}

TEST_F(IncidentIoWebhook, UnknownEventTypesAndNonJsonAreAcknowledgedAndCounted) {
  Start({.incidents = 5});
  Add();
  auto c = Open();
  auto reply = c->HandleWebhook(
      Signed(R"({"event_type":"public_incident.brand_new_v9","public_incident.brand_new_v9":{}})",
             "msg_u1", Now()));
  EXPECT_LT(reply.status, 300) << reply.message;
  EXPECT_LT(c->HandleWebhook(Signed("not json at all", "msg_u2", Now())).status, 300);
  EXPECT_EQ(c->HandleWebhook(Signed("not json at all", "msg_u2", Now())).duplicates, 1);
  EXPECT_EQ(Events(), 2);
  EXPECT_EQ(Query("SELECT count(*) FROM connector_events WHERE event_type = "
                  "'public_incident.brand_new_v9' AND body IS NOT NULL"),
            1);
  auto activity = connectors_->Activity("iio", Time{});
  ASSERT_TRUE(activity);
  EXPECT_EQ(activity->webhook_events, 2);
  EXPECT_EQ(activity->webhook_unreadable, 1);
}

TEST_F(IncidentIoWebhook, APrivateIncidentIsFetchedWhenTheKeyMayReadIt) {
  Start({.incidents = 5});
  Add();
  deliver_.target = Open().release();
  std::unique_ptr<Connector> owner(deliver_.target);
  std::string id;
  {
    std::lock_guard lock(sim_->state().mu);
    auto& w = sim_->state().world;
    id = sim_->state()
             .DeclareLocked("Secret outage", w.severities[0].id, w.users[0].id, clock_.Now(),
                            [](sim::incidentio::Incident& i) { i.visibility = "private"; })
             .id;
  }
  sim_->webhooks().RunDue();
  ASSERT_EQ(deliver_.delivered, 1);
  EXPECT_EQ(Query("SELECT count(*) FROM connector_events WHERE event_type = "
                  "'private_incident.incident_created_v2'"),
            1);
  ASSERT_TRUE(owner->FollowUp());
  auto mine = Linked(id);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->title, "Secret outage");
  EXPECT_EQ(mine->custom_fields.at("incidentio_visibility"), "private");
}

TEST_F(IncidentIoWebhook, APrivateIncidentTheKeyMayNotReadIsRecordedAsPrivate) {
  Start({.incidents = 5, .private_access = false});
  Add();
  auto c = Open();
  std::string id;
  {
    std::lock_guard lock(sim_->state().mu);
    auto& w = sim_->state().world;
    id = sim_->state()
             .DeclareLocked("Secret outage", w.severities[0].id, w.users[0].id, clock_.Now(),
                            [](sim::incidentio::Incident& i) { i.visibility = "private"; })
             .id;
  }
  std::string body = json::Serialize(
      json::object{{"event_type", "private_incident.incident_created_v2"},
                   {"private_incident.incident_created_v2", json::object{{"id", id}}}});
  EXPECT_LT(c->HandleWebhook(Signed(body, "msg_p1", Now())).status, 300);
  ASSERT_TRUE(c->FollowUp());
  EXPECT_FALSE(Linked(id));
  EXPECT_EQ(c->counts().private_unreadable, 1);
  auto known = connectors_->Directory("iio", "private_incident");
  ASSERT_TRUE(known);
  ASSERT_EQ(known->size(), 1u);
  EXPECT_EQ(known->at(0).external_id, id);
  EXPECT_EQ(*connectors_->CountRefetches("iio"), 0);
}

TEST_F(IncidentIoWebhook, DuplicatedAndReorderedDeliveriesEndInIncidentIosState) {
  Start({.incidents = 40});
  Add();
  auto owned = Open();
  ASSERT_TRUE(owned->Sync({}));
  deliver_.target = owned.get();
  auto k = sim_->knobs().Get();
  k.webhook_duplicate_rate = 0.5;
  k.webhook_out_of_order = true;
  sim_->knobs().Set(k);
  const std::string id = SimIncidentIn("closed");
  ASSERT_FALSE(id.empty());
  std::vector<std::string> path;  // Fixing → Monitoring → Documenting → Closed → Fixing (reopened)
  {
    std::lock_guard lock(sim_->state().mu);
    auto& w = sim_->state().world;
    for (const char* name : {"Monitoring", "Documenting", "Closed", "Fixing", "Documenting"}) {
      for (const auto& s : w.statuses) {
        if (s.name == name) path.push_back(s.id);
      }
    }
    for (const auto& st : path) {
      clock_.Advance(std::chrono::minutes(3));
      sim_->state().ChangeStatusLocked(*w.FindIncident(id), st, w.users[1].id, clock_.Now(),
                                       "step");
    }
  }
  const Time resolved_at = clock_.Now();
  for (int i = 0; i < 10; ++i) {  // each due batch newest first, some twice, then retries
    sim_->webhooks().RunDue();
    clock_.Advance(std::chrono::seconds(30));
  }
  EXPECT_EQ(sim_->webhooks().stats().pending, 0);
  EXPECT_GE(deliver_.delivered, 8);  // two events a change (the first may be no change)
  auto fetched = owned->FollowUp();
  ASSERT_TRUE(fetched) << fetched.error().message;
  auto mine = Linked(id);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->custom_fields.at("incidentio_category"), "learning");
  EXPECT_EQ(mine->status, core::Status::kResolved);
  // Resolved when it last left the open categories (the second Documenting).
  EXPECT_EQ(mine->resolved_at, resolved_at);
  EXPECT_GE(Query("SELECT count(*) FROM timeline WHERE incident = " + std::to_string(mine->number) +
                  " AND message = 'reopened in incident.io'"),
            1);
  EXPECT_EQ(Query("SELECT count(*) FROM connector_events"),
            Query("SELECT count(DISTINCT event_id) FROM connector_events"));
  // Polling afterwards changes nothing.
  int64_t rows = Query("SELECT count(*) FROM timeline");
  clock_.Advance(std::chrono::minutes(5));
  ASSERT_TRUE(owned->Sync({}));
  EXPECT_EQ(Query("SELECT count(*) FROM timeline"), rows);
  deliver_.target = nullptr;
}

// The simulator's own deliveries of the events that are not incident changes: a follow-up
// lands on the incident's timeline once, and a schedule handed to someone else refreshes who
// `im oncall` says is on call, without waiting for the next poll.
TEST_F(IncidentIoWebhook, FollowUpsReachTheTimelineAndScheduleChangesRefreshOnCall) {
  Start({.incidents = 20});
  Add();
  auto owned = Open();
  ASSERT_TRUE(owned->Sync({}));
  deliver_.target = owned.get();
  const std::string id = SimIncidentIn("closed");
  ASSERT_FALSE(id.empty());
  std::string schedule_id, new_user_email, new_user_id;
  {
    std::lock_guard lock(sim_->state().mu);
    auto& w = sim_->state().world;
    sim_->state().AddFollowUpLocked(*w.FindIncident(id), "Rotate the database keys", w.users[0].id,
                                    clock_.Now());
    auto& sched = w.schedules.front();
    schedule_id = sched.id;
    // Someone nobody's rotation holds yet.
    for (const auto& u : w.users) {
      bool holds = false;
      for (const auto& r : sched.rotations) {
        holds = holds || std::find(r.user_ids.begin(), r.user_ids.end(), u.id) != r.user_ids.end();
      }
      if (!holds) {
        new_user_id = u.id;
        new_user_email = u.email;
        break;
      }
    }
    ASSERT_FALSE(new_user_id.empty());
    sim_->state().ChangeScheduleUsersLocked(sched, {new_user_id}, clock_.Now());
  }
  sim_->webhooks().RunDue();
  EXPECT_EQ(sim_->webhooks().stats().pending, 0);
  auto fetched = owned->FollowUp();
  ASSERT_TRUE(fetched) << fetched.error().message;
  auto mine = Linked(id);
  ASSERT_TRUE(mine);
  const std::string note = "incident.io follow-up created (outstanding): Rotate the database keys";
  EXPECT_EQ(Query("SELECT count(*) FROM timeline WHERE incident = " + std::to_string(mine->number) +
                  " AND message = '" + note + "'"),
            1);
  EXPECT_GE(Query("SELECT count(*) FROM connector_events WHERE event_type = "
                  "'schedule.shift_change_v1'"),
            1);
  engine::OnCall oncall(*schedules_, clock_);
  auto all = oncall.ForAllSchedules(clock_.Now());
  ASSERT_TRUE(all) << all.error().message;
  int matched = 0;
  for (const auto& s : *all) {
    if (s.schedule.external_id.find(schedule_id) == std::string::npos) continue;
    ++matched;
    ASSERT_TRUE(s.current) << s.schedule.schedule.id;
    EXPECT_EQ(s.current->user, new_user_email) << s.schedule.schedule.id;
  }
  EXPECT_GE(matched, 1);
  // A second delivery of the follow-up (Svix retries) adds nothing.
  sim_->webhooks().RunDue();
  ASSERT_TRUE(owned->FollowUp());
  EXPECT_EQ(Query("SELECT count(*) FROM timeline WHERE message = '" + note + "'"), 1);
  deliver_.target = nullptr;
}

TEST_F(IncidentIoWebhook, TheSampleDeliveryOfConnectorWebhookTestIsTaken) {
  Start({.incidents = 5});
  Add();
  auto config = manager_->Config("iio");
  ASSERT_TRUE(config);
  const auto* type = *registry_.Find("incidentio");
  auto sample = type->sample_webhook(*config, "msg_sample_1", clock_.Now());
  ASSERT_TRUE(sample) << sample.error().message;
  net::HttpRequest req;
  req.method = "POST";
  req.body = sample->body;
  for (const auto& h : sample->headers) req.headers.push_back(h);
  auto reply = Open()->HandleWebhook(req);
  EXPECT_LT(reply.status, 300) << reply.message;
  EXPECT_EQ(Events(), 1);
}

}  // namespace
}  // namespace im::connectors::testing
