/* api_conversations: the conversations routes (filled in by the conversations work). */
#include "api/api.h"

void api_conversations_register(void)
{
}
