// im token create --name N | list | revoke ID
#include <iostream>

#include "cli/context.h"
#include "common/time.h"
#include "core/incident_json.h"

namespace im::cli {
namespace {

int RunCreate(GlobalOptions& g, const std::string& name) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto t = (*rt)->tokens->Create(name, (*rt)->config.actor);
  if (!t) return ReportError(t.error());
  if (g.json) {
    json::object o = core::TokenToJson(t->token);
    o["token"] = t->secret;
    PrintJson(o);
  } else {
    std::cout << t->secret << "\n";
    std::cerr << "token " << t->token.id << " (" << name
              << ") created; it is shown only now, store it safely. Use it as "
                 "'Authorization: Bearer <token>'.\n";
  }
  return 0;
}

int RunTokenList(GlobalOptions& g) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto tokens = (*rt)->tokens->List();
  if (!tokens) return ReportError(tokens.error());
  if (g.json) {
    json::array items;
    for (const auto& t : *tokens) items.push_back(core::TokenToJson(t));
    PrintJson(json::object{{"tokens", std::move(items)}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : *tokens) {
    rows.push_back({std::to_string(t.id), t.name, t.hint, t.created_by, FormatTime(t.created_at),
                    t.revoked_at ? "revoked" : "active"});
  }
  PrintTable({"ID", "NAME", "TOKEN", "CREATED BY", "CREATED", "STATE"}, rows);
  return 0;
}

int RunRevoke(GlobalOptions& g, int64_t id) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  if (auto ok = (*rt)->tokens->Revoke(id); !ok) return ReportError(ok.error());
  if (g.json) {
    PrintJson(json::object{{"id", id}, {"revoked", true}});
  } else {
    std::cout << "token " << id << " revoked\n";
  }
  return 0;
}

}  // namespace

void AddTokenCommands(CLI::App& root, GlobalOptions& g) {
  auto* token = root.add_subcommand("token", "API tokens for writes over HTTP");
  token->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto* create = token->add_subcommand("create", "Create a token (printed once)");
  create->add_option("--name,name", *name, "What the token is for, e.g. ci")->required();
  create->callback([&g, name] { g.exit_code = RunCreate(g, *name); });
  token->add_subcommand("list", "List tokens (never their secrets)")->callback([&g] {
    g.exit_code = RunTokenList(g);
  });
  auto id = std::make_shared<int64_t>(0);
  auto* revoke = token->add_subcommand("revoke", "Revoke a token by id");
  revoke->add_option("id", *id, "Token id from `im token list`")->required();
  revoke->callback([&g, id] { g.exit_code = RunRevoke(g, *id); });
}

}  // namespace im::cli
