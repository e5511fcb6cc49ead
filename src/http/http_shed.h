/*
 * http_shed: overload shedding. When the requests waiting for a worker
 * thread would wait longer than a target (shed_queue_ms), a share of new
 * requests is answered at once with 503 and Retry-After instead of being
 * served, so that those that are served stay fast and a flood ends on
 * its own: no state outlives a 100 ms window.
 *
 * Each MHD worker serves its connections one request at a time, so a
 * request that arrives while the worker is busy waits for the requests
 * of the other connections ready before it. Per worker and per 100 ms
 * window, the shedder counts the distinct connections that sent a
 * request and the mean CPU time a request took; their product estimates the
 * queue a new request joins (Little's law for these closed loops). Above
 * the target the shed share grows by a tenth each window, below it
 * shrinks by a tenth (additive both ways: no oscillation between all and
 * nothing); shed requests are spread evenly over the window. /health and
 * CORS preflights are never shed. Guards against false alarms: fewer than
 * eight connections in a window never count as a queue, the share grows
 * only after two windows in a row over the target, and one request counts
 * for at most the target (a password hash is slow, not a queue).
 */
#ifndef MOKA_HTTP_SHED_H
#define MOKA_HTTP_SHED_H

#include <stdbool.h>
#include <stdint.h>

/* Should the request that just began on the connection with socket fd be
 * refused? target_us 0 disables shedding. Call from the worker thread. */
bool http_shed_begin(int fd, uint64_t target_us, const char *path, const char *method);
/* Service times are measured on one request in HTTP_SHED_SAMPLE: reading
 * a thread's CPU clock is a system call (not the vDSO's), and timing
 * every request cost 5 % of a home stream's CPU. The mean of the sampled
 * ones stands for all. */
#define HTTP_SHED_SAMPLE 8
/* Should the request this worker is about to run be timed? */
bool http_shed_timed(void);
/* This thread's CPU time in µs: service times are CPU time, so that other
 * processes competing for the cores do not look like our own queue. */
uint64_t http_shed_clock(void);
/* A timed request of this worker took service_us (of http_shed_clock());
 * /health is left out. */
void http_shed_end(const char *path, uint64_t service_us);

#endif
