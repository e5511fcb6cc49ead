/* api: registers every area's route table. */
#include "api/api.h"
#include "http/http.h"
#include "web/web.h"

int64_t api_path_id(struct http_request *req, const char *name)
{
	int64_t id = http_parse_id(http_path_param(req, name));
	if (!id)
		http_error(req, 404, NOT_FOUND);
	return id;
}

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
