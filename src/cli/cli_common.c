/* cli_common: options shared by every subcommand. */
#include "cli/cli.h"
#include "core/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cli_opt(int argc, char **argv, int *i, const char *name, int *err)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		fprintf(stderr, "moka: %s needs a value\n", name);
		*err = 1;
		return NULL;
	}
	return argv[++*i];
}

int cli_common(int argc, char **argv, struct config *cfg)
{
	const char *env = getenv("MOKA_DATA");
	if (env && *env)
		config_set(cfg, "data_dir", env);
	const char *config_file = NULL;
	int out = 0, err = 0;
	/* --data first (it locates the default config file) */
	for (int i = 0; i < argc; i++) {
		const char *v;
		if ((v = cli_opt(argc, argv, &i, "--data", &err))) {
			config_set(cfg, "data_dir", v);
		} else if ((v = cli_opt(argc, argv, &i, "--config", &err))) {
			config_file = v;
		} else if (err) {
			return -1;
		} else {
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	if (config_load(cfg, config_file) < 0)
		return -1;
	/* flags that override the file: --set key=value */
	int out2 = 0;
	for (int i = 0; i < out; i++) {
		const char *v;
		if ((v = cli_opt(out, argv, &i, "--set", &err))) {
			char key[64];
			const char *eq = strchr(v, '=');
			if (!eq || (size_t)(eq - v) >= sizeof(key)) {
				fprintf(stderr, "moka: --set expects key=value\n");
				return -1;
			}
			memcpy(key, v, (size_t)(eq - v));
			key[eq - v] = '\0';
			if (config_set(cfg, key, eq + 1) < 0) {
				fprintf(stderr, "moka: bad setting '%s'\n", v);
				return -1;
			}
		} else if (err) {
			return -1;
		} else {
			argv[out2++] = argv[i];
		}
	}
	argv[out2] = NULL;
	return out2 > 0 ? out2 : -1;
}
