/*
 * people_org: walking the org chart (manager links) over any lookup —
 * cycle checks before a manager change, and the chain up to the top.
 * Pure: no store, no locks; the caller's lookup decides where links live.
 */
#include "people/people.h"

bool people_manager_cycle(int64_t user, int64_t manager, people_manager_fn fn, void *ctx)
{
	if (manager <= 0)
		return false;
	/* Following the links up from the new manager must never reach user. */
	int64_t at = manager;
	for (int steps = 0; steps < PEOPLE_CHAIN_MAX; steps++) {
		if (at == user)
			return true;
		int64_t up;
		if (fn(ctx, at, &up) < 0)
			return true;
		if (up <= 0)
			return false;
		at = up;
	}
	return true;
}

size_t people_manager_chain(int64_t id, people_manager_fn fn, void *ctx, int64_t *out, size_t max)
{
	size_t n = 0;
	int64_t at = id;
	while (n < max) {
		int64_t up;
		if (fn(ctx, at, &up) < 0 || up <= 0 || up == id)
			break;
		for (size_t i = 0; i < n; i++)
			if (out[i] == up)
				return n; /* a loop in stored data: stop before repeating */
		out[n++] = up;
		at = up;
	}
	return n;
}
