/* api: registers every area's route table. */
#include "api/api.h"
#include "web/web.h"

void api_register_all(void)
{
	api_health_register();
	api_auth_register();
	api_accounts_register();
	api_statuses_register();
	api_timelines_register();
	api_notifications_register();
	api_streaming_register();
	api_communities_register();
	api_files_register();
	api_questions_register();
	api_conversations_register();
	api_search_register();
	web_register(); /* the web app answers GET paths no route knows */
}
