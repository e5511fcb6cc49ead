/* notify: notifications (placeholder until notifications land). */
#include "notify/notify.h"

int notify_add(struct tx *tx, int64_t recipient, const char *type, int64_t actor,
	       int64_t post_id, int64_t invitation_id)
{
	(void)tx;
	(void)recipient;
	(void)type;
	(void)actor;
	(void)post_id;
	(void)invitation_id;
	return 0;
}
