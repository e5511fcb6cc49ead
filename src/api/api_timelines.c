/* api_timelines: placeholder until this area lands. */
#include "api/api.h"

void api_timelines_register(void)
{
}
