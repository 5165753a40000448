// Move-only owners of an SQLite connection and a prepared statement, with
// errors as values that carry SQLite's own message.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace latlab::store {

class Stmt {
 public:
  Stmt() = default;
  // path: the store's file, named in errors.
  Stmt(sqlite3* db, sqlite3_stmt* s, std::string path) : db_(db), s_(s), path_(std::move(path)) {}
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_), path_(std::move(o.path_)) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept {
    if (this != &o) {
      reset_owner();
      db_ = o.db_;
      s_ = o.s_;
      path_ = std::move(o.path_);
      o.s_ = nullptr;
    }
    return *this;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { reset_owner(); }

  // Binding is 1-based, as in SQLite.
  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& bind(int i, double v) {
    sqlite3_bind_double(s_, i, v);
    return *this;
  }
  Stmt& bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind_null(int i) {
    sqlite3_bind_null(s_, i);
    return *this;
  }
  Stmt& bind(int i, const std::optional<int64_t>& v) { return v ? bind(i, *v) : bind_null(i); }
  Stmt& bind(int i, const std::optional<double>& v) { return v ? bind(i, *v) : bind_null(i); }

  // SQLITE_ROW -> true, SQLITE_DONE -> false, anything else -> an error
  // "store <path>: <sqlite message>".
  Result<bool> step();
  // Step to completion and reset for reuse.
  Status run();
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  // Ready to step again; bindings stay (the caller rebinds every column).
  void rewind() { sqlite3_reset(s_); }

  int64_t int64(int col) const { return sqlite3_column_int64(s_, col); }
  double real(int col) const { return sqlite3_column_double(s_, col); }
  bool is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
  std::optional<int64_t> opt_int64(int col) const {
    if (is_null(col)) return std::nullopt;
    return int64(col);
  }
  std::optional<double> opt_real(int col) const {
    if (is_null(col)) return std::nullopt;
    return real(col);
  }
  std::string text(int col) const {
    const unsigned char* p = sqlite3_column_text(s_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(s_, col)))
             : std::string();
  }

 private:
  void reset_owner() {
    if (s_) sqlite3_finalize(s_);
    s_ = nullptr;
  }
  sqlite3* db_ = nullptr;
  sqlite3_stmt* s_ = nullptr;
  std::string path_;
};

class Db {
 public:
  Db() = default;
  Db(Db&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept {
    if (this != &o) {
      close();
      db_ = o.db_;
      path_ = std::move(o.path_);
      o.db_ = nullptr;
    }
    return *this;
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db() { close(); }

  // Opens (creating when create is true) the file at path.
  static Result<Db> open(const std::string& path, bool create, bool read_only = false);
  // Read-only as an immutable file (SQLite's "immutable=1" URI parameter): no
  // -shm file is needed, and nothing that is still only in the -wal file is seen.
  static Result<Db> open_immutable(const std::string& path);

  Status exec(const std::string& sql);
  Result<Stmt> prepare(const std::string& sql);
  int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  sqlite3* raw() const { return db_; }
  const std::string& path() const { return path_; }
  // "store /x/latlab.db: <what>: <sqlite message>"
  Error error(const std::string& what) const;

 private:
  // path names the store in errors; name is what SQLite opens (a path or a URI).
  static Result<Db> open_as(const std::string& path, const std::string& name, int flags);
  void close() {
    if (db_) sqlite3_close_v2(db_);
    db_ = nullptr;
  }
  sqlite3* db_ = nullptr;
  std::string path_;
};

// RAII transaction: rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(Db& db);
  ~Transaction();
  // Why BEGIN failed, if it did (check before writing).
  Status begun() const;
  // Commits; a transaction that never began returns BEGIN's error.
  Status commit();
  bool active() const { return active_; }

 private:
  Db& db_;
  bool active_ = false;
  std::optional<Error> begin_error_;
};

}  // namespace latlab::store
