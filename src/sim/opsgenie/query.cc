// Parsing and matching of search queries (see the header for the syntax).
#include "sim/opsgenie/query.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/time.h"

namespace im::sim::opsgenie {
namespace {

bool IsOpChar(char c) { return c == ':' || c == '=' || c == '!' || c == '<' || c == '>'; }
bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsDateField(std::string_view f) {
  return f == "createdAt" || f == "updatedAt" || f == "lastOccurredAt";
}

int Digits(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Fills term.from/until (and whether the value is a whole day).
Result<bool> ParseDate(Term& t) {
  std::string_view v = t.value;
  using std::chrono::days;
  if (!v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t ms = 0;
    std::from_chars(v.data(), v.data() + v.size(), ms);
    t.from = Time(std::chrono::milliseconds(ms));
    t.until = *t.from + std::chrono::milliseconds(1);
    return false;
  }
  int dd = Digits(v, 0, 2), mm = Digits(v, 3, 2), yyyy = Digits(v, 6, 4);
  if (dd > 0 && mm > 0 && yyyy > 0 && v[2] == '-' && v[5] == '-') {
    std::chrono::year_month_day ymd{std::chrono::year(yyyy), std::chrono::month(unsigned(mm)),
                                    std::chrono::day(unsigned(dd))};
    if (!ymd.ok()) return Fail(ErrorCode::kInvalidArgument, "invalid date '" + t.value + "'");
    Time day = std::chrono::sys_days(ymd);
    if (v.size() == 10) {
      t.from = day;
      t.until = day + days(1);
      return true;
    }
    int h = Digits(v, 11, 2), m = Digits(v, 14, 2), s = v.size() > 16 ? Digits(v, 17, 2) : 0;
    if (v[10] != 'T' || h < 0 || m < 0 || s < 0 || h > 23 || m > 59 || s > 59) {
      return Fail(ErrorCode::kInvalidArgument, "invalid date '" + t.value + "'");
    }
    t.from = day + std::chrono::hours(h) + std::chrono::minutes(m) + std::chrono::seconds(s);
    t.until = *t.from + std::chrono::seconds(1);
    return false;
  }
  auto rfc = ParseTime(v);
  if (!rfc) return Fail(ErrorCode::kInvalidArgument, "invalid date '" + t.value + "'");
  t.from = *rfc;
  t.until = *rfc + std::chrono::microseconds(1);
  return false;
}

struct Field {
  enum Kind { kString, kText, kBool, kTime, kNumber, kTags } kind = kString;
  std::string_view s;
  Time t{};
  int64_t n = 0;
  const std::vector<std::string>* tags = nullptr;
};

bool Compare(const Term& term, const Field& f) {
  const std::string& op = term.op;
  const bool equal_op = op == ":" || op == "=";
  switch (f.kind) {
    case Field::kTime: {
      // A whole-day value: `>` is after that day and `<=` up to its end.
      const bool day = *term.until - *term.from >= std::chrono::hours(24);
      if (equal_op) return f.t >= *term.from && f.t < *term.until;
      if (op == "!=") return f.t < *term.from || f.t >= *term.until;
      if (op == ">") return day ? f.t >= *term.until : f.t > *term.from;
      if (op == ">=") return f.t >= *term.from;
      if (op == "<") return f.t < *term.from;
      return day ? f.t < *term.until : f.t <= *term.from;  // "<="
    }
    case Field::kNumber: {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(term.value.data(), term.value.data() + term.value.size(), v);
      if (ec != std::errc()) return false;
      if (equal_op) return f.n == v;
      if (op == "!=") return f.n != v;
      if (op == ">") return f.n > v;
      if (op == ">=") return f.n >= v;
      if (op == "<") return f.n < v;
      return f.n <= v;
    }
    case Field::kTags: {
      bool has = std::find(f.tags->begin(), f.tags->end(), term.value) != f.tags->end();
      return op == "!=" ? !has : has;
    }
    case Field::kText: {
      bool has = Lower(f.s).find(Lower(term.value)) != std::string::npos;
      return op == "!=" ? !has : has;
    }
    case Field::kBool:
    case Field::kString: {
      bool same = Lower(f.s) == Lower(term.value);
      return op == "!=" ? !same : same;
    }
  }
  return false;
}

template <typename Get>
bool MatchesWith(const SearchQuery& q, Get get) {
  if (q.any_of.empty()) return true;
  for (const auto& group : q.any_of) {
    bool all = true;
    for (const auto& term : group) {
      if (Compare(term, get(term.field)) == term.negated) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

Field Str(std::string_view s) { return {Field::kString, s}; }
Field Bool(bool b) { return {Field::kBool, b ? "true" : "false"}; }
Field At(Time t) { return {Field::kTime, {}, t}; }

}  // namespace

const std::vector<std::string_view>& AlertFields() {
  static const std::vector<std::string_view> kFields = {
      "status",         "acknowledged", "isSeen", "snoozed", "createdAt", "updatedAt",
      "lastOccurredAt", "priority",     "alias",  "tinyId",  "owner",     "source",
      "entity",         "message",      "tag",    "tags",    "count",     "id"};
  return kFields;
}

const std::vector<std::string_view>& UserFields() {
  static const std::vector<std::string_view> kFields = {"username", "fullName",    "blocked",
                                                        "verified", "role",        "locale",
                                                        "timeZone", "userAddress", "createdAt"};
  return kFields;
}

const std::vector<std::string_view>& IncidentFields() {
  static const std::vector<std::string_view> kFields = {
      "status", "isSeen",  "createdAt", "updatedAt", "priority", "tinyId",
      "owner",  "message", "tag",       "tags",      "id",       "serviceId"};
  return kFields;
}

Result<SearchQuery> ParseSearchQuery(std::string_view text,
                                     const std::vector<std::string_view>& fields) {
  SearchQuery q;
  std::vector<Term> group;
  bool negate = false, pending_or = false;
  size_t i = 0;
  auto skip = [&] {
    while (i < text.size() && IsSpace(text[i])) ++i;
  };
  auto read_value = [&](bool stop_at_op) -> Result<std::string> {
    if (i < text.size() && text[i] == '"') {
      size_t end = text.find('"', i + 1);
      if (end == std::string_view::npos) return Fail(ErrorCode::kInvalidArgument, "unclosed quote");
      std::string v(text.substr(i + 1, end - i - 1));
      i = end + 1;
      return v;
    }
    size_t start = i;
    while (i < text.size() && !IsSpace(text[i]) && !(stop_at_op && IsOpChar(text[i]))) {
      if (text[i] == '(' || text[i] == ')') {
        return Fail(ErrorCode::kInvalidArgument, "parentheses are not supported");
      }
      ++i;
    }
    return std::string(text.substr(start, i - start));
  };
  for (skip(); i < text.size(); skip()) {
    auto word = read_value(true);
    if (!word) return std::unexpected(word.error());
    std::string upper = Lower(*word);
    if (upper == "and" && !group.empty()) continue;
    if (upper == "or" && !group.empty()) {
      q.any_of.push_back(std::move(group));
      group.clear();
      pending_or = true;
      continue;
    }
    if (upper == "not") {
      negate = true;
      continue;
    }
    Term t;
    skip();
    if (i < text.size() && IsOpChar(text[i])) {
      size_t start = i;
      while (i < text.size() && IsOpChar(text[i])) ++i;
      t.op = std::string(text.substr(start, i - start));
      if (t.op != ":" && t.op != "=" && t.op != "!=" && t.op != ">" && t.op != ">=" &&
          t.op != "<" && t.op != "<=") {
        return Fail(ErrorCode::kInvalidArgument, "unknown operator '" + t.op + "'");
      }
      t.field = *word;
      skip();
      auto value = read_value(false);
      if (!value) return std::unexpected(value.error());
      if (value->empty())
        return Fail(ErrorCode::kInvalidArgument, "'" + t.field + "' has no value");
      t.value = *value;
      if (std::find(fields.begin(), fields.end(), t.field) == fields.end()) {
        return Fail(ErrorCode::kInvalidArgument, "unknown field '" + t.field + "'");
      }
      if (IsDateField(t.field)) {
        auto day = ParseDate(t);
        if (!day) return std::unexpected(day.error());
      }
    } else {
      if (word->empty()) return Fail(ErrorCode::kInvalidArgument, "unexpected character");
      // Not `t.op = ":"`: GCC 12 with the sanitizers reports a false -Wrestrict there (GCC bug
      // 105329) and the ASan build treats warnings as errors.
      t.op.assign(1, ':');
      t.value = *word;
    }
    t.negated = negate;
    negate = false;
    pending_or = false;
    group.push_back(std::move(t));
  }
  if (pending_or || negate) return Fail(ErrorCode::kInvalidArgument, "the query ends too early");
  if (!group.empty()) q.any_of.push_back(std::move(group));
  return q;
}

bool Matches(const SearchQuery& q, const Alert& a) {
  return MatchesWith(q, [&](const std::string& f) -> Field {
    if (f.empty() || f == "message") return {Field::kText, a.message};
    if (f == "status") return Str(a.status);
    if (f == "acknowledged") return Bool(a.acknowledged);
    if (f == "isSeen") return Bool(a.is_seen);
    if (f == "snoozed") return Bool(a.snoozed);
    if (f == "createdAt") return At(a.created_at);
    if (f == "updatedAt") return At(a.updated_at);
    if (f == "lastOccurredAt") return At(a.last_occurred_at);
    if (f == "priority") return Str(a.priority);
    if (f == "alias") return Str(a.alias);
    if (f == "tinyId") return Str(a.tiny_id);
    if (f == "owner") return Str(a.owner);
    if (f == "source") return Str(a.source);
    if (f == "entity") return Str(a.entity);
    if (f == "count") return {Field::kNumber, {}, {}, a.count};
    if (f == "id") return Str(a.id);
    return {Field::kTags, {}, {}, 0, &a.tags};  // tag, tags
  });
}

bool Matches(const SearchQuery& q, const Incident& inc) {
  return MatchesWith(q, [&](const std::string& f) -> Field {
    if (f.empty() || f == "message") return {Field::kText, inc.message};
    if (f == "status") return Str(inc.status);
    if (f == "isSeen") return Bool(inc.is_seen);
    if (f == "createdAt") return At(inc.created_at);
    if (f == "updatedAt") return At(inc.updated_at);
    if (f == "priority") return Str(inc.priority);
    if (f == "tinyId") return Str(inc.tiny_id);
    if (f == "owner") return Str(inc.owner);
    if (f == "id") return Str(inc.id);
    if (f == "serviceId") return Str(inc.service_id);
    return {Field::kTags, {}, {}, 0, &inc.tags};
  });
}

bool Matches(const SearchQuery& q, const User& u) {
  const std::string names = u.username + " " + u.full_name;  // what a bare word searches
  return MatchesWith(q, [&](const std::string& f) -> Field {
    if (f.empty()) return {Field::kText, names};
    if (f == "username") return {Field::kText, u.username};
    if (f == "fullName") return {Field::kText, u.full_name};
    if (f == "blocked") return Bool(false);  // UserJson: nobody is blocked, everyone verified
    if (f == "verified") return Bool(true);
    if (f == "role") return Str(u.role);
    if (f == "locale") return Str("en_US");
    if (f == "timeZone") return Str(u.time_zone);
    if (f == "createdAt") return At(u.created_at);
    return {Field::kText, ""};  // userAddress: empty in UserJson
  });
}

}  // namespace im::sim::opsgenie
