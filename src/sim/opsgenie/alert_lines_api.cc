// GET /v2/alerts/{identifier}/logs and /notes: the string `offset` cursor of one line, with
// `direction` next|prev, `limit` (1..100, default 20) and `order` (desc by default); paging
// {first, next}, also in X-Paging-First/-Next. The cursor is "<epoch ms>_<sequence>" of the line it
// names.
#include <algorithm>
#include <charconv>

#include "sim/common/json_response.h"
#include "sim/opsgenie/json.h"
#include "sim/opsgenie/routes.h"

namespace im::sim::opsgenie {
namespace {

using Response = net::HttpResponse;

Response Lines(Api& api, const net::HttpRequest& req, const Call& call, bool notes) {
  auto type = IdentifierType(req, call, {"id", "tiny", "alias"});
  if (auto* err = std::get_if<Response>(&type)) return std::move(*err);
  auto lock = api.st.Lock();
  Alert* a = api.st.world.FindAlert(req.Param("identifier"), std::get<std::string>(type));
  if (!a) return NotFoundReply(call, "Alert does not exist");
  if (!InScope(call, a->owner_team_id)) return NoPermission(call);
  return LinePage(api, req, call, notes ? a->notes : a->logs, notes ? NoteJson : LogJson);
}

}  // namespace

Response LinePage(const Api& api, const net::HttpRequest& req, const Call& call,
                  const std::vector<LogLine>& lines, json::object (*render)(const LogLine&)) {
  auto limit = QueryInt(req, "limit", 20);
  if (!limit || *limit < 1 || *limit > 100) {
    return ErrorReply(call, 422, "Limit should be between 1 and 100",
                      {{"limit", "must be between 1 and 100"}});
  }
  std::string order = req.Query("order").value_or("desc");
  std::string direction = req.Query("direction").value_or("next");
  if ((order != "asc" && order != "desc") || (direction != "next" && direction != "prev")) {
    return ErrorReply(call, 422, "Order is asc|desc and direction next|prev",
                      {{"order", "is not valid"}});
  }
  std::vector<const LogLine*> sorted;
  for (const auto& l : lines) sorted.push_back(&l);
  if (order == "desc") std::reverse(sorted.begin(), sorted.end());
  // Position of the cursor line in `sorted`; the page is the lines after it (next) or the
  // `limit` lines just before it (prev).
  size_t begin = 0, end = sorted.size();
  if (auto offset = req.Query("offset"); offset && !offset->empty()) {
    size_t underscore = offset->find('_');
    int64_t seq = -1;
    if (underscore != std::string::npos) {
      std::from_chars(offset->data() + underscore + 1, offset->data() + offset->size(), seq);
    }
    auto at =
        std::find_if(sorted.begin(), sorted.end(), [&](const LogLine* l) { return l->seq == seq; });
    if (at == sorted.end()) {
      return ErrorReply(call, 422, "Offset is not valid", {{"offset", "is not valid"}});
    }
    size_t pos = static_cast<size_t>(at - sorted.begin());
    if (direction == "next") {
      begin = pos + 1;
    } else {
      end = pos;
      begin = end > static_cast<size_t>(*limit) ? end - static_cast<size_t>(*limit) : 0;
    }
  }
  end = std::min(end, begin + static_cast<size_t>(*limit));
  json::array data;
  for (size_t i = begin; i < end; ++i) data.push_back(render(*sorted[i]));
  const std::string base = BaseUrl(req, api.base_url) + req.path + "?";
  std::string common = "limit=" + std::to_string(*limit) + "&order=" + order;
  if (auto t = req.Query("identifierType")) common += "&identifierType=" + net::UrlEncode(*t);
  json::object paging{{"first", base + common}};
  if (end < sorted.size() && end > begin) {
    paging["next"] = base + common + "&direction=next&offset=" + LineOffset(*sorted[end - 1]);
  }
  Response res = Reply(call, {{"data", std::move(data)}, {"paging", paging}});
  AddPagingHeaders(res, paging);
  return res;
}

void AddAlertLineRoutes(Api& api) {
  Api* a = &api;
  api.Add("GET", "/v2/alerts/{identifier}/logs", Domain::kAlert, false,
          [a](const auto& req, const Call& c) { return Lines(*a, req, c, false); });
  api.Add("GET", "/v2/alerts/{identifier}/notes", Domain::kAlert, false,
          [a](const auto& req, const Call& c) { return Lines(*a, req, c, true); });
}

}  // namespace im::sim::opsgenie
