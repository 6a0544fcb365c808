// im serve [--listen HOST:PORT] [--demo]
#include <iostream>

#include "app/server_app.h"
#include "cli/context.h"

namespace im::cli {
namespace {

struct ServeOptions {
  std::optional<std::string> listen;
  bool demo = false;
};

int RunServe(GlobalOptions& g, const ServeOptions& o) {
  auto config = LoadConfig(g);
  if (!config) return ReportError(config.error());
  if (o.listen) {
    if (auto ok = app::ParseListen(*o.listen); !ok) return ReportError(ok.error());
    config->listen = *o.listen;
  }
  auto rt = app::OpenRuntime(*config, /*log_to_file=*/true);
  if (!rt) return ReportError(rt.error());
  if (o.demo) {
    auto added = app::SeedDemoData(**rt);
    if (!added) return ReportError(added.error());
    if (*added > 0) std::cerr << "demo: added " << *added << " incidents\n";
  }
  app::ServerApp server(**rt);
  if (auto ok = server.Start(); !ok) return ReportError(ok.error());
  server.CatchSignals();  // before the URL: whoever read it may signal at once
  std::cout << "im is serving " << (*rt)->DatabasePath() << " at " << server.url() << "  (try "
            << server.url() << "api/v1/incidents; Ctrl-C to stop)" << std::endl;
  server.RunUntilSignal();
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& root, GlobalOptions& g) {
  auto o = std::make_shared<ServeOptions>();
  auto* serve = root.add_subcommand("serve", "Run the HTTP API server");
  serve->add_option("--listen", o->listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  serve->add_flag("--demo", o->demo, "Add demo incidents when the store is empty");
  serve->add_flag("--no-migrate", g.no_migrate,
                  "Refuse to start on a database whose schema is behind this im (run `im db "
                  "migrate` first) instead of migrating it: for rolling upgrades");
  serve->callback([&g, o] { g.exit_code = RunServe(g, *o); });
}

}  // namespace im::cli
