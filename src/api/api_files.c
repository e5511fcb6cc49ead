/* api_files: the files routes (filled in by the files work). */
#include "api/api.h"

void api_files_register(void)
{
}
