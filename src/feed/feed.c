/* feed: the in-memory post index (placeholder until posts land). */
#include "feed/feed.h"
#include "app/app.h"

int feed_open(struct app *app)
{
	(void)app;
	return 0;
}

void feed_close(struct app *app)
{
	(void)app;
}
