/*
 * cli: the `moka` command's subcommands. Each takes its arguments after
 * the subcommand name and a config already holding defaults; it returns
 * the process exit code.
 */
#ifndef MOKA_CLI_H
#define MOKA_CLI_H

struct config;

int cli_serve(int argc, char **argv, struct config *cfg);
int cli_user(int argc, char **argv, struct config *cfg);
int cli_token(int argc, char **argv, struct config *cfg);
int cli_demo(int argc, char **argv, struct config *cfg);
int cli_check(int argc, char **argv, struct config *cfg);

/* Applies --data/--config/--set options common to every subcommand, then
 * the config file and environment. Removes them from argv; returns the
 * new argc, or -1 on error. */
int cli_common(int argc, char **argv, struct config *cfg);
/* The value of "--name VALUE" or "--name=VALUE" at argv[*i], advancing *i;
 * NULL if argv[*i] is not that option. Prints an error if VALUE is missing. */
const char *cli_opt(int argc, char **argv, int *i, const char *name, int *err);

#endif
