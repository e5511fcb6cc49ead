/* cli_check: `moka check` — the database's integrity check. */
#include "cli/cli.h"
#include "core/config.h"
#include "store/store.h"

#include <stdio.h>

int cli_check(int argc, char **argv, struct config *cfg)
{
	(void)argc;
	(void)argv;
	struct store *s = store_open(cfg->data_dir);
	if (!s)
		return 1;
	char msg[256];
	int rc = store_integrity_check(s, msg, sizeof(msg));
	printf("integrity: %s\nschema: %d\nbytes: %lld\n", msg, store_schema_version(s),
	       (long long)store_disk_bytes(s));
	store_close(s);
	return rc == 0 ? 0 : 1;
}
