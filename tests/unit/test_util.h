/*
 * What several unit tests share: a small seeded random generator, and the
 * audience rule written out plainly (audience.h) as their oracle.
 */
#ifndef MOKA_TEST_UTIL_H
#define MOKA_TEST_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "audience/audience.h"

/* xorshift64: a number in [0, n) from *state. */
static inline uint32_t test_rnd(uint64_t *state, uint32_t n)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (uint32_t)(*state % n);
}

/* Whether a post's own audience vis admits a viewer at distance d from its
 * author (3: farther) who follows the author or not, when the post neither
 * is theirs nor names them. */
static inline bool test_rule_admits(int vis, int d, bool follows)
{
	switch (vis) {
	case VIS_PUBLIC:
	case VIS_UNLISTED:
		return true;
	case VIS_NETWORK:
		return d <= 2;
	case VIS_CONNECTIONS:
		return d == 1;
	case VIS_PRIVATE:
		return d == 1 || follows;
	default:
		return false;
	}
}

#endif
