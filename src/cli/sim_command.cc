// im sim <provider> --listen HOST:PORT [--seed N] [--incidents N] [--days D] [--fixture FILE]
//   [--api-key KEY[:read-only]]... [--webhook-url URL --webhook-secret SECRET]...
//   [--rate-limit on|off] [--region us|eu]
#include "cli/sim_command.h"

#include <iostream>
#include <thread>

#include "common/clock.h"
#include "net/curl_http_client.h"
#include "sim/chatops/slack_sim.h"
#include "sim/chatops/sms_sim.h"
#include "sim/chatops/teams_sim.h"
#include "sim/common/serve.h"
#include "sim/incidentio/fixture.h"
#include "sim/incidentio/simulator.h"
#include "sim/opsgenie/fixture.h"
#include "sim/opsgenie/simulator.h"
#include "sim/pagerduty/fixture.h"
#include "sim/pagerduty/simulator.h"

namespace im::cli {
namespace {

struct SimOptions {
  std::string provider;
  std::string listen = "127.0.0.1:8090";
  uint64_t seed = 1;
  int64_t incidents = 200;
  int64_t days = 90;
  std::string fixture;
  std::vector<std::string> api_keys;
  std::string webhook_url;
  std::vector<std::string> webhook_secrets;
  std::string rate_limit = "on";
  std::string region = "us";
  bool spec_enums_only = false;
};

int Fail(const std::string& message) {
  std::cerr << "im sim: " << message << "\n";
  return 2;
}

// Serves `simulator` until SIGINT/SIGTERM, printing its URL first (tests read the port there).
template <typename Sim>
int Serve(Sim& simulator, const std::string& host, int port, const std::string& banner,
          bool no_keys) {
  auto served = sim::ServeUntilSignal(
      [&](auto& router) { simulator.Register(router); }, simulator.webhooks(), host, port,
      [&](const std::string& url) {
        std::cout << banner << " at " << url << " (admin " << url << "/_sim/state; Ctrl-C to stop)"
                  << std::endl;
        if (no_keys) {
          std::cout << "no --api-key given: every API request gets 401 until keys are added at "
                    << url << "/_sim/api_keys" << std::endl;
        }
      });
  if (!served) return Fail(served.error().message);
  return 0;
}

void SleepFor(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

// The options every simulator takes from the command line.
template <typename Options>
Options CommonOptions(const SimOptions& o, const std::vector<sim::ApiKey>& keys) {
  Options options;
  options.seed = o.seed;
  options.incidents = o.incidents;
  options.days = o.days;
  options.rate_limit = o.rate_limit != "off";
  options.api_keys = keys;
  options.webhook = {o.webhook_url, o.webhook_secrets};
  return options;
}

// With --fixture, has the simulator serve the file's data set (loaded by `load`, relative times
// counting from `now`) instead of the generated one. 0, or the exit code of a bad file.
template <typename Options, typename Load>
int UseFixture(const SimOptions& o, Time now, Options& options, Load load) {
  if (o.fixture.empty()) return 0;
  auto world = load(o.fixture, {o.seed, o.incidents, o.days, now});
  if (!world) return Fail(world.error().message);
  options.world = std::move(*world);
  return 0;
}

int RunSim(const SimOptions& o) {
  size_t colon = o.listen.rfind(':');
  if (colon == std::string::npos) return Fail("--listen must be HOST:PORT, e.g. 127.0.0.1:8090");
  std::string host = o.listen.substr(0, colon);
  int port = 0;
  try {
    port = std::stoi(o.listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) return Fail("--listen port must be 0..65535");
  if (o.incidents < 0 || o.days < 1) return Fail("--incidents must be >= 0 and --days >= 1");
  std::vector<sim::ApiKey> keys;
  for (const auto& k : o.api_keys) {
    auto key = sim::ParseApiKey(k);
    if (!key) return Fail(key.error().message);
    keys.push_back(*key);
  }
  SystemClock clock;
  net::CurlHttpClient client;
  const Time now = clock.Now();  // fixtures' relative times count from here
  if (o.provider == "slack" || o.provider == "teams" || o.provider == "twilio") {
    // Chat and SMS providers send no webhooks: an idle queue.
    sim::KnobStore knobs;
    sim::WebhookQueue idle(clock, client, sim::WebhookSigner{}, knobs, o.seed);
    sim::chatops::SlackSimOptions slack;
    if (o.rate_limit == "off") slack.per_second = 0;
    for (const auto& k : o.api_keys) slack.bot_tokens.push_back(k);
    sim::chatops::SlackSim slack_sim(slack, clock);
    sim::chatops::TeamsSim teams_sim(clock);
    sim::chatops::SmsSimOptions sms;
    if (o.rate_limit == "off") sms.per_second = 0;
    sim::chatops::SmsSim sms_sim(sms, clock);
    std::string banner =
        o.provider == "slack"
            ? "Slack simulator (incoming webhook " + slack.webhook_path +
                  ", Web API /api/chat.postMessage, conversations.create|invite|list; bot token " +
                  slack.bot_tokens.front() + ")"
        : o.provider == "teams"
            ? "Teams incoming-webhook simulator (POST /webhookb2/sim/IncomingWebhook/sim)"
            : "Twilio SMS simulator (account " + sms.account_sid + ", auth token " +
                  sms.auth_token + ")";
    auto served = sim::ServeUntilSignal(
        [&](http::Router& router) {
          if (o.provider == "slack") slack_sim.Register(router);
          if (o.provider == "teams") teams_sim.Register(router);
          if (o.provider == "twilio") sms_sim.Register(router);
        },
        idle, host, port,
        [&](const std::string& url) {
          std::cout << banner << " at " << url << " (state " << url
                    << "/_sim/state; Ctrl-C to stop)" << std::endl;
        });
    if (!served) return Fail(served.error().message);
    return 0;
  }
  if (o.provider == "incidentio") {
    auto options = CommonOptions<sim::incidentio::SimulatorOptions>(o, keys);
    options.unknown_enums = !o.spec_enums_only;
    if (int bad = UseFixture(o, now, options, sim::incidentio::LoadFixture)) return bad;
    sim::incidentio::Simulator simulator(options, clock, client, SleepFor);
    return Serve(simulator, host, port, "incident.io simulator (API v1/v2)", keys.empty());
  }
  if (o.provider == "opsgenie") {
    auto options = CommonOptions<sim::opsgenie::SimulatorOptions>(o, keys);
    if (int bad = UseFixture(o, now, options, sim::opsgenie::LoadFixture)) return bad;
    if (port != 0) options.base_url = "http://" + o.listen;
    options.region = o.region;
    sim::opsgenie::Simulator simulator(options, clock, client, SleepFor);
    return Serve(simulator, host, port,
                 "Opsgenie simulator (Alert, Incident, Schedule, Team, User APIs; " +
                     std::string(o.region == "eu" ? "EU" : "US") + " region)",
                 keys.empty());
  }
  auto options = CommonOptions<sim::pagerduty::SimulatorOptions>(o, keys);
  if (port != 0) options.urls.api = "http://" + o.listen;
  if (int bad = UseFixture(o, now, options, sim::pagerduty::LoadFixture)) return bad;
  sim::pagerduty::Simulator simulator(options, clock, client, SleepFor);
  return Serve(simulator, host, port,
               "PagerDuty simulator (REST API v2 and Events API v2 /v2/enqueue)", keys.empty());
}

}  // namespace

void AddSimCommand(CLI::App& root) {
  auto o = std::make_shared<SimOptions>();
  auto* sim = root.add_subcommand("sim", "Serve a provider simulator (for tests and demos)");
  sim->add_option("provider", o->provider,
                  "pagerduty, opsgenie, incidentio, slack, teams or twilio (SMS)")
      ->required()
      ->check(CLI::IsMember({"pagerduty", "opsgenie", "incidentio", "slack", "teams", "twilio"}));
  sim->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0: any free port)");
  sim->add_option("--seed", o->seed, "Seed of the generated data set");
  sim->add_option("--incidents", o->incidents, "Number of generated incidents");
  sim->add_option("--days", o->days, "Spread the generated incidents over the last D days");
  sim->add_option("--fixture", o->fixture,
                  "JSON file of the provider's objects: the data set (mode replace) or added to "
                  "the generated one (mode extend)");
  sim->add_option("--api-key", o->api_keys,
                  "Accepted API key (repeatable); KEY:read-only for a read-only key, "
                  "KEY:public-only (incidentio) for a key without private-incident access");
  sim->add_option("--webhook-url", o->webhook_url, "Deliver webhooks to this URL");
  sim->add_option("--webhook-secret", o->webhook_secrets,
                  "Webhook signing secret (repeat during secret rotation)");
  sim->add_option("--rate-limit", o->rate_limit, "on|off: the provider's rate limits")
      ->check(CLI::IsMember({"on", "off"}));
  sim->add_option("--region", o->region,
                  "opsgenie: us|eu, the region served (keys bound to the other one get 401)")
      ->check(CLI::IsMember({"us", "eu"}));
  sim->add_flag("--spec-enums-only", o->spec_enums_only,
                "incidentio: generate only enum values the OpenAPI document lists (by default "
                "one status has a category added after it, as incident.io may add any day)");
  sim->callback([o] {
    int code = RunSim(*o);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace im::cli
