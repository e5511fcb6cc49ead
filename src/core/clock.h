/*
 * clock: wall-clock and monotonic time, and Moka's time-ordered ids.
 *
 * Post and notification ids are 64-bit, time-ordered like Mastodon's:
 * milliseconds since the epoch in the high bits, a 16-bit sequence below,
 * so sorting by id sorts by time and ids never repeat within a process.
 */
#ifndef MOKA_CLOCK_H
#define MOKA_CLOCK_H

#include <stdint.h>

int64_t clock_now_ms(void);  /* wall clock, ms since the epoch */
int64_t clock_mono_us(void); /* monotonic, µs */
int64_t clock_mono_ns(void); /* monotonic, ns */

/* A new id for "now", strictly greater than any id this process made. */
int64_t clock_id_next(void);
/* The id range for a time: id_from_ms(ms) <= any id made at ms. */
int64_t clock_id_from_ms(int64_t ms, uint32_t seq);
int64_t clock_id_to_ms(int64_t id);
/* Makes later clock_id_next() calls return ids above floor (after a restart). */
void clock_id_floor(int64_t floor);

#endif
