/* posts_render: Mastodon Status entities (placeholder until posts land). */
#include "posts/posts.h"

int posts_render_status(struct app *app, struct arena *a, struct jw *w, int64_t viewer,
			int64_t post_id)
{
	(void)app;
	(void)a;
	(void)w;
	(void)viewer;
	(void)post_id;
	return -1;
}
