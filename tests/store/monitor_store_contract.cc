#include <atomic>
#include <future>
#include <map>
#include <thread>

#include "common/time.h"
#include "core/lifecycle.h"
#include "fakes/deadline.h"
#include "store/stores_contract.h"

namespace im::store::testing {
namespace {

using namespace std::chrono_literals;

const Time kM0 = *ParseTime("2026-11-22T10:00:00Z");

StoredMonitor Monitor(std::string name, std::string token = "") {
  return StoredMonitor{.name = std::move(name),
                       .definition = R"({"type":"http"})",
                       .heartbeat_token = std::move(token),
                       .created_at = kM0,
                       .updated_at = kM0};
}

// Declares an incident inside `tx`, as a monitor's outage does.
Result<int64_t> OpenOutage(Tx& tx, const std::string& title) {
  auto c =
      core::Declare({.title = title, .services = {"web"}}, core::Actor{.email = "system"}, kM0);
  if (!c) return std::unexpected(c.error());
  return tx.InsertIncident(c->incident);
}

TEST_P(MonitorStoreContractTest, MonitorsAreAddedFoundUpdatedAndRemoved) {
  ASSERT_TRUE(s_.monitors);
  auto a = s_.monitors->AddMonitor(Monitor("web"));
  auto b = s_.monitors->AddMonitor(Monitor("api", "tok-1"));
  ASSERT_TRUE(a && b) << (a ? b.error().message : a.error().message);
  EXPECT_LT(*a, *b);
  auto dup = s_.monitors->AddMonitor(Monitor("web"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(dup.error().message.find("a monitor named 'web' exists already"), std::string::npos);
  auto list = s_.monitors->ListMonitors();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "api");  // by name
  EXPECT_EQ((*list)[0].heartbeat_token, "tok-1");
  EXPECT_EQ((*list)[1].heartbeat_token, "");
  EXPECT_EQ(s_.monitors->GetMonitorByName("web")->id, *a);

  StoredMonitor m = *s_.monitors->GetMonitor(*a);
  m.name = "www";
  m.paused = true;
  m.updated_at = kM0 + 1h;
  ASSERT_TRUE(s_.monitors->UpdateMonitor(m));
  auto got = s_.monitors->GetMonitor(*a);
  EXPECT_EQ(got->name, "www");
  EXPECT_TRUE(got->paused);
  EXPECT_EQ(got->updated_at, kM0 + 1h);
  EXPECT_EQ(got->created_at, kM0);
  m.id = 999;
  EXPECT_EQ(s_.monitors->UpdateMonitor(m).error().code, ErrorCode::kNotFound);
  m.id = *b;
  m.name = "www";  // taken by the other
  EXPECT_EQ(s_.monitors->UpdateMonitor(m).error().code, ErrorCode::kAlreadyExists);

  ASSERT_TRUE(s_.monitors->RemoveMonitor(*a, {}, kM0));
  EXPECT_EQ(s_.monitors->GetMonitor(*a).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(s_.monitors->RemoveMonitor(*a, {}, kM0).error().code, ErrorCode::kNotFound);
  // Ids are never reused.
  auto c = s_.monitors->AddMonitor(Monitor("again"));
  ASSERT_TRUE(c);
  EXPECT_GT(*c, *b);
}

TEST_P(MonitorStoreContractTest, TheStatusListHasEveryMonitorByNameWithItsLatestState) {
  auto web = s_.monitors->AddMonitor(Monitor("web"));
  auto api = s_.monitors->AddMonitor(Monitor("api"));
  ASSERT_TRUE(web && api);
  StoredMonitor paused = *s_.monitors->GetMonitor(*api);
  paused.paused = true;
  ASSERT_TRUE(s_.monitors->UpdateMonitor(paused));
  ASSERT_TRUE(s_.monitors->RecordCheck(
      *web, CheckRecord{.at = kM0 + 1min, .ok = false, .error = "502"},
      [](const StoredMonitor&, Tx&) -> Result<MonitorStore::CheckWrite> {
        return MonitorStore::CheckWrite{.state = R"({"down":true,"failures":3})"};
      }));
  auto list = s_.monitors->ListMonitorStatuses();
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, *api);  // by name
  EXPECT_EQ((*list)[0].name, "api");
  EXPECT_TRUE((*list)[0].paused);
  EXPECT_EQ((*list)[0].state, "{}");
  EXPECT_FALSE((*list)[0].last_check_at);
  EXPECT_EQ((*list)[1].name, "web");
  EXPECT_FALSE((*list)[1].paused);
  EXPECT_EQ((*list)[1].state, R"({"down":true,"failures":3})");
  EXPECT_EQ((*list)[1].last_check_at, kM0 + 1min);

  // The page's monitors whole, in one read; an id that is gone is left out.
  auto some = s_.monitors->GetMonitors({*web, 999, *api});
  ASSERT_TRUE(some) << some.error().message;
  ASSERT_EQ(some->size(), 2u);
  std::map<int64_t, StoredMonitor> got;
  for (auto& m : *some) got.emplace(m.id, m);
  EXPECT_EQ(got.at(*web).definition, R"({"type":"http"})");
  EXPECT_EQ(got.at(*web).state, R"({"down":true,"failures":3})");
  EXPECT_TRUE(got.at(*api).paused);
  EXPECT_TRUE(s_.monitors->GetMonitors({})->empty());
}

TEST_P(MonitorStoreContractTest, HeartbeatsAreFoundByToken) {
  auto id = s_.monitors->AddMonitor(Monitor("backup", "secret-token"));
  ASSERT_TRUE(id);
  auto hit = s_.monitors->RecordHeartbeat("secret-token", kM0 + 5min);
  ASSERT_TRUE(hit) << hit.error().message;
  EXPECT_EQ(*hit, *id);
  EXPECT_EQ(s_.monitors->GetMonitor(*id)->last_heartbeat_at, kM0 + 5min);
  EXPECT_EQ(s_.monitors->RecordHeartbeat("nope", kM0).error().code, ErrorCode::kNotFound);
}

TEST_P(MonitorStoreContractTest, AFailedCheckOpensAnIncidentAndQueuesItsMessagesTogether) {
  auto id = s_.monitors->AddMonitor(Monitor("web"));
  ASSERT_TRUE(id);
  int64_t opened = 0;
  auto w = s_.monitors->RecordCheck(
      *id, CheckRecord{.at = kM0 + 1min, .ok = false, .response_time = 1500ms, .error = "502"},
      [&](const StoredMonitor& m, Tx& tx) -> Result<MonitorStore::CheckWrite> {
        EXPECT_EQ(m.name, "web");
        auto n = OpenOutage(tx, "web is down");
        if (!n) return std::unexpected(n.error());
        opened = *n;
        return MonitorStore::CheckWrite{
            .state = R"({"down":true})",
            .messages = {{.channel = "pd", .incident = *n, .kind = "trigger", .payload = "{}"}}};
      });
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(s_.main->GetIncident(opened)->title, "web is down");
  auto m = s_.monitors->GetMonitor(*id);
  EXPECT_EQ(m->state, R"({"down":true})");
  EXPECT_EQ(m->last_check_at, kM0 + 1min);
  auto checks = s_.monitors->Checks(*id, kM0);
  ASSERT_TRUE(checks);
  ASSERT_EQ(checks->size(), 1u);
  EXPECT_FALSE((*checks)[0].ok);
  EXPECT_EQ((*checks)[0].response_time, 1500ms);
  EXPECT_EQ((*checks)[0].error, "502");
  auto queued = s_.connectors->ListOutbound(ChannelOutbox("pd"), "pending", 10);
  ASSERT_TRUE(queued);
  ASSERT_EQ(queued->size(), 1u);
  EXPECT_EQ((*queued)[0].incident, opened);
  EXPECT_EQ((*queued)[0].kind, "trigger");

  // A check whose apply fails leaves nothing: no incident, no result, no message.
  auto failed = s_.monitors->RecordCheck(
      *id, CheckRecord{.at = kM0 + 2min, .ok = false},
      [&](const StoredMonitor&, Tx& tx) -> Result<MonitorStore::CheckWrite> {
        if (auto n = OpenOutage(tx, "second"); !n) return std::unexpected(n.error());
        return Fail(ErrorCode::kInternal, "apply failed");
      });
  ASSERT_FALSE(failed);
  EXPECT_EQ(s_.main->ListIncidents({})->size(), 1u);
  EXPECT_EQ(s_.monitors->Checks(*id, kM0)->size(), 1u);
  EXPECT_EQ(s_.monitors->GetMonitor(*id)->last_check_at, kM0 + 1min);

  // Removing the monitor queues its resolves and drops its results.
  ASSERT_TRUE(s_.monitors->RemoveMonitor(
      *id, {{.channel = "pd", .incident = opened, .kind = "resolve", .payload = "{}"}},
      kM0 + 3min));
  EXPECT_EQ(s_.connectors->ListOutbound(ChannelOutbox("pd"), "pending", 10)->size(), 2u);
  EXPECT_TRUE(s_.monitors->Checks(*id, kM0)->empty());
}

TEST_P(MonitorStoreContractTest, OldCheckResultsArePruned) {
  auto id = s_.monitors->AddMonitor(Monitor("web"));
  ASSERT_TRUE(id);
  auto ok = [](const StoredMonitor&, Tx&) -> Result<MonitorStore::CheckWrite> {
    return MonitorStore::CheckWrite{.state = "{}"};
  };
  for (int k = 0; k < 5; ++k) {
    ASSERT_TRUE(s_.monitors->RecordCheck(
        *id, CheckRecord{.at = kM0 + std::chrono::minutes(k), .ok = true}, ok));
  }
  EXPECT_EQ(s_.monitors->Checks(*id, kM0 + 3min)->size(), 2u);
  auto pruned = s_.monitors->PruneChecks(kM0 + 2min);
  ASSERT_TRUE(pruned);
  EXPECT_EQ(*pruned, 2);
  auto left = s_.monitors->Checks(*id, kM0);
  ASSERT_EQ(left->size(), 3u);
  EXPECT_EQ((*left)[0].at, kM0 + 2min);  // oldest first
}

TEST_P(MonitorStoreContractTest, ChannelsAndIntegrationsAreKeptByName) {
  ASSERT_TRUE(s_.monitors->AddChannel(
      {.name = "pd", .type = "pagerduty", .config = "{}", .created_at = kM0}));
  auto dup = s_.monitors->AddChannel({.name = "pd", .type = "pagerduty", .config = "{}"});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  ASSERT_TRUE(s_.monitors->AddChannel({.name = "chat", .type = "slack", .config = "{}"}));
  auto channels = s_.monitors->ListChannels();
  ASSERT_EQ(channels->size(), 2u);
  EXPECT_EQ((*channels)[0].name, "chat");
  EXPECT_EQ(s_.monitors->GetChannel("pd")->type, "pagerduty");
  ASSERT_TRUE(s_.monitors->RemoveChannel("pd"));
  EXPECT_EQ(s_.monitors->GetChannel("pd").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(s_.monitors->RemoveChannel("pd").error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(s_.monitors->AddIntegration({.routing_key = "k1",
                                           .name = "alerts",
                                           .service = "web",
                                           .severity_map = "{}",
                                           .created_at = kM0}));
  EXPECT_EQ(s_.monitors->GetIntegration("k1")->service, "web");
  EXPECT_EQ(s_.monitors->GetIntegration("k2").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(s_.monitors->ListIntegrations()->size(), 1u);
}

TEST_P(MonitorStoreContractTest, EventsOfOneDedupKeyFindTheIncidentTheFirstOpened) {
  auto trigger = [&](int64_t open, Tx& tx) -> Result<int64_t> {
    if (open != 0) return open;
    return OpenOutage(tx, "disk full");
  };
  auto first = s_.monitors->ApplyEvent("k1", "disk", trigger);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_GT(*first, 0);
  EXPECT_EQ(*s_.monitors->ApplyEvent("k1", "disk", trigger), *first);
  int64_t seen_other = -1;
  ASSERT_TRUE(s_.monitors->ApplyEvent("k1", "other", [&](int64_t open, Tx&) -> Result<int64_t> {
    seen_other = open;
    return 0;
  }));
  EXPECT_EQ(seen_other, 0);
  // Once the incident is resolved, the key opens a new one.
  ASSERT_TRUE(s_.main->Transact([&](Tx& tx) -> Result<void> {
    auto i = tx.GetIncident(*first);
    if (!i) return std::unexpected(i.error());
    i->status = core::Status::kResolved;
    i->resolved_at = kM0 + 1h;
    i->version++;
    return tx.UpdateIncident(*i);
  }));
  std::promise<Result<int64_t>> done;
  s_.monitors->ApplyEventAsync("k1", "disk", trigger,
                               [&](Result<int64_t> r) { done.set_value(std::move(r)); });
  auto f = done.get_future();
  im::testing::WaitOrFail(f, "the asynchronous event");
  auto second = f.get();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_GT(*second, *first);
}

// Two instances receiving events of one dedup key at once open one incident between them.
TEST_P(MonitorStoreContractTest, TwoInstancesApplyingOneDedupKeyOpenOneIncident) {
  Stores other = GetParam().again();
  ASSERT_TRUE(other.monitors);
  std::atomic<int> opened{0};
  auto trigger = [&](int64_t open, Tx& tx) -> Result<int64_t> {
    if (open != 0) return open;
    opened++;
    return OpenOutage(tx, "disk full");
  };
  constexpr int kEach = 20;
  std::atomic<int> failures{0};
  auto run = [&](MonitorStore& m) {
    for (int k = 0; k < kEach; ++k) {
      if (!m.ApplyEvent("k1", "disk", trigger)) failures++;
    }
  };
  std::thread a([&] { run(*s_.monitors); });
  std::thread b([&] { run(*other.monitors); });
  a.join();
  b.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(s_.main->ListIncidents({})->size(), 1u);
}

}  // namespace
}  // namespace im::store::testing
