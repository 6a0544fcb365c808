#include "store/connector_store_contract.h"

#include <algorithm>
#include <future>
#include <thread>

#include "common/time.h"
#include "core/lifecycle.h"

namespace im::store::testing {
namespace {

using namespace std::chrono_literals;

const Time kC0 = *ParseTime("2026-11-22T10:00:00Z");

StoredConnector Connector(std::string name, bool sends_changes) {
  return StoredConnector{.name = std::move(name),
                         .type = "pagerduty",
                         .config = R"({"api_key":"sealed:abc"})",
                         .created_at = kC0,
                         .sends_changes = sends_changes};
}

core::Incident ProviderIncident(std::string title, core::Status status = core::Status::kOpen) {
  auto c = core::Declare(
      {.title = std::move(title), .severity = core::Severity::kSev2, .services = {"checkout"}},
      core::Actor{.email = "pd@example.com"}, kC0);
  EXPECT_TRUE(c);
  c->incident.status = status;
  c->incident.source = "pagerduty";
  return c->incident;
}

// An incident declared in im, with the outbox rows the declare queues, as the engine does.
int64_t DeclareHere(Store& main, const std::string& title, int* queued = nullptr) {
  int64_t number = 0;
  auto ok = main.Transact([&](Tx& tx) -> Result<void> {
    auto incident = ProviderIncident(title);
    incident.source = "im";
    auto n = tx.InsertIncident(incident);
    if (!n) return std::unexpected(n.error());
    number = *n;
    auto q = tx.EnqueueOutbound(number, "create", R"({"title":"x"})", kC0);
    if (!q) return std::unexpected(q.error());
    if (queued) *queued = *q;
    return Ok();
  });
  EXPECT_TRUE(ok) << (ok ? "" : ok.error().message);
  return number;
}

Result<int> Enqueue(Store& main, int64_t incident, std::string_view kind, Time at = kC0) {
  int queued = 0;
  auto ok = main.Transact([&](Tx& tx) -> Result<void> {
    auto q = tx.EnqueueOutbound(incident, kind, R"({"text":"note text"})", at);
    if (!q) return std::unexpected(q.error());
    queued = *q;
    return Ok();
  });
  if (!ok) return std::unexpected(ok.error());
  return queued;
}

// A decide that creates (or replaces) the incident with `incident` and appends one entry.
auto Set(core::Incident incident, std::optional<Time> event_at = std::nullopt,
         std::string entry = "synced") {
  return [incident = std::move(incident), event_at,
          entry = std::move(entry)](const LinkedIncident&) -> Result<ProviderUpdate> {
    ProviderUpdate u{.incident = incident, .event_at = event_at};
    u.entries.push_back({.at = kC0,
                         .kind = core::EntryKind::kSynced,
                         .actor = "pd@example.com",
                         .message = entry,
                         .source = "pagerduty"});
    return u;
  };
}

WebhookEventRecord Event(std::string id, std::string resource, Time at = kC0) {
  return WebhookEventRecord{.event_id = std::move(id),
                            .webhook_id = "W1",
                            .event_type = "incident.acknowledged",
                            .occurred_at = at,
                            .resource_id = std::move(resource),
                            .received_at = at + 1s};
}

TEST_P(ConnectorStoreContractTest, ConnectorsAreAddedReadUpdatedAndRemoved) {
  ASSERT_TRUE(connectors().Add(Connector("pd", true)));
  ASSERT_TRUE(connectors().Add(Connector("ops", false)));
  auto dup = connectors().Add(Connector("pd", false));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(connectors().Get("nope").error().code, ErrorCode::kNotFound);

  auto pd = connectors().Get("pd");
  ASSERT_TRUE(pd);
  EXPECT_EQ(pd->type, "pagerduty");
  EXPECT_EQ(pd->config, R"({"api_key":"sealed:abc"})");
  EXPECT_EQ(pd->created_at, kC0);
  EXPECT_TRUE(pd->sends_changes);
  EXPECT_FALSE(pd->last_sync_at);
  EXPECT_FALSE(pd->import_done);

  auto list = connectors().List();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "ops");  // by name
  EXPECT_EQ((*list)[1].name, "pd");

  auto changed = Connector("pd", false);
  changed.config = R"({"api_key":"sealed:def"})";
  changed.sla_mapping = R"({"P1":"gold"})";
  ASSERT_TRUE(connectors().UpdateConfig(changed));
  EXPECT_EQ(connectors().UpdateConfig(Connector("nope", true)).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(connectors().RecordSync("pd", kC0 + 5min, "PagerDuty answered 500"));
  ASSERT_TRUE(connectors().SetCheckpoint("pd", kC0 - 24h, true));
  pd = connectors().Get("pd");
  ASSERT_TRUE(pd);
  EXPECT_EQ(pd->config, R"({"api_key":"sealed:def"})");
  EXPECT_FALSE(pd->sends_changes);
  EXPECT_EQ(pd->sla_mapping, R"({"P1":"gold"})");
  EXPECT_EQ(pd->last_sync_at, kC0 + 5min);
  EXPECT_EQ(pd->last_error, "PagerDuty answered 500");
  EXPECT_EQ(pd->import_checkpoint, kC0 - 24h);
  EXPECT_TRUE(pd->import_done);

  // Removing a connector removes its links; the incidents stay.
  auto n = connectors().ApplyProviderIncident("pd", "P1", std::nullopt, Set(ProviderIncident("x")));
  ASSERT_TRUE(n);
  ASSERT_TRUE(connectors().Remove("pd"));
  EXPECT_EQ(connectors().Get("pd").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(connectors().Remove("pd").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(*connectors().CountLinks("pd"), 0);
  EXPECT_TRUE(main().GetIncident(*n));
}

TEST_P(ConnectorStoreContractTest, AProviderIncidentIsCreatedLinkedAndThenUpdated) {
  ASSERT_TRUE(connectors().Add(Connector("pd", false)));
  bool saw_new = false;
  auto first = connectors().ApplyProviderIncident(
      "pd", "P1", std::nullopt, [&](const LinkedIncident& linked) -> Result<ProviderUpdate> {
        saw_new = !linked.incident && !linked.last_event_at;
        ProviderUpdate u{.incident = ProviderIncident("Checkout down"), .event_at = kC0};
        u.services_to_ensure = {"checkout"};
        u.entries.push_back({.at = kC0, .kind = core::EntryKind::kSynced, .message = "imported"});
        return u;
      });
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(saw_new);
  ASSERT_GT(*first, 0);
  EXPECT_EQ(**connectors().FindLinkedIncident("pd", "P1"), *first);
  EXPECT_FALSE(*connectors().FindLinkedIncident("pd", "P2"));
  EXPECT_EQ(*connectors().CountLinks("pd"), 1);
  EXPECT_TRUE(main().GetService("checkout"));

  // The second update sees what the first stored, with its provider time.
  auto second = connectors().ApplyProviderIncident(
      "pd", "P1", std::nullopt, [&](const LinkedIncident& linked) -> Result<ProviderUpdate> {
        EXPECT_TRUE(linked.incident);
        if (!linked.incident) return Fail(ErrorCode::kInternal, "not linked");
        EXPECT_EQ(linked.incident->title, "Checkout down");
        EXPECT_EQ(linked.last_event_at, kC0);
        ProviderUpdate u{.incident = *linked.incident, .event_at = kC0 + 1min};
        u.incident.status = core::Status::kMitigated;
        u.incident.acknowledged_at = kC0 + 1min;
        u.entries.push_back(
            {.at = kC0 + 1min, .kind = core::EntryKind::kAcknowledged, .message = "acked in PD"});
        return u;
      });
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, *first);
  auto stored = main().GetIncidentWithTimeline(*first);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->incident.status, core::Status::kMitigated);
  ASSERT_EQ(stored->timeline.size(), 2u);
  EXPECT_EQ(stored->timeline[1].message, "acked in PD");

  // An older event does not move the link's provider time back.
  ASSERT_TRUE(connectors().ApplyProviderIncident(
      "pd", "P1", std::nullopt, [&](const LinkedIncident& linked) -> Result<ProviderUpdate> {
        return ProviderUpdate{.incident = *linked.incident, .event_at = kC0 - 1h};
      }));
  ASSERT_TRUE(connectors().ApplyProviderIncident(
      "pd", "P1", std::nullopt, [&](const LinkedIncident& linked) -> Result<ProviderUpdate> {
        EXPECT_EQ(linked.last_event_at, kC0 + 1min);
        return ProviderUpdate{.skip = true};
      }));

  // A skipped update of an unknown object stores and links nothing.
  auto skipped = connectors().ApplyProviderIncident(
      "pd", "P9", std::nullopt,
      [](const LinkedIncident&) -> Result<ProviderUpdate> { return ProviderUpdate{.skip = true}; });
  ASSERT_TRUE(skipped);
  EXPECT_EQ(*skipped, 0);
  EXPECT_EQ(*connectors().CountLinks("pd"), 1);
}

TEST_P(ConnectorStoreContractTest, AnEventIsAppliedOnceAndCounted) {
  ASSERT_TRUE(connectors().Add(Connector("pd", false)));
  auto n = connectors().ApplyProviderIncident("pd", "P1", Event("E1", "P1"),
                                              Set(ProviderIncident("Checkout down"), kC0));
  ASSERT_TRUE(n);
  int calls = 0;
  auto again = connectors().ApplyProviderIncident(
      "pd", "P1", Event("E1", "P1"), [&](const LinkedIncident&) -> Result<ProviderUpdate> {
        ++calls;
        return ProviderUpdate{.skip = true};
      });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(main().GetTimeline(*n)->size(), 1u);
  auto activity = connectors().Activity("pd", kC0 - 1h);
  ASSERT_TRUE(activity);
  EXPECT_EQ(activity->webhook_events, 1);
  EXPECT_EQ(connectors().Get("pd")->last_webhook_at, kC0);
}

TEST_P(ConnectorStoreContractTest, AFailedDecisionStoresNothingNotEvenTheEvent) {
  ASSERT_TRUE(connectors().Add(Connector("pd", false)));
  auto failed = connectors().ApplyProviderIncident(
      "pd", "P1", Event("E1", "P1"), [](const LinkedIncident&) -> Result<ProviderUpdate> {
        return Fail(ErrorCode::kInvalidArgument, "unreadable incident");
      });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(*connectors().CountLinks("pd"), 0);
  EXPECT_EQ(connectors().Activity("pd", kC0 - 1h)->webhook_events, 0);
  // The same event applies later, as if it had never come.
  EXPECT_TRUE(connectors().ApplyProviderIncident("pd", "P1", Event("E1", "P1"),
                                                 Set(ProviderIncident("Checkout down"))));
  EXPECT_EQ(*connectors().CountLinks("pd"), 1);
}

TEST_P(ConnectorStoreContractTest, AnAsyncUpdateReportsOnceItIsDurable) {
  ASSERT_TRUE(connectors().Add(Connector("pd", false)));
  std::promise<Result<int64_t>> done;
  connectors().ApplyProviderIncidentAsync("pd", "P1", Event("E1", "P1"),
                                          Set(ProviderIncident("Checkout down")),
                                          [&](Result<int64_t> r) { done.set_value(std::move(r)); });
  auto result = done.get_future().get();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(**connectors().FindLinkedIncident("pd", "P1"), *result);

  std::promise<Result<int64_t>> dup;
  connectors().ApplyProviderIncidentAsync("pd", "P1", Event("E1", "P1"),
                                          Set(ProviderIncident("again")),
                                          [&](Result<int64_t> r) { dup.set_value(std::move(r)); });
  auto again = dup.get_future().get();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
}

TEST_P(ConnectorStoreContractTest, ABatchOfUpdatesStandsOrFallsTogether) {
  ASSERT_TRUE(connectors().Add(Connector("pd", false)));
  std::vector<ConnectorStore::Item> items;
  for (const char* id : {"P1", "P2", "P3"}) {
    items.push_back({.external_id = id, .decide = Set(ProviderIncident(id))});
  }
  ASSERT_TRUE(connectors().ApplyProviderIncidents("pd", items));
  EXPECT_EQ(*connectors().CountLinks("pd"), 3);

  items.clear();
  items.push_back({.external_id = "P4", .decide = Set(ProviderIncident("P4"))});
  items.push_back(
      {.external_id = "P5", .decide = [](const LinkedIncident&) -> Result<ProviderUpdate> {
         return Fail(ErrorCode::kUnavailable, "page cut short");
       }});
  EXPECT_FALSE(connectors().ApplyProviderIncidents("pd", items));
  EXPECT_EQ(*connectors().CountLinks("pd"), 3);  // P4 was not kept either
  EXPECT_FALSE(*connectors().FindLinkedIncident("pd", "P4"));
}

TEST_P(ConnectorStoreContractTest, TwoWritersApplyingTheSameNewObjectMakeOneIncident) {
  ASSERT_TRUE(connectors().Add(Connector("pd", false)));
  constexpr int kWriters = 4;
  std::vector<std::thread> threads;
  std::vector<Result<int64_t>> results(kWriters, 0);
  for (int i = 0; i < kWriters; ++i) {
    threads.emplace_back([&, i] {
      // Different deliveries (event ids) about the same PagerDuty incident, at once.
      results[i] = connectors().ApplyProviderIncident(
          "pd", "P1", Event("E" + std::to_string(i), "P1"), Set(ProviderIncident("Checkout")));
    });
  }
  for (auto& t : threads) t.join();
  int64_t number = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().message;
    if (number == 0) number = *r;
    EXPECT_EQ(*r, number);
  }
  EXPECT_EQ(*connectors().CountLinks("pd"), 1);
  auto all = main().ListIncidents({});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 1u);
  EXPECT_EQ(main().GetTimeline(number)->size(), static_cast<size_t>(kWriters));
}

TEST_P(ConnectorStoreContractTest, RefetchesAreQueuedByEventsAndKeptWhenAskedAgain) {
  ASSERT_TRUE(connectors().Add(Connector("pd", false)));
  auto record = [&](WebhookEventRecord e) {
    std::promise<Result<void>> p;
    connectors().RecordEventAsync("pd", std::move(e), {},
                                  [&](Result<void> r) { p.set_value(std::move(r)); });
    return p.get_future().get();
  };
  auto e1 = Event("E1", "P1");
  e1.refetch = "P1";
  ASSERT_TRUE(record(e1));
  auto dup = record(e1);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  auto e2 = Event("E2", "P2", kC0 + 1min);
  e2.refetch = "P2";
  e2.event_type = "incident.reopened";
  ASSERT_TRUE(record(e2));
  EXPECT_EQ(*connectors().CountRefetches("pd"), 2);

  EXPECT_TRUE(connectors().DueRefetches("pd", kC0, 10)->empty());  // not before it was asked
  auto due = connectors().DueRefetches("pd", kC0 + 1h, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].external_id, "P1");  // longest waiting first
  EXPECT_EQ((*due)[1].reason, "incident.reopened");

  // P1 is asked for again while it is being fetched: finishing the older request keeps it.
  auto e3 = Event("E3", "P1", kC0 + 2min);
  e3.refetch = "P1";
  ASSERT_TRUE(record(e3));
  ASSERT_TRUE(connectors().FinishRefetches("pd", *due));
  due = connectors().DueRefetches("pd", kC0 + 1h, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].external_id, "P1");

  ASSERT_TRUE(connectors().RetryRefetch("pd", "P1", 1, kC0 + 2h, "PagerDuty answered 503"));
  EXPECT_TRUE(connectors().DueRefetches("pd", kC0 + 1h, 10)->empty());
  due = connectors().DueRefetches("pd", kC0 + 2h, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].attempts, 1);
  EXPECT_EQ((*due)[0].last_error, "PagerDuty answered 503");
  EXPECT_EQ(connectors().Activity("pd", kC0 - 1h)->webhook_events, 3);
}

TEST_P(ConnectorStoreContractTest, TheDirectoryIsUpdatedInPlaceAndReadByKind) {
  ASSERT_TRUE(connectors().Add(Connector("pd", false)));
  ASSERT_TRUE(connectors().SaveDirectory("pd", {{"user", "U2", "zed@example.com", "{}"},
                                                {"user", "U1", "ana@example.com", "{}"},
                                                {"service", "S1", "checkout", R"({"id":"S1"})"}}));
  ASSERT_TRUE(connectors().SaveDirectory("pd", {{"user", "U2", "bo@example.com", R"({"v":2})"}}));
  auto users = connectors().Directory("pd", "user");
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].name, "ana@example.com");  // by name
  EXPECT_EQ((*users)[1].external_id, "U2");
  EXPECT_EQ((*users)[1].data, R"({"v":2})");
  EXPECT_EQ(connectors().Directory("pd", "service")->size(), 1u);
  EXPECT_TRUE(connectors().Directory("pd", "team")->empty());
  EXPECT_TRUE(connectors().Directory("other", "user")->empty());
}

TEST_P(ConnectorStoreContractTest, ActivityAddsUpPerMinuteAndSumsSince) {
  ASSERT_TRUE(connectors().Add(Connector("pd", false)));
  ASSERT_TRUE(connectors().AddActivity("pd", kC0, {.api_calls = 3, .api_errors = 1}));
  ASSERT_TRUE(connectors().AddActivity("pd", kC0, {.api_calls = 2, .rate_limited = 1}));
  ASSERT_TRUE(connectors().AddActivity("pd", kC0 + 2min, {.api_calls = 10, .syncs = 1}));
  auto all = connectors().Activity("pd", kC0);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->api_calls, 15);
  EXPECT_EQ(all->api_errors, 1);
  EXPECT_EQ(all->rate_limited, 1);
  EXPECT_EQ(all->syncs, 1);
  EXPECT_EQ(connectors().Activity("pd", kC0 + 1min)->api_calls, 10);
}

TEST_P(ConnectorStoreContractTest, ChangesFanOutToTheConnectorsThatSendAndHoldTheIncident) {
  ASSERT_TRUE(connectors().Add(Connector("pd", true)));
  ASSERT_TRUE(connectors().Add(Connector("og", true)));
  ASSERT_TRUE(connectors().Add(Connector("readonly", false)));
  int queued = 0;
  int64_t declared = DeclareHere(main(), "Checkout down", &queued);
  EXPECT_EQ(queued, 2);  // pd and og; not the inbound-only one
  EXPECT_EQ(*Enqueue(main(), declared, "acknowledge"), 2);
  EXPECT_TRUE(connectors().ListOutbound("readonly", "pending", 10)->empty());

  // An incident imported from pd is held by pd only: its changes go there alone.
  auto imported = connectors().ApplyProviderIncident("pd", "P1", std::nullopt,
                                                     Set(ProviderIncident("From PagerDuty")));
  ASSERT_TRUE(imported);
  EXPECT_EQ(*Enqueue(main(), *imported, "note"), 1);
  auto pd = connectors().ListOutbound("pd", "pending", 10);
  ASSERT_TRUE(pd);
  ASSERT_EQ(pd->size(), 3u);
  EXPECT_EQ((*pd)[0].kind, "create");  // in queue order
  EXPECT_EQ((*pd)[1].kind, "acknowledge");
  EXPECT_EQ((*pd)[2].kind, "note");
  EXPECT_EQ((*pd)[2].incident, *imported);
  EXPECT_LT((*pd)[0].seq, (*pd)[1].seq);
  EXPECT_EQ(connectors().ListOutbound("og", "pending", 10)->size(), 2u);

  // A change that fails takes its outbox rows with it.
  auto failed = main().Transact([&](Tx& tx) -> Result<void> {
    if (auto q = tx.EnqueueOutbound(declared, "resolve", "{}", kC0); !q) {
      return std::unexpected(q.error());
    }
    return Fail(ErrorCode::kFailedPrecondition, "the resolve lost a race");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(connectors().ListOutbound("pd", "pending", 10)->size(), 3u);

  auto of = connectors().OutboundFor("pd", declared);
  ASSERT_TRUE(of);
  EXPECT_TRUE(of->created_here);
  EXPECT_EQ(of->pending, 2);
  EXPECT_FALSE(connectors().OutboundFor("pd", *imported)->created_here);
}

TEST_P(ConnectorStoreContractTest, DeliveriesAreSentRetriedParkedAndRequeued) {
  ASSERT_TRUE(connectors().Add(Connector("pd", true)));
  int64_t a = DeclareHere(main(), "A");
  int64_t b = DeclareHere(main(), "B");
  auto pending = connectors().ListOutbound("pd", "pending", 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].incident, a);
  EXPECT_EQ((*pending)[1].incident, b);
  EXPECT_EQ(connectors().Outbox("pd", kC0)->oldest_pending, kC0);

  ASSERT_TRUE(connectors().FinishOutbound((*pending)[0].seq, "sent", 1, kC0, "", kC0 + 1s));
  ASSERT_TRUE(connectors().FinishOutbound((*pending)[1].seq, "pending", 1, kC0 + 30s,
                                          "PagerDuty answered 503", kC0 + 1s));
  auto again = connectors().ListOutbound("pd", "pending", 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempts, 1);
  EXPECT_EQ((*again)[0].next_attempt_at, kC0 + 30s);
  EXPECT_EQ((*again)[0].last_error, "PagerDuty answered 503");

  ASSERT_TRUE(connectors().FinishOutbound((*again)[0].seq, "parked", 8, kC0 + 30s,
                                          "PagerDuty answered 400", kC0 + 10min));
  auto counts = connectors().Outbox("pd", kC0);
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->pending, 0);
  EXPECT_EQ(counts->parked, 1);
  EXPECT_EQ(counts->sent_since, 1);
  EXPECT_FALSE(counts->oldest_pending);
  EXPECT_EQ(connectors().Outbox("pd", kC0 + 1min)->sent_since, 0);
  EXPECT_TRUE(connectors().OutboundFor("pd", b)->created_here);  // parked still counts

  // The sent change is what the provider's log will echo back.
  auto echo = connectors().ApplyProviderIncident(
      "pd", "PA", std::nullopt, [&](const LinkedIncident& linked) -> Result<ProviderUpdate> {
        EXPECT_FALSE(linked.incident);
        auto outbound = linked.outbound(a);
        EXPECT_TRUE(outbound && outbound->created_here);
        return ProviderUpdate{.skip = true};
      });
  ASSERT_TRUE(echo);

  EXPECT_EQ(*connectors().RetryParked("pd", kC0 + 20min), 1);
  EXPECT_EQ(*connectors().RetryParked("pd", kC0 + 20min), 0);
  again = connectors().ListOutbound("pd", "pending", 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempts, 0);
  EXPECT_EQ((*again)[0].next_attempt_at, kC0 + 20min);
}

TEST_P(ConnectorStoreContractTest, OneSenderHoldsTheOutboxLeaseUntilItExpires) {
  ASSERT_TRUE(connectors().Add(Connector("pd", true)));
  EXPECT_EQ(*connectors().OutboxLeaseHolder("pd", kC0), "");
  EXPECT_TRUE(*connectors().LeaseOutbox("pd", "host-a:1", kC0, kC0 + 30s));
  EXPECT_FALSE(*connectors().LeaseOutbox("pd", "host-b:2", kC0 + 10s, kC0 + 40s));
  EXPECT_EQ(*connectors().OutboxLeaseHolder("pd", kC0 + 10s), "host-a:1");
  EXPECT_TRUE(*connectors().LeaseOutbox("pd", "host-a:1", kC0 + 20s, kC0 + 50s));  // renewed
  EXPECT_FALSE(*connectors().LeaseOutbox("pd", "host-b:2", kC0 + 40s, kC0 + 70s));
  // Expired: anyone may take it.
  EXPECT_EQ(*connectors().OutboxLeaseHolder("pd", kC0 + 50s), "");
  EXPECT_TRUE(*connectors().LeaseOutbox("pd", "host-b:2", kC0 + 50s, kC0 + 80s));
  // A holder known to be dead is replaced at once.
  EXPECT_TRUE(*connectors().LeaseOutbox("pd", "host-c:3", kC0 + 51s, kC0 + 81s, "host-b:2"));
  EXPECT_EQ(*connectors().OutboxLeaseHolder("pd", kC0 + 52s), "host-c:3");
  // Only the holder releases it.
  ASSERT_TRUE(connectors().ReleaseOutbox("pd", "host-a:1"));
  EXPECT_EQ(*connectors().OutboxLeaseHolder("pd", kC0 + 52s), "host-c:3");
  ASSERT_TRUE(connectors().ReleaseOutbox("pd", "host-c:3"));
  EXPECT_EQ(*connectors().OutboxLeaseHolder("pd", kC0 + 52s), "");
  // Leases are per connector.
  ASSERT_TRUE(connectors().Add(Connector("og", true)));
  EXPECT_TRUE(*connectors().LeaseOutbox("pd", "host-a:1", kC0 + 60s, kC0 + 90s));
  EXPECT_TRUE(*connectors().LeaseOutbox("og", "host-b:2", kC0 + 60s, kC0 + 90s));
}

TEST_P(ConnectorStoreContractTest, LinksAreMadeOnceAndUnresolvedOnesListed) {
  ASSERT_TRUE(connectors().Add(Connector("pd", true)));
  int64_t n = DeclareHere(main(), "Checkout down");
  std::vector<core::TimelineEntry> entry{{.at = kC0,
                                          .kind = core::EntryKind::kSynced,
                                          .message = "PagerDuty incident created (P2)",
                                          .source = "pagerduty",
                                          .external_key = "pd:P2:linked"}};
  ASSERT_TRUE(connectors().LinkIncident("pd", "P2", n, entry));
  ASSERT_TRUE(connectors().LinkIncident("pd", "P2", n, entry));  // again: nothing added
  ASSERT_TRUE(connectors().LinkIncident("pd", "P1", n, {}));
  EXPECT_EQ(*connectors().LinksOf("pd", n), (std::vector<std::string>{"P1", "P2"}));
  EXPECT_EQ(main().GetTimeline(n)->size(), 1u);

  auto resolved = connectors().ApplyProviderIncident(
      "pd", "P3", std::nullopt, Set(ProviderIncident("Old", core::Status::kResolved)));
  ASSERT_TRUE(resolved);
  auto open = connectors().LinkedUnresolved("pd");
  ASSERT_TRUE(open);
  std::sort(open->begin(), open->end());
  EXPECT_EQ(*open, (std::vector<std::pair<std::string, int64_t>>{{"P1", n}, {"P2", n}}));
}

// The connector an incident is synced with (whose SLA mapping applies) is the first one linked
// to it, however the link was made; a later link changes nothing.
TEST_P(ConnectorStoreContractTest, TheFirstLinkedConnectorIsWhatAnIncidentIsSyncedWith) {
  ASSERT_TRUE(connectors().Add(Connector("pd-b", true)));
  ASSERT_TRUE(connectors().Add(Connector("pd-a", true)));
  int64_t declared = DeclareHere(main(), "Declared in im");
  EXPECT_EQ(main().GetIncident(declared)->synced_with, "");
  ASSERT_TRUE(connectors().LinkIncident("pd-b", "P1", declared, {}));
  ASSERT_TRUE(connectors().LinkIncident("pd-a", "P2", declared, {}));
  EXPECT_EQ(main().GetIncident(declared)->synced_with, "pd-b");

  auto imported = connectors().ApplyProviderIncident("pd-a", "P3", std::nullopt,
                                                     Set(ProviderIncident("From pd-a")));
  ASSERT_TRUE(imported) << imported.error().message;
  EXPECT_EQ(main().GetIncident(*imported)->synced_with, "pd-a");
  ASSERT_TRUE(connectors().LinkIncident("pd-b", "P4", *imported, {}));
  ASSERT_TRUE(connectors().ApplyProviderIncident("pd-a", "P3", std::nullopt,
                                                 Set(ProviderIncident("From pd-a, again"))));
  EXPECT_EQ(main().GetIncident(*imported)->synced_with, "pd-a");
}

// What im sent a connector about a linked incident is read back, in queue order, with the
// text each change carried, so the provider's log of it is known as our own echo.
TEST_P(ConnectorStoreContractTest, AnUpdateSeesTheChangesImSentForTheIncident) {
  ASSERT_TRUE(connectors().Add(Connector("pd", true)));
  auto imported = connectors().ApplyProviderIncident("pd", "P1", std::nullopt,
                                                     Set(ProviderIncident("From PagerDuty")));
  ASSERT_TRUE(imported);
  auto enqueue = [&](std::string_view kind, std::string payload, Time at) {
    return main().Transact([&](Tx& tx) -> Result<void> {
      auto q = tx.EnqueueOutbound(*imported, kind, payload, at);
      if (!q) return std::unexpected(q.error());
      return Ok();
    });
  };
  ASSERT_TRUE(enqueue("acknowledge", R"({"actor":"a@b.co","note":"on it"})", kC0 + 1min));
  ASSERT_TRUE(enqueue("note", R"({"text":"rolled back"})", kC0 + 2min));
  ASSERT_TRUE(enqueue("resolve", R"({"actor":"a@b.co"})", kC0 + 3min));
  ASSERT_TRUE(enqueue("note", "not json", kC0 + 4min));
  auto pending = connectors().ListOutbound("pd", "pending", 10);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 4u);
  ASSERT_TRUE(connectors().FinishOutbound((*pending)[0].seq, "sent", 1, kC0, "", kC0 + 5min));
  ASSERT_TRUE(connectors().FinishOutbound((*pending)[3].seq, "parked", 1, kC0, "400", kC0 + 5min));

  std::vector<SentChange> seen;
  ASSERT_TRUE(connectors().ApplyProviderIncident(
      "pd", "P1", std::nullopt, [&](const LinkedIncident& linked) -> Result<ProviderUpdate> {
        auto sent = linked.sent_changes();
        if (!sent) return std::unexpected(sent.error());
        seen = *sent;
        return ProviderUpdate{.skip = true};
      }));
  ASSERT_EQ(seen.size(), 3u);  // the parked one was never sent
  EXPECT_EQ(seen[0].kind, "acknowledge");
  EXPECT_EQ(seen[0].text, "on it");
  EXPECT_EQ(seen[0].queued_at, kC0 + 1min);
  EXPECT_EQ(seen[0].sent_at, kC0 + 5min);
  EXPECT_EQ(seen[1].kind, "note");
  EXPECT_EQ(seen[1].text, "rolled back");
  EXPECT_EQ(seen[1].sent_at, Time::max());  // still waiting
  EXPECT_EQ(seen[2].kind, "resolve");
  EXPECT_EQ(seen[2].text, "");
}

}  // namespace
}  // namespace im::store::testing
