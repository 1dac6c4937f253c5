// The SQLite ledger's schema and its migrations (DESIGN.md §4 "Ledger": schema versioned with
// migrations).
//
// Migration N (1-based) takes a ledger from schema version N-1 to N; the meta row
// "schema_version" records the version reached, in the same transaction as the migration, so a
// crash leaves the ledger at a version it really has. Migrations are only ever appended, never
// edited once released; enum values are stored as their (never renumbered) integers.
// Called once at open, on the writer's connection, before any other statement.
#pragma once

#include <sqlite3.h>

#include <string>

#include "models/status.h"

namespace yibao::core::ledger_detail {

// Brings the database to kSchemaVersion (ledger_common.h). INTERNAL when the file is not a
// database, holds tables but no schema version (not a ledger), or holds a schema newer than this
// program's (an older yibao-core must not write a newer ledger).
Status migrate_sqlite(sqlite3* db, const std::string& path);

}  // namespace yibao::core::ledger_detail
