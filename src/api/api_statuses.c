/* api_statuses: placeholder until this area lands. */
#include "api/api.h"

void api_statuses_register(void)
{
}
