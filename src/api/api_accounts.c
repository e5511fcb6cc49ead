/* api_accounts: placeholder until this area lands. */
#include "api/api.h"

void api_accounts_register(void)
{
}
