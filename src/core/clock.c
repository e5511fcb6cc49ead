/* clock: time sources and time-ordered ids. */
#include "core/clock.h"

#include <stdatomic.h>
#include <time.h>

int64_t clock_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t clock_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static _Atomic int64_t last_id;

int64_t clock_id_from_ms(int64_t ms, uint32_t seq)
{
	return (ms << 16) | (int64_t)(seq & 0xffff);
}

int64_t clock_id_to_ms(int64_t id)
{
	return id >> 16;
}

int64_t clock_id_next(void)
{
	int64_t want = clock_id_from_ms(clock_now_ms(), 0);
	int64_t prev = atomic_load(&last_id);
	for (;;) {
		int64_t id = want > prev ? want : prev + 1;
		if (atomic_compare_exchange_weak(&last_id, &prev, id))
			return id;
	}
}

void clock_id_floor(int64_t floor)
{
	int64_t prev = atomic_load(&last_id);
	while (prev < floor && !atomic_compare_exchange_weak(&last_id, &prev, floor))
		;
}
