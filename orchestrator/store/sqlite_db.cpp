#include "store/sqlite_db.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>

#include "util/owner.h"

namespace latlab::store {

namespace {

// The absolute path, percent-encoded for an SQLite URI filename.
std::string uri_path(const std::string& path) {
  std::string out;
  for (unsigned char c : std::filesystem::absolute(path).string()) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

// The time a write waits for another writer before it gives up.
constexpr int kBusyTimeoutMs = 5000;

// A store error. What the machine did to it (another writer holds it, the
// disk is full, the file cannot be written) is an environment error, with
// what to do about a lock.
Error store_error(const std::string& path, int rc, const std::string& what, const std::string& msg) {
  const int primary = rc & 0xff;
  std::string text = "store " + path + ": " + what + msg;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    text += " (another process holds it for writing; waited " + std::to_string(kBusyTimeoutMs / 1000) + " s)";
  const bool environment = primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_FULL ||
                           primary == SQLITE_IOERR || primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN ||
                           primary == SQLITE_PERM;
  return Error(text, 0, environment ? ExitCode::environment : ExitCode::failure);
}

}  // namespace

Result<bool> Stmt::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return store_error(path_, sqlite3_extended_errcode(db_), "", sqlite3_errmsg(db_));
}

Status Stmt::run() {
  auto r = step();
  while (r.ok() && *r) r = step();
  reset();
  if (!r.ok()) return r.error();
  return Ok{};
}

Result<Db> Db::open(const std::string& path, bool create, bool read_only) {
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0));
  // A new store is its owner's alone (0600), the invoking user's under sudo
  // (SQLite gives its -wal and -shm files the same mode and owner). An
  // existing one keeps the mode and owner it has.
  if (create && !read_only && path != ":memory:") {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::close(fd);
      (void)hand_over(path);  // a store root keeps is still a store
    }
  }
  return open_as(path, path, flags);
}

Result<Db> Db::open_immutable(const std::string& path) {
  return open_as(path, "file:" + uri_path(path) + "?immutable=1", SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
}

Result<Db> Db::open_as(const std::string& path, const std::string& name, int flags) {
  Db db;
  db.path_ = path;
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(name.c_str(), &db.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db.db_ ? sqlite3_errmsg(db.db_) : sqlite3_errstr(rc);
    return Error("store " + path + ": cannot open: " + msg, 0, ExitCode::environment);
  }
  sqlite3_busy_timeout(db.db_, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db.db_, 1);
  return db;
}

Status Db::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return store_error(path_, rc, "", msg);
  }
  return Ok{};
}

Result<Stmt> Db::prepare(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s,
                              nullptr);
  if (rc != SQLITE_OK) return error("prepare");
  return Stmt(db_, s, path_);
}

Error Db::error(const std::string& what) const {
  return store_error(path_, sqlite3_extended_errcode(db_), what + ": ", sqlite3_errmsg(db_));
}

Transaction::Transaction(Db& db) : db_(db) {
  active_ = db_.exec("BEGIN IMMEDIATE").ok();
  if (!active_) begin_error_ = db_.error("begin transaction");
}

Transaction::~Transaction() {
  if (active_) (void)db_.exec("ROLLBACK");
}

Status Transaction::begun() const {
  if (begin_error_) return *begin_error_;
  return Ok{};
}

Status Transaction::commit() {
  if (begin_error_) return *begin_error_;
  if (!active_) return Error("store " + db_.path() + ": commit without a transaction");
  active_ = false;
  return db_.exec("COMMIT");
}

}  // namespace latlab::store
