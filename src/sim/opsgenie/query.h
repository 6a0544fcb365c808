// The subset of Opsgenie's search query syntax the simulator understands (the `query` of
// GET /v2/alerts, /v2/alerts/count, /v1/incidents and /v2/users): terms `field:value`,
// `field=value`, `field != value`, `field > | >= | < | <= value`, joined by AND (binds tighter) and
// OR, a leading NOT per term, and bare words that match the message. Dates are epoch milliseconds,
// `dd-MM-yyyy` (`:` matches the whole day), `dd-MM-yyyyTHH:mm:ss` or RFC 3339, all in UTC (the
// simulated account's time zone). No parentheses.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "sim/opsgenie/model.h"

namespace im::sim::opsgenie {

struct Term {
  std::string field;  // "" for a bare word (matches the message)
  std::string op;     // ":" "=" "!=" ">" ">=" "<" "<="
  std::string value;
  bool negated = false;
  std::optional<Time> from, until;  // date fields: the instant or day [from, until)
};

struct SearchQuery {
  std::vector<std::vector<Term>> any_of;  // OR of AND groups; empty matches everything
};

// kInvalidArgument naming what is wrong ("unknown field 'colour'"); `fields` are the fields
// this list accepts.
Result<SearchQuery> ParseSearchQuery(std::string_view text,
                                     const std::vector<std::string_view>& fields);

// Fields of GET /v2/alerts and /v1/incidents.
const std::vector<std::string_view>& AlertFields();
const std::vector<std::string_view>& IncidentFields();
// username, fullName, blocked, verified, role, locale, timeZone, userAddress, createdAt.
const std::vector<std::string_view>& UserFields();

bool Matches(const SearchQuery& q, const Alert& a);
bool Matches(const SearchQuery& q, const Incident& i);
bool Matches(const SearchQuery& q, const User& u);

}  // namespace im::sim::opsgenie
