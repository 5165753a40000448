// The store's schema: forward migrations keyed by PRAGMA user_version.
#pragma once

#include "store/sqlite_db.h"

namespace latlab::store {

inline constexpr int schema_version = 3;

// WAL mode, foreign keys, then every migration newer than the file's
// user_version, each in its own transaction. Refuses a file from a newer latlab.
Status migrate(Db& db);

}  // namespace latlab::store
