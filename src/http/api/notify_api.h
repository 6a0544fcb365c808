// /api/v1/notify/rules and /api/v1/notify/contacts: the notification rules and people's contact
// methods, as `im notify rule|contact` manage them (docs/notifications.md). The same checks and
// refusals as the CLI (a refusal names the field, nothing is stored); writes need a token.
#pragma once

#include "engine/tokens.h"
#include "http/router.h"
#include "notify/rule_book.h"

namespace im::http::api {

void AddNotifyRoutes(Router& router, notify::RuleBook& book, engine::Tokens& tokens);

}  // namespace im::http::api
