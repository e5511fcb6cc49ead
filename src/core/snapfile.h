/*
 * snapfile: a checksummed binary image of in-memory state (the start-up
 * snapshots of the graph and the post index, see app/app_index.c).
 *
 * Layout: a 64-byte header (magic, format version, the caller's 16-byte
 * token, body length, body hash), then the body written through
 * snapw_put(). The body is hashed in 1 MiB blocks as it streams, so
 * reading verifies it at the speed of the disk. A file is written under a
 * temporary name and renamed once complete and synced: a reader sees a
 * whole file or none.
 *
 * Values are raw native-endian memory: a snapshot is only for the machine
 * (and build) that wrote it; the version and the callers' own size checks
 * refuse anything else, and the caller falls back to the store.
 */
#ifndef MOKA_CORE_SNAPFILE_H
#define MOKA_CORE_SNAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNAP_TOKEN_BYTES 16

struct snapw;
struct snapr;

/* Starts writing path (through path.tmp). NULL on error (logged). */
struct snapw *snapw_open(const char *path, uint32_t version);
void snapw_put(struct snapw *w, const void *data, size_t len);
void snapw_u32(struct snapw *w, uint32_t v);
/* Finishes: header with token, fsync, rename. 0, or -1 (file removed). */
int snapw_close(struct snapw *w, const uint8_t token[SNAP_TOKEN_BYTES]);
/* Gives up on a write (removes the temporary file). */
void snapw_abort(struct snapw *w);

/* Opens path if it has this version and token. NULL otherwise (no log
 * when the file is absent). */
struct snapr *snapr_open(const char *path, uint32_t version, const uint8_t token[SNAP_TOKEN_BYTES]);
/* Reads len bytes; false on a short or corrupt file (sticky). */
bool snapr_get(struct snapr *r, void *data, size_t len);
bool snapr_u32(struct snapr *r, uint32_t *v);
/* True if every byte was read, nothing is left over and the hash matched;
 * frees r either way. */
bool snapr_close(struct snapr *r);

/* Memory for a large array that lives long (the indexes' big arrays):
 * 2 MiB-aligned and advised for transparent huge pages when it is at
 * least 4 MiB — a fraction of the page faults when filled, and of the
 * TLB misses when read. Free with free(); realloc() works. Never NULL. */
void *snap_alloc_big(size_t bytes);

#endif
