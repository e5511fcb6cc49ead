/* events_hub: live-event delivery (placeholder until streaming lands). */
#include "events/events.h"
#include "core/xmalloc.h"

#include <stdlib.h>

struct hub {
	struct app *app;
};

struct hub *hub_new(struct app *app)
{
	struct hub *h = xcalloc(1, sizeof(*h));
	h->app = app;
	return h;
}

void hub_free(struct hub *h)
{
	free(h);
}

void hub_publish(struct hub *h, const struct event *ev)
{
	(void)h;
	(void)ev;
}

void hub_end_streams(struct hub *h)
{
	(void)h;
}
