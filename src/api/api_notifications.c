/* api_notifications: placeholder until this area lands. */
#include "api/api.h"

void api_notifications_register(void)
{
}
