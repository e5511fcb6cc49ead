/* people: loading the network into memory (placeholder until the network lands). */
#include "people/people.h"
#include "app/app.h"

int people_load(struct app *app)
{
	(void)app;
	return 0;
}

/* Placeholder account rendering until profiles land. */
#include "core/arena.h"
#include "json/json_writer.h"
#include "store/store.h"

int people_render_account(struct app *app, struct arena *a, struct jw *w, int64_t user_id)
{
	struct user u;
	if (store_user_get(store_reader(app->store), a, user_id, &u) != STORE_OK)
		return -1;
	jw_obj_begin(w);
	jw_kid(w, "id", u.id);
	jw_kstr(w, "username", u.username);
	jw_kstr(w, "acct", u.username);
	jw_kstr(w, "display_name", u.display_name);
	jw_obj_end(w);
	return 0;
}
