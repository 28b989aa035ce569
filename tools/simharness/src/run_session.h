/* run_session: `simharness run` — programmer firmware + USB host + pty + target model, under the simulated-time rule. */
#ifndef RUN_SESSION_H
#define RUN_SESSION_H
#include <stdio.h>

#include "cli.h"

/* Runs until quit/EOF/signal/limit. `out` receives the JSON event lines. Returns the process exit code. */
int run_session(const cli_config_t *cfg, FILE *out);

#endif
