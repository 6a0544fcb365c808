#include "store/outbox_payload.h"

#include "common/json.h"

namespace im::store {

std::string SentChangeText(std::string_view payload) {
  auto v = json::Parse(payload);
  if (!v || !v->is_object()) return "";
  const auto& obj = v->as_object();
  for (std::string_view field : {"text", "note"}) {
    if (auto it = obj.find(field); it != obj.end() && it->value().is_string()) {
      return std::string(it->value().as_string());
    }
  }
  return "";
}

}  // namespace im::store
