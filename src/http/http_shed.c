/* http_shed: overload shedding by estimated queue time (see http_shed.h). */
#include "http/http_shed.h"
#include "core/clock.h"
#include "core/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>

#define WINDOW_US 100000
#define STEP 10 /* shed share step, in percent */
/* A queue needs many clients: fewer connections than this never shed
 * (a handful of clients cannot flood a worker, and one slow request,
 * such as a password hash, says nothing about a queue). */
#define MIN_ACTIVE 8
/* Windows in a row over the target before the share starts to grow. */
#define SUSTAINED 2

/* One worker thread's accounting (thread-local: no locks). */
struct shed {
	uint64_t window_start;
	uint32_t window; /* window number, stamps connections */
	uint32_t *stamp; /* [fd]: the window a connection last sent in */
	uint32_t stamp_cap;
	uint32_t active;    /* distinct connections this window */
	uint64_t served_us; /* total service time this window */
	uint32_t served;
	uint32_t share;	  /* percent of new requests refused */
	uint32_t seq;	  /* spreads refusals evenly */
	uint64_t mean_us; /* mean service time, last window with requests */
	uint64_t target_us;
	uint32_t over; /* windows in a row over the target */
	uint32_t tick; /* picks the requests that are timed */
};

static _Thread_local struct shed me;
static pthread_key_t stamp_key;
static pthread_once_t stamp_once = PTHREAD_ONCE_INIT;

static void stamp_key_make(void)
{
	pthread_key_create(&stamp_key, free); /* frees a worker's stamps when it exits */
}

static void next_window(uint64_t now, uint64_t target_us)
{
	if (me.served)
		me.mean_us = me.served_us / me.served;
	/* the queue a request joined: the others ready before it */
	uint64_t queue = me.active >= MIN_ACTIVE ? (uint64_t)(me.active - 1) * me.mean_us : 0;
	me.over = queue > target_us ? me.over + 1 : 0;
	if (me.over >= SUSTAINED)
		me.share = me.share + STEP > 90 ? 90 : me.share + STEP;
	else if (!me.over)
		me.share = me.share > STEP ? me.share - STEP : 0;
	if (now - me.window_start > 2 * WINDOW_US) { /* idle for a while */
		me.share = 0;
		me.over = 0;
	}
	me.window_start = now;
	me.window++;
	me.active = 0;
	me.served_us = 0;
	me.served = 0;
}

bool http_shed_begin(int fd, uint64_t target_us, const char *path, const char *method)
{
	if (!target_us)
		return false;
	me.target_us = target_us;
	uint64_t now = (uint64_t)clock_mono_us();
	if (now - me.window_start >= WINDOW_US)
		next_window(now, target_us);
	if (fd >= 0) {
		if ((uint32_t)fd >= me.stamp_cap) {
			uint32_t cap = me.stamp_cap ? me.stamp_cap : 1024;
			while (cap <= (uint32_t)fd)
				cap *= 2;
			me.stamp = xrealloc(me.stamp, cap * sizeof(*me.stamp));
			memset(me.stamp + me.stamp_cap, 0,
			       (cap - me.stamp_cap) * sizeof(*me.stamp));
			me.stamp_cap = cap;
			pthread_once(&stamp_once, stamp_key_make);
			pthread_setspecific(stamp_key, me.stamp);
		}
		if (me.stamp[fd] != me.window + 1) {
			me.stamp[fd] = me.window + 1;
			me.active++;
		}
	}
	if (!me.share || strcmp(path, "/health") == 0 || strcmp(method, "OPTIONS") == 0)
		return false;
	me.seq = (me.seq + 1) % 100;
	/* refuse share out of every 100, evenly: seq * share crosses a
	 * multiple of 100 exactly share times per 100 requests */
	return (me.seq * me.share) % 100 < me.share;
}

bool http_shed_timed(void)
{
	return ++me.tick % HTTP_SHED_SAMPLE == 0;
}

uint64_t http_shed_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void http_shed_end(const char *path, uint64_t service_us)
{
	if (strcmp(path, "/health") == 0)
		return;
	/* one request counts for at most the target: the estimate is about
	 * how many wait, not about one that is slow by nature */
	if (me.target_us && service_us > me.target_us)
		service_us = me.target_us;
	me.served_us += service_us;
	me.served++;
}
