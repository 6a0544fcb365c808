// im db migrate-from-sqlite --from DIR --to postgres://… [--replace]; im db migrate
#include <cstdio>
#include <iostream>

#include "cli/context.h"
#include "store/copy.h"

namespace im::cli {
namespace {

struct MigrateOptions {
  std::string from;
  std::string to;
  bool replace = false;
};

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

int RunMigrateFromSqlite(GlobalOptions& g, const MigrateOptions& o) {
  auto result = store::CopyDatabase("sqlite:" + o.from + "/im.db", o.to, {.replace = o.replace});
  if (!result) return ReportError(result.error());
  const std::string& to = result->target;
  if (g.json) {
    json::array tables;
    for (const auto& t : result->tables) {
      tables.push_back(
          json::object{{"table", t.table}, {"rows", t.rows}, {"checksum", Hex(t.checksum)}});
    }
    PrintJson(json::object{{"from", o.from},
                           {"to", to},
                           {"copied", result->copied},
                           {"schema_version", result->schema_version},
                           {"tables", std::move(tables)}});
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  int64_t total = 0;
  for (const auto& t : result->tables) {
    rows.push_back({t.table, std::to_string(t.rows), Hex(t.checksum)});
    total += t.rows;
  }
  PrintTable({"TABLE", "ROWS", "CHECKSUM"}, rows);
  if (result->copied) {
    std::cout << "copied " << total << " rows in " << result->tables.size() << " tables from "
              << o.from << " to " << to << " (schema " << result->schema_version
              << "); every table's count and checksum match. Point im at it with "
                 "IM_DATABASE_URL.\n";
  } else {
    std::cout << to
              << " already holds this copy (every count and checksum match); nothing "
                 "was changed.\n";
  }
  return 0;
}

// Brings the database to this im's schema (under the migration lock) and says where it is.
int RunMigrate(GlobalOptions& g) {
  auto rt = OpenRuntime(g);
  if (!rt) return ReportError(rt.error());
  auto version = (*rt)->store->SchemaVersion();
  if (!version) return ReportError(version.error());
  std::cout << "the database is at schema version " << *version << "\n";
  return 0;
}

}  // namespace

void AddDbCommands(CLI::App& root, GlobalOptions& g) {
  auto* db = root.add_subcommand("db", "The database itself: copying an installation");
  db->require_subcommand(1);
  auto o = std::make_shared<MigrateOptions>();
  auto* migrate = db->add_subcommand(
      "migrate-from-sqlite",
      "Copy the SQLite database of a data directory into an empty PostgreSQL database, "
      "verified by counts and checksums (stop im on it first)");
  migrate->add_option("--from", o->from, "The data directory to copy (holding im.db)")->required();
  migrate->add_option("--to", o->to, "postgres://USER:PASSWORD@HOST:PORT/DATABASE")->required();
  migrate->add_flag("--replace", o->replace,
                    "Overwrite a PostgreSQL database that holds other data");
  migrate->callback([&g, o] { g.exit_code = RunMigrateFromSqlite(g, *o); });
  auto* up = db->add_subcommand(
      "migrate",
      "Upgrade the database's schema to this im's (instances still running keep working; then "
      "start the new ones, with `im serve --no-migrate` if you like)");
  up->callback([&g] { g.exit_code = RunMigrate(g); });
}

}  // namespace im::cli
