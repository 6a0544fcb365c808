#include "http/api/ack_api.h"

#include "common/strings.h"
#include "http/status.h"

namespace im::http::api {
namespace {

net::HttpResponse Page(int status, const std::string& title, const std::string& body) {
  return net::HttpResponse{.status = status,
                           .content_type = "text/html; charset=utf-8",
                           .body = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" +
                                   HtmlEscape(title) + "</title></head><body><h1>" +
                                   HtmlEscape(title) + "</h1>" + body + "</body></html>\n"};
}

net::HttpResponse Refusal(const Error& e) {
  return Page(HttpStatusFor(e.code), "Not acknowledged", "<p>" + HtmlEscape(e.message) + "</p>");
}

}  // namespace

void AddAckRoutes(Router& router, const notify::AckLinks& links, engine::Incidents& incidents) {
  router.Add("GET", "/ack/{token}", [&links, &incidents](const net::HttpRequest& req) {
    std::string token = req.Param("token");
    auto link = links.Verify(token);
    if (!link) return Refusal(link.error());
    auto incident = incidents.Show(link->incident);
    if (!incident) return Refusal(incident.error());
    const core::Incident& i = incident->incident;
    std::string id = core::IncidentId(i.number);
    return Page(200, "Acknowledge " + id,
                "<p>[" + std::string(core::SeverityName(i.severity)) + "] " + HtmlEscape(i.title) +
                    " — " + std::string(core::StatusName(i.status)) +
                    "</p><form method=\"post\"><button type=\"submit\">Acknowledge " + id + " as " +
                    HtmlEscape(link->email) + "</button></form>");
  });
  router.Add("POST", "/ack/{token}", [&links, &incidents](const net::HttpRequest& req) {
    auto done = links.Acknowledge(req.Param("token"), incidents);
    if (!done) return Refusal(done.error());
    return Page(200, core::IncidentId(done->number) + " acknowledged",
                "<p>Escalation stopped. " + HtmlEscape(done->title) + "</p>");
  });
}

}  // namespace im::http::api
