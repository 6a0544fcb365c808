#include "connectors/registry.h"

namespace im::connectors {

Result<void> Registry::Register(ConnectorType type) {
  if (type.name.empty() || !type.factory || type.capabilities.directions.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "connector type '" + type.name + "' needs a name, a factory and a direction");
  }
  std::string name = type.name;
  if (!types_.emplace(name, std::move(type)).second) {
    return Fail(ErrorCode::kAlreadyExists, "connector type '" + name + "' registered twice");
  }
  return Ok();
}

Result<const ConnectorType*> Registry::Find(const std::string& type) const {
  auto it = types_.find(type);
  if (it == types_.end()) {
    std::string known;
    for (const auto& [t, entry] : types_) known += (known.empty() ? "" : ", ") + t;
    return Fail(ErrorCode::kInvalidArgument,
                "unknown connector type '" + type + "': supported types are: " + known);
  }
  return &it->second;
}

Result<ConnectorConfig> Registry::ParseConfig(const std::string& type, const std::string& name,
                                              const json::object& config) const {
  auto entry = Find(type);
  if (!entry) return std::unexpected(entry.error());
  return ParseConnectorConfig(**entry, name, config);
}

Result<std::unique_ptr<Connector>> Registry::Create(ConnectorConfig config,
                                                    ConnectorContext& ctx) const {
  auto entry = Find(config.type);
  if (!entry) return std::unexpected(entry.error());
  return (*entry)->factory(std::move(config), ctx);
}

std::vector<std::string> Registry::Types() const {
  std::vector<std::string> out;
  for (const auto& [t, entry] : types_) out.push_back(t);
  return out;
}

}  // namespace im::connectors
