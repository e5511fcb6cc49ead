/* api_auth: placeholder until this area lands. */
#include "api/api.h"

void api_auth_register(void)
{
}
