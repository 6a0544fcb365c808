#include "connectors/connector.h"

#include <future>

namespace im::connectors {

WebhookReply Connector::HandleWebhook(const net::HttpRequest& request) {
  std::promise<WebhookReply> answer;
  auto reply = answer.get_future();
  ReceiveWebhook(request, [&answer](WebhookReply r) { answer.set_value(std::move(r)); });
  return reply.get();
}

std::string_view ReferenceKindName(ReferenceKind kind) {
  switch (kind) {
    case ReferenceKind::kService: return "service";
    case ReferenceKind::kEscalationPolicy: return "escalation policy";
  }
  return "service";
}

}  // namespace im::connectors
