/*
 * store_sqlite_config: SQLite's process-wide settings, made before SQLite
 * initialises (a constructor: sqlite3_config refuses once any connection
 * was opened).
 *
 * Memory statistics off: with them on (SQLite's default) every
 * sqlite3_malloc and sqlite3_free takes one global mutex, and FTS5
 * allocates and frees per matching row, so two HTTP workers ranking
 * people spent a third of their samples in pthread_mutex_lock/unlock and
 * futex waits (perf, 100k people). Nothing in Moka reads the statistics
 * (sqlite3_memory_used, sqlite3_status). People search at 100k, server
 * CPU per request, alternated: 6.2 and 4.6 ms with them, 2.7 and 2.0 ms
 * without (bench/results/2026-11-27-search-440000.md).
 */
#include <sqlite3.h>

__attribute__((constructor)) static void sqlite_settings(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
