/* api_streaming: placeholder until this area lands. */
#include "api/api.h"

void api_streaming_register(void)
{
}
