/* api_questions: the questions routes (filled in by the questions work). */
#include "api/api.h"

void api_questions_register(void)
{
}
