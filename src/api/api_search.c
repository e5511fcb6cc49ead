/* api_search: the search routes (filled in by the search work). */
#include "api/api.h"

void api_search_register(void)
{
}
