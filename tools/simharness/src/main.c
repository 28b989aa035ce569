/* simharness entry point: parses the command line and hands over to `run` or `boot`. */
#include <stdio.h>
#include <unistd.h>

#include "boot_check.h"
#include "cli.h"
#include "run_session.h"

int main(int argc, char **argv)
{
	cli_config_t cfg;
	char err[512];
	int rc = cli_parse(argc, argv, &cfg, err, sizeof err);
	if (rc > 0)
		return 0;
	if (rc < 0) {
		fprintf(stderr, "simharness: %s\n", err);
		return 2;
	}
	/* stdout carries our JSON lines only: anything libsimavr prints goes to stderr. */
	int json_fd = dup(1);
	FILE *out = json_fd >= 0 ? fdopen(json_fd, "w") : NULL;
	if (!out) {
		perror("simharness: stdout");
		return 2;
	}
	dup2(2, 1);
	return cfg.mode == CLI_MODE_BOOT ? boot_check_run(&cfg, out) : run_session(&cfg, out);
}
