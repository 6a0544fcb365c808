// A "next release" of im for the rolling-upgrade test (upgrade_test.cc): the stock CLI with one
// more (no-op) migration and the escalation jobs' module one version up, so instances of the
// stock `im` must leave those jobs to it once it migrated the database.
#include "app/jobs.h"
#include "cli/cli.h"
#include "store/sqlite/migrations.h"

int main(int argc, char** argv) {
  im::app::BuildVariant next;
  next.later_migrations.push_back({.version = im::store::sqlite::LatestSchemaVersion() + 1,
                                   .sqlite_sql = "CREATE TABLE next_release_probe (x INTEGER);",
                                   .pg_sql = "CREATE TABLE next_release_probe (x INTEGER);"});
  next.job_modules = im::app::JobModuleVersions();
  next.job_modules["escalation"]++;
  return im::cli::Main(argc, argv, next);
}
