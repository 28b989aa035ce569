/* boot_check: `simharness boot` — does a programmed image start and attach to USB on a fresh ATmega32U4? */
#ifndef BOOT_CHECK_H
#define BOOT_CHECK_H
#include <stdio.h>

#include "cli.h"

/* Prints one {"event":"boot",...} line on out. Returns the exit code (0 = report printed). */
int boot_check_run(const cli_config_t *cfg, FILE *out);

#endif
