#include "connectors/connector.h"

namespace im::connectors {

Result<void> Registry::Register(const std::string& type, ConnectorFactory factory) {
  if (!factories_.emplace(type, std::move(factory)).second) {
    return Fail(ErrorCode::kAlreadyExists, "connector type '" + type + "' registered twice");
  }
  return Ok();
}

Result<std::unique_ptr<Connector>> Registry::Create(ConnectorConfig config,
                                                    ConnectorContext& ctx) const {
  auto it = factories_.find(config.type);
  if (it == factories_.end()) {
    std::string known;
    for (const auto& [t, f] : factories_) known += (known.empty() ? "" : ", ") + t;
    return Fail(ErrorCode::kInvalidArgument,
                "unknown connector type '" + config.type + "'; known types: " + known);
  }
  return it->second(std::move(config), ctx);
}

std::vector<std::string> Registry::Types() const {
  std::vector<std::string> out;
  for (const auto& [t, f] : factories_) out.push_back(t);
  return out;
}

}  // namespace im::connectors
