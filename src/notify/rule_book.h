// The notification-rule use cases shared by the CLI and the API: add (checked, its channels
// must exist, nothing stored when refused), list (stored and config-file rules), remove; and
// people's contact methods for pages.
#pragma once

#include <vector>

#include "common/clock.h"
#include "notify/rule.h"
#include "store/monitor_store.h"
#include "store/notify_store.h"

namespace im::notify {

struct ListedRule {
  Rule rule;
  std::string origin;  // "stored" or "config"
};

class RuleBook {
 public:
  RuleBook(store::NotifyStore& store, store::MonitorStore& channels, const Clock& clock,
           std::vector<Rule> config_rules = {})
      : store_(store), channels_(channels), clock_(clock), config_rules_(std::move(config_rules)) {}

  Result<Rule> Add(const std::string& name, const json::object& definition);
  Result<std::vector<ListedRule>> List();
  Result<void> Remove(const std::string& name);

  // Checks the phone (E.164) and stores the person's contact methods.
  Result<store::Contact> SetContact(store::Contact c);
  Result<std::vector<store::Contact>> ListContacts() { return store_.ListContacts(); }
  Result<void> RemoveContact(const std::string& email) { return store_.RemoveContact(email); }

 private:
  store::NotifyStore& store_;
  store::MonitorStore& channels_;
  const Clock& clock_;
  std::vector<Rule> config_rules_;
};

}  // namespace im::notify
