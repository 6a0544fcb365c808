#include "http/api/ack_api.h"

#include "http/status.h"

namespace im::http::api {
namespace {

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

net::HttpResponse Page(int status, const std::string& title, const std::string& body) {
  return net::HttpResponse{.status = status,
                           .content_type = "text/html; charset=utf-8",
                           .body = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" +
                                   Escape(title) + "</title></head><body><h1>" + Escape(title) +
                                   "</h1>" + body + "</body></html>\n"};
}

net::HttpResponse Refusal(const Error& e) {
  return Page(HttpStatusFor(e.code), "Not acknowledged", "<p>" + Escape(e.message) + "</p>");
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
                "<p>[" + std::string(core::SeverityName(i.severity)) + "] " + Escape(i.title) +
                    " — " + std::string(core::StatusName(i.status)) +
                    "</p><form method=\"post\"><button type=\"submit\">Acknowledge " + id + " as " +
                    Escape(link->email) + "</button></form>");
  });
  router.Add("POST", "/ack/{token}", [&links, &incidents](const net::HttpRequest& req) {
    auto done = links.Acknowledge(req.Param("token"), incidents);
    if (!done) return Refusal(done.error());
    return Page(200, core::IncidentId(done->number) + " acknowledged",
                "<p>Escalation stopped. " + Escape(done->title) + "</p>");
  });
}

}  // namespace im::http::api
