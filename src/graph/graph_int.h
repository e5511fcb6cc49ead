/*
 * graph_int.h: the graph's internals that its tests and benchmark reach
 * into; nothing else includes this.
 */
#ifndef MOKA_GRAPH_INT_H
#define MOKA_GRAPH_INT_H

/* The block merges graph_distance() can intersect two lists with. */
enum graph_merge {
	GRAPH_MERGE_AUTO,	  /* the widest this CPU has (the default) */
	GRAPH_MERGE_SSE2,	  /* four ids a step (scalar without SSE2) */
	GRAPH_MERGE_AVX2,	  /* eight ids a step */
	GRAPH_MERGE_VP2INTERSECT, /* sixteen, AVX-512 VP2INTERSECTD (AMD) */
};

/*
 * Makes every graph created from now on (graph_new, graph_snap_read) use
 * merge k in graph_distance(); GRAPH_MERGE_AUTO restores the default.
 * Not thread-safe: tests and benchmarks only. Returns 0, or -1 if this
 * CPU cannot run k (nothing changes).
 */
int graph_merge_force(enum graph_merge k);

#endif
