// The ScheduleStore contract tests: every backend runs these (see schedule_store_contract.h).
#include "store/schedule_store_contract.h"

#include "common/time.h"
#include "schedule/schedule_json.h"

namespace im::store::testing {
namespace {

using namespace std::chrono_literals;

const Time kScheduleT0 = *ParseTime("2026-10-30T13:00:00Z");

schedule::Schedule Daily(std::string id, std::vector<std::string> users) {
  schedule::Layer layer{.name = "daily",
                        .start = kScheduleT0,
                        .rotation_virtual_start = kScheduleT0,
                        .rotation_turn_length = 24h,
                        .users = std::move(users)};
  layer.restrictions.push_back({.type = schedule::Restriction::Type::kWeekly,
                                .start_time_of_day = 9h,
                                .duration = 8h,
                                .start_day_of_week = 6});
  return schedule::Schedule{.id = std::move(id),
                            .name = "Daily",
                            .time_zone = "America/New_York",
                            .layers = {layer},
                            .overrides = {{.id = "o1",
                                           .start = kScheduleT0 + 48h,
                                           .end = kScheduleT0 + 72h,
                                           .user = "carol@example.com"}}};
}

schedule::EscalationPolicy Policy(std::string id, std::vector<std::string> services,
                                  std::string schedule_id) {
  return schedule::EscalationPolicy{
      .id = std::move(id),
      .name = "Policy",
      .rules = {{.delay = 15min,
                 .targets = {{schedule::EscalationTarget::Type::kSchedule,
                              std::move(schedule_id)}}},
                {.delay = 20min,
                 .targets = {{schedule::EscalationTarget::Type::kUser, "carol@example.com"}}}},
      .num_loops = 1,
      .services = std::move(services)};
}

std::vector<std::string> Ids(ScheduleStore& store) {
  auto all = store.ListSchedules();
  EXPECT_TRUE(all);
  std::vector<std::string> ids;
  if (all) {
    for (const auto& s : *all) ids.push_back(s.schedule.id);
  }
  return ids;
}

TEST_P(ScheduleStoreContractTest, ScheduleReadsBackFieldForField) {
  StoredSchedule in{.schedule = Daily("api", {"alice@example.com", "bob@example.com"}),
                    .updated_at = kScheduleT0};
  auto id = store_->UpsertSchedule(in);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, "api");
  auto out = store_->GetSchedule("api");
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(json::Serialize(schedule::ScheduleToJson(out->schedule)),
            json::Serialize(schedule::ScheduleToJson(in.schedule)));
  EXPECT_EQ(out->schedule.layers[0].restrictions[0].start_day_of_week, 6);
  EXPECT_EQ(out->schedule.overrides[0].user, "carol@example.com");
  EXPECT_EQ(out->source, "im");
  EXPECT_EQ(out->external_id, "api");
  EXPECT_EQ(out->updated_at, kScheduleT0);
}

TEST_P(ScheduleStoreContractTest, UpsertBySourceAndExternalIdUpdatesInPlaceKeepingTheId) {
  StoredSchedule imported{.schedule = Daily("pd-P1", {"alice@example.com"}),
                          .source = "pagerduty:prod",
                          .external_id = "P1"};
  ASSERT_TRUE(store_->UpsertSchedule(imported));
  imported.schedule = Daily("", {"bob@example.com"});  // the importer need not know our id
  auto id = store_->UpsertSchedule(imported);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, "pd-P1");
  auto all = store_->ListSchedules();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].schedule.layers[0].users, std::vector<std::string>{"bob@example.com"});
  auto found = store_->FindSchedule("pagerduty:prod", "P1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->schedule.id, "pd-P1");
  EXPECT_FALSE(*store_->FindSchedule("pagerduty:other", "P1"));
}

TEST_P(ScheduleStoreContractTest, AnIdHeldByAnotherSourceIsAlreadyExists) {
  ASSERT_TRUE(store_->UpsertSchedule({.schedule = Daily("api", {"alice@example.com"})}));
  auto r = store_->UpsertSchedule({.schedule = Daily("api", {"bob@example.com"}),
                                   .source = "pagerduty:prod",
                                   .external_id = "P1"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(r.error().message.find("from im"), std::string::npos) << r.error().message;
  EXPECT_EQ(store_->GetSchedule("api")->schedule.layers[0].users[0], "alice@example.com");
}

TEST_P(ScheduleStoreContractTest, PolicyLinksServicesAndFollowsUpdates) {
  ASSERT_TRUE(store_->UpsertPolicy({.policy = Policy("b", {"api", "web"}, "s")}));
  ASSERT_TRUE(store_->UpsertPolicy({.policy = Policy("a", {"web"}, "s")}));
  auto api = store_->PolicyForService("api");
  ASSERT_TRUE(api && *api);
  EXPECT_EQ((*api)->policy.id, "b");
  EXPECT_EQ((*api)->policy.rules.size(), 2u);
  EXPECT_EQ((*api)->policy.rules[1].delay, 20min);
  EXPECT_EQ((*api)->policy.num_loops, 1);
  EXPECT_EQ((*store_->PolicyForService("web"))->policy.id, "a");  // the smallest id
  ASSERT_TRUE(store_->UpsertPolicy({.policy = Policy("b", {"db"}, "s")}));
  EXPECT_FALSE(*store_->PolicyForService("api"));
  EXPECT_EQ((*store_->PolicyForService("db"))->policy.id, "b");
  ASSERT_TRUE(store_->DeletePolicy("b"));
  EXPECT_FALSE(*store_->PolicyForService("db"));
  EXPECT_EQ(store_->DeletePolicy("b").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetPolicy("b").error().code, ErrorCode::kNotFound);
}

TEST_P(ScheduleStoreContractTest, ReplaceSourceTouchesOnlyThatSource) {
  ASSERT_TRUE(store_->UpsertSchedule({.schedule = Daily("old", {"a@example.com"})}));
  ASSERT_TRUE(store_->UpsertSchedule({.schedule = Daily("keep", {"a@example.com"})}));
  ASSERT_TRUE(store_->UpsertSchedule({.schedule = Daily("pd-1", {"a@example.com"}),
                                      .source = "pagerduty:prod",
                                      .external_id = "P1"}));
  ASSERT_TRUE(store_->UpsertPolicy({.policy = Policy("old-policy", {"api"}, "old")}));
  SourceContents contents{.schedules = {{.schedule = Daily("keep", {"b@example.com"})},
                                        {.schedule = Daily("new", {"c@example.com"})}},
                          .policies = {{.policy = Policy("p", {"api"}, "new")}},
                          .people = {{"b@example.com", "Bob", "America/Chicago"}}};
  auto counts = store_->ReplaceSource("im", contents);
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->schedules_saved, 2);
  EXPECT_EQ(counts->schedules_removed, 1);
  EXPECT_EQ(counts->policies_saved, 1);
  EXPECT_EQ(counts->policies_removed, 1);
  EXPECT_EQ(Ids(*store_), (std::vector<std::string>{"keep", "new", "pd-1"}));
  EXPECT_EQ(store_->GetSchedule("keep")->schedule.layers[0].users[0], "b@example.com");
  EXPECT_EQ((*store_->PolicyForService("api"))->policy.id, "p");
  EXPECT_EQ(*store_->ListPeople(),
            (std::vector<Person>{{"b@example.com", "Bob", "America/Chicago"}}));
}

TEST_P(ScheduleStoreContractTest, AFailedReplaceChangesNothing) {
  ASSERT_TRUE(store_->UpsertSchedule({.schedule = Daily("pd-1", {"a@example.com"}),
                                      .source = "pagerduty:prod",
                                      .external_id = "P1"}));
  ASSERT_TRUE(store_->UpsertSchedule({.schedule = Daily("mine", {"a@example.com"})}));
  SourceContents contents{.schedules = {{.schedule = Daily("fine", {"b@example.com"})},
                                        {.schedule = Daily("pd-1", {"b@example.com"})}},
                          .people = {{"x@example.com", "X", ""}}};
  auto r = store_->ReplaceSource("im", contents);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(Ids(*store_), (std::vector<std::string>{"mine", "pd-1"}));
  EXPECT_TRUE(store_->ListPeople()->empty());
}

TEST_P(ScheduleStoreContractTest, PeopleAreUpsertedByEmail) {
  ASSERT_TRUE(store_->UpsertPerson({"ann@example.com", "Ann", "Europe/Berlin"}));
  ASSERT_TRUE(store_->UpsertPerson({"ann@example.com", "Ann B.", "Asia/Tokyo"}));
  EXPECT_EQ(*store_->ListPeople(),
            (std::vector<Person>{{"ann@example.com", "Ann B.", "Asia/Tokyo"}}));
}

TEST_P(ScheduleStoreContractTest, MissingThingsAreNotFound) {
  EXPECT_EQ(store_->GetSchedule("nope").error().code, ErrorCode::kNotFound);
  // Both backends say what is missing and where to look, in the same words.
  EXPECT_EQ(store_->GetSchedule("nope").error().message,
            "schedule 'nope' does not exist; list them with `im oncall`");
  EXPECT_EQ(store_->GetPolicy("nope").error().message,
            "escalation policy 'nope' does not exist; list them with `im oncall`");
  EXPECT_EQ(store_->DeleteSchedule("nope").error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(*store_->FindPolicy("im", "nope"));
  EXPECT_FALSE(*store_->PolicyForService("api"));
  EXPECT_TRUE(store_->ListSchedules()->empty());
}

}  // namespace
}  // namespace im::store::testing
