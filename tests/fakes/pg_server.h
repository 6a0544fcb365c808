// A real PostgreSQL server for tests: Debian's PostgreSQL 15 (the `postgresql` package from
// scripts/setup.sh) in a fresh temporary directory, on a free loopback port, with trust
// authentication for the user "im" and fsync off. One server per test process (PgServer::Shared,
// started on first use from the main thread and stopped with a fast shutdown at exit) and a
// fresh database per test (NewDatabase) keep it quick.
//
// PostgreSQL refuses to run as root, and tests run as root in CI: then the server runs as the
// `postgres` system user the package creates (setpriv), in a directory owned by it. The cluster
// made by initdb (1 MB WAL segments, so the copy is small) is kept as a template under the temp
// dir and copied for each process, so only the first test process on a machine pays for initdb. The
// server gets SIGQUIT when the test process dies (setpriv --pdeathsig), so a crashed test leaves no
// server behind.
#pragma once

#include <fcntl.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "fakes/deadline.h"
#include "fakes/ports.h"
#include "fakes/temp_dir.h"

extern char** environ;

namespace im::testing {

inline constexpr char kPgBin[] = "/usr/lib/postgresql/15/bin/";

class PgServer {
 public:
  // The server of this test process, started on first use.
  static PgServer& Shared() {
    static PgServer server;
    return server;
  }

  // Empty when the server runs; else why not, and what to do.
  const std::string& error() const { return error_; }
  bool ready() const { return error_.empty(); }
  uint16_t port() const { return port_; }

  // The address of a new, empty database of its own (t_1, t_2, ...), or "" with error() set.
  std::string NewDatabase() {
    if (!ready()) return "";
    std::string name = "t_" + std::to_string(++databases_);
    // FILE_COPY: copies template1's files (fsync is off) instead of writing them through the WAL.
    std::string err = Exec(Url("postgres"), "CREATE DATABASE " + name + " STRATEGY FILE_COPY");
    if (!err.empty()) {
      error_ = "CREATE DATABASE " + name + ": " + err;
      return "";
    }
    return Url(name);
  }
  std::string Url(const std::string& database) const {
    return "postgresql://im@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }

  // Runs `sql` on the database at `url`; "" when it worked, else the server's message.
  // `first` gets the first column of the first row, if any.
  static std::string Exec(const std::string& url, const std::string& sql,
                          std::string* first = nullptr) {
    PGconn* c = PQconnectdb(url.c_str());
    std::string err;
    if (PQstatus(c) != CONNECTION_OK) {
      err = PQerrorMessage(c);
    } else {
      PGresult* r = PQexec(c, sql.c_str());
      auto st = PQresultStatus(r);
      if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        err = PQresultErrorMessage(r);
        if (err.empty()) err = "failed";
      } else if (first && PQntuples(r) > 0 && PQnfields(r) > 0) {
        *first = PQgetvalue(r, 0, 0);
      }
      PQclear(r);
    }
    PQfinish(c);
    return err;
  }

  ~PgServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGINT);  // fast shutdown: roll back sessions, stop at once
      int status = 0;
      if (!PollUntil([&] { return ::waitpid(pid_, &status, WNOHANG) != 0; })) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
    }
  }

  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

 private:
  PgServer() {
    if (!std::filesystem::exists(std::string(kPgBin) + "postgres")) {
      error_ =
          std::string(kPgBin) + "postgres is missing: run scripts/setup.sh (package postgresql)";
      return;
    }
    if (::geteuid() == 0) {
      passwd* pw = ::getpwnam("postgres");
      if (pw == nullptr) {
        error_ =
            "tests run as root and PostgreSQL refuses root, but there is no `postgres` user to run "
            "it as: run scripts/setup.sh (package postgresql creates it)";
        return;
      }
      uid_ = pw->pw_uid;
      gid_ = pw->pw_gid;
      as_postgres_ = true;
    }
    std::string tmpl = Template();
    if (tmpl.empty()) return;
    std::error_code ec;
    std::filesystem::permissions(dir_.path(), std::filesystem::perms(0755), ec);
    std::string data = dir_.File("data");
    if (int rc = SystemWithDeadline("cp -a '" + tmpl + "' '" + data + "'"); rc != 0) {
      error_ = "copying the PostgreSQL cluster template " + tmpl + " failed";
      return;
    }
    if (as_postgres_ && ::chown(dir_.path().c_str(), uid_, gid_) != 0) {
      error_ = "chown " + dir_.path().string() + " to postgres failed";
      return;
    }
    // The port is picked before postgres binds it; should another program take it meanwhile,
    // postgres exits and is started again on another.
    for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) {
      port_ = FreeLoopbackPort();
      pid_t pid = Spawn({std::string(kPgBin) + "postgres", "-D", data, "-p", std::to_string(port_),
                         "-k", dir_.path().string(), "-c", "listen_addresses=127.0.0.1", "-c",
                         "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                         "-c", "max_connections=200", "-c", "shared_buffers=32MB"},
                        dir_.File("postgres.log"));
      if (pid <= 0) {
        error_ = "could not start postgres";
        return;
      }
      bool exited = false;
      bool answered = PollUntil([&] {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) exited = true;
        return exited || PQping(Url("postgres").c_str()) == PQPING_OK;
      });
      if (exited) continue;  // its port was taken: try another
      pid_ = pid;
      if (!answered) {
        error_ = "postgres did not answer within the test deadline; its log: " + Log();
        return;
      }
    }
    if (pid_ <= 0) error_ = "postgres exited at start five times; its last log: " + Log();
  }

  // A cluster made by initdb for the user "im" with trust authentication, shared by the test
  // processes of this machine (made once, under a lock, and renamed into place when complete).
  std::string Template() {
    std::filesystem::path base = std::filesystem::temp_directory_path();
    std::string tag = as_postgres_ ? "postgres" : std::to_string(::geteuid());
    std::filesystem::path tmpl = base / ("im-test-pg15-template-1mwal-" + tag);
    if (std::filesystem::exists(tmpl / "PG_VERSION")) return tmpl.string();
    std::string lock_path = (base / ("im-test-pg15-template-1mwal-" + tag + ".lock")).string();
    int lock = ::open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (lock < 0 || ::flock(lock, LOCK_EX) != 0) {
      error_ = "cannot lock " + lock_path;
      if (lock >= 0) ::close(lock);
      return "";
    }
    std::string out;
    if (std::filesystem::exists(tmpl / "PG_VERSION")) {
      out = tmpl.string();  // another test process made it while we waited
    } else {
      // initdb writes into a directory its user owns; the cluster is renamed out of it.
      TempDir work;
      std::error_code ec;
      std::filesystem::permissions(work.path(), std::filesystem::perms(0755), ec);
      if (as_postgres_ && ::chown(work.path().c_str(), uid_, gid_) != 0) {
        error_ = "chown " + work.path().string() + " to postgres failed";
      } else {
        std::string data = work.File("data");
        pid_t pid =
            Spawn({std::string(kPgBin) + "initdb", "-D", data, "-U", "im", "--auth=trust", "-E",
                   "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions", "--wal-segsize=1"},
                  work.File("initdb.log"));
        int status = 0;
        if (pid <= 0 || !PollUntil([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }) ||
            !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
          std::ifstream f(work.File("initdb.log"));
          std::stringstream log;
          log << f.rdbuf();
          error_ = "initdb failed: " + log.str();
        } else {
          std::filesystem::rename(data, tmpl, ec);
          if (ec) {
            error_ = "moving the initdb cluster to " + tmpl.string() + ": " + ec.message();
          } else {
            out = tmpl.string();
          }
        }
      }
    }
    ::flock(lock, LOCK_UN);
    ::close(lock);
    return out;
  }

  // Starts argv[0] (as the postgres user when the tests run as root) with its stdout and
  // stderr in `log`; it gets SIGQUIT should this process die first.
  pid_t Spawn(const std::vector<std::string>& command, const std::string& log) {
    std::vector<std::string> argv = {"/usr/bin/setpriv", "--pdeathsig", "SIGQUIT"};
    if (as_postgres_) {
      argv.insert(argv.end(), {"--reuid=" + std::to_string(uid_), "--regid=" + std::to_string(gid_),
                               "--init-groups"});
    }
    argv.push_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    if (::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    return pid;
  }

  std::string Log() const {
    std::ifstream f(dir_.File("postgres.log"));
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }

  TempDir dir_;
  bool as_postgres_ = false;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::atomic<int> databases_{0};
  std::string error_;
};

}  // namespace im::testing
