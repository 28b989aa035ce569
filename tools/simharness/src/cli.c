/* cli: option parsing. Every option takes its value as the next argument or after '='. */
#include "cli.h"
#include "usb_profile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char cli_usage[] =
	"usage:\n"
	"  simharness run --firmware <hex> --reset-pin B0|B6 [--f-cpu 16000000] [--target atmega32u4]\n"
	"      [--target-signature 1e9587] [--flash 32768:128] [--eeprom 1024:4] [--fuses 5E:99:F3] [--lock FF]\n"
	"      [--target-clock 16000000] [--calibration 80] [--flash-image <hex>] [--eeprom-image <hex>]\n"
	"      [--dtr on|off] [--rts on|off] [--baud 115200] [--link <path>] [--start-detached]\n"
	"      [--bootloader-address 0x7000]... [--fault <fault>]... [--seed N]\n"
	"      [--dump-flash <hex>] [--dump-eeprom <hex>] [--results <json>] [--max-sim-seconds N]\n"
	"      [--host-wait-ms 100] [--no-usb] [--verbose]\n"
	"      [--usb-profile linux|windows|macos] [--usb-event <event>[@out:<bytes>|@ms:<sim-ms>|@write:<n>|@spi:<n>]]...\n"
	"      [--usb-serial <20 hex digits>] [--usb-ping-ms N] [--led <role>:<pin>:high|low]...\n"
	"    usb events: reset, set-config, set-interface, clear-halt:in|out|notify, suspend:<ms>, unplug, probe, ping\n"
	"    faults: no-target-high, no-target-low, never-ready, flip:<probability>, disconnect:<sim-ms>, locked,\n"
	"            miso-open, reset-open, sck-mosi-swapped, unpowered, slow-clock:<hz>, supply:<volts>,\n"
	"            slow-master:<cycles> (the programmer's SPI is that much slower per byte)\n"
	"    stdin commands: stats | dump-flash <path> | dump-eeprom <path> | line <baud> <dtr 0|1> [rts 0|1] |\n"
	"      usb-event <event>[@out:+<bytes>|@ms:+<ms>|@write:+<n>|@spi:+<n>] | quit\n"
	"  simharness boot --image <hex> --fuses L:H:E [--timeout-ms 3000] [--f-cpu 16000000] [--target atmega32u4]\n";

const part_facts_t *cli_find_part(const char *id)
{
	for (unsigned i = 0; i < PART_FACTS_COUNT; i++) {
		const part_facts_t *p = &part_facts_table[i];
		if (!strcasecmp(p->id, id))
			return p;
		for (const char *const *a = p->aliases; *a; a++)
			if (!strcasecmp(*a, id))
				return p;
	}
	return NULL;
}

static int cli_u32(const char *opt, const char *s, uint32_t *out, char *err, size_t err_len)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (!*s || *end || errno || v > UINT32_MAX || s[0] == '-') {
		snprintf(err, err_len, "%s '%s': expected a whole number", opt, s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static int cli_hexbyte(const char *opt, const char *s, uint8_t *out, char *err, size_t err_len)
{
	char *end;
	unsigned long v = strtoul(s, &end, 16);
	if (!*s || *end || v > 0xFF || strlen(s) > 4) {
		snprintf(err, err_len, "%s '%s': expected a hex byte like 5E", opt, s);
		return -1;
	}
	*out = (uint8_t)v;
	return 0;
}

static int cli_pair(const char *opt, const char *s, uint32_t *a, uint32_t *b, char *err, size_t err_len)
{
	char buf[64];
	const char *colon = strchr(s, ':');
	if (!colon || strlen(s) >= sizeof buf) {
		snprintf(err, err_len, "%s '%s': expected <size>:<page size> in bytes, e.g. 32768:128", opt, s);
		return -1;
	}
	memcpy(buf, s, (size_t)(colon - s));
	buf[colon - s] = 0;
	if (cli_u32(opt, buf, a, err, err_len) || cli_u32(opt, colon + 1, b, err, err_len))
		return -1;
	if (!*a || !*b || *a % *b) {
		snprintf(err, err_len, "%s '%s': the size must be a non-zero multiple of the page size", opt, s);
		return -1;
	}
	return 0;
}

static int cli_fuses(const char *s, uint8_t f[3], char *err, size_t err_len)
{
	char buf[32];
	if (strlen(s) >= sizeof buf)
		goto bad;
	strcpy(buf, s);
	char *save = NULL, *tok = strtok_r(buf, ":", &save);
	for (int k = 0; k < 3; k++, tok = strtok_r(NULL, ":", &save))
		if (!tok || cli_hexbyte("--fuses", tok, &f[k], err, err_len))
			goto bad;
	if (tok)
		goto bad;
	return 0;
bad:
	snprintf(err, err_len, "--fuses '%s': expected low:high:extended hex bytes, e.g. 5E:99:F3", s);
	return -1;
}

static int cli_onoff(const char *opt, const char *s, int *out, char *err, size_t err_len)
{
	if (!strcmp(s, "on") || !strcmp(s, "1"))
		*out = 1;
	else if (!strcmp(s, "off") || !strcmp(s, "0"))
		*out = 0;
	else {
		snprintf(err, err_len, "%s '%s': expected on or off", opt, s);
		return -1;
	}
	return 0;
}

static int cli_double(const char *opt, const char *s, double *out, char *err, size_t err_len)
{
	char *end;
	double v = strtod(s, &end);
	if (!*s || *end || v < 0) {
		snprintf(err, err_len, "%s '%s': expected a non-negative number", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

int cli_parse(int argc, char **argv, cli_config_t *cfg, char *err, size_t err_len)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->f_cpu = 16000000;
	cfg->baud = 115200;
	cfg->dtr = 1;
	cfg->rts = 1;
	cfg->target_clock = 16000000;
	cfg->calibration = 0x80;
	cfg->lock = 0xFF;
	cfg->timeout_ms = 3000;
	cfg->host_wait_ms = 100;
	cfg->bootloaders[0] = 0x7000;
	cfg->bootloaders[1] = 0x7E00;
	cfg->bootloader_count = 2;
	{
		static const uint8_t default_serial[10] = { 0x5A, 0x31, 0x33, 0x34, 0x39, 0x35, 0x0E, 0x02, 0x12, 0x0A };
		memcpy(cfg->usb_serial, default_serial, sizeof default_serial);
	}
	uint64_t seed = 1;
	const char *target = "atmega32u4", *sig = NULL, *fault_specs[16];
	int nfaults = 0, have_fuses = 0, have_lock = 0;
	uint32_t flash[2] = { 0, 0 }, eeprom[2] = { 0, 0 };

	if (argc < 2) {
		snprintf(err, err_len, "missing command: run or boot (simharness --help shows the options)");
		return -1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(cli_usage, stdout);
		return 1;
	}
	if (!strcmp(argv[1], "run"))
		cfg->mode = CLI_MODE_RUN;
	else if (!strcmp(argv[1], "boot"))
		cfg->mode = CLI_MODE_BOOT;
	else {
		snprintf(err, err_len, "unknown command '%s': use run or boot (simharness --help shows the options)",
		         argv[1]);
		return -1;
	}

	for (int i = 2; i < argc; i++) {
		char name[64];
		const char *arg = argv[i], *val = NULL;
		if (strncmp(arg, "--", 2)) {
			snprintf(err, err_len, "unexpected argument '%s' (options start with --)", arg);
			return -1;
		}
		const char *eq = strchr(arg, '=');
		size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		if (nlen >= sizeof name) {
			snprintf(err, err_len, "unsupported option '%s'", arg);
			return -1;
		}
		memcpy(name, arg, nlen);
		name[nlen] = 0;
		if (!strcmp(name, "--help")) {
			fputs(cli_usage, stdout);
			return 1;
		}
		int flag = !strcmp(name, "--start-detached") || !strcmp(name, "--verbose") || !strcmp(name, "--no-usb");
		if (!flag) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				snprintf(err, err_len, "option %s needs a value", name);
				return -1;
			}
		}
#define CLI_IS(s) (!strcmp(name, s))
#define CLI_RUN_ONLY                                                                                                 \
	if (cfg->mode != CLI_MODE_RUN) {                                                                             \
		snprintf(err, err_len, "option %s is for 'simharness run', not '%s'", name, argv[1]);                  \
		return -1;                                                                                           \
	}
		int rc = 0;
		if (CLI_IS("--f-cpu"))
			rc = cli_u32(name, val, &cfg->f_cpu, err, err_len);
		else if (CLI_IS("--target"))
			target = val;
		else if (CLI_IS("--fuses")) {
			rc = cli_fuses(val, cfg->fuses, err, err_len);
			have_fuses = 1;
		} else if (CLI_IS("--verbose"))
			cfg->verbose = 1;
		else if (cfg->mode == CLI_MODE_BOOT && CLI_IS("--image"))
			cfg->image = val;
		else if (cfg->mode == CLI_MODE_BOOT && CLI_IS("--timeout-ms"))
			rc = cli_double(name, val, &cfg->timeout_ms, err, err_len);
		else if (CLI_IS("--firmware")) {
			CLI_RUN_ONLY cfg->firmware = val;
		} else if (CLI_IS("--reset-pin")) {
			CLI_RUN_ONLY
			if (strlen(val) != 2 || toupper((unsigned char)val[0]) < 'B' || toupper((unsigned char)val[0]) > 'F' ||
			    val[1] < '0' || val[1] > '7') {
				snprintf(err, err_len, "--reset-pin '%s': expected a port pin like B0 (Teensy 2.0) or B6 (Pro Micro)",
				         val);
				return -1;
			}
			cfg->reset_port = (char)toupper((unsigned char)val[0]);
			cfg->reset_bit = (uint8_t)(val[1] - '0');
		} else if (CLI_IS("--target-signature")) {
			CLI_RUN_ONLY sig = val;
		} else if (CLI_IS("--flash")) {
			CLI_RUN_ONLY rc = cli_pair(name, val, &flash[0], &flash[1], err, err_len);
		} else if (CLI_IS("--eeprom")) {
			CLI_RUN_ONLY rc = cli_pair(name, val, &eeprom[0], &eeprom[1], err, err_len);
		} else if (CLI_IS("--lock")) {
			CLI_RUN_ONLY rc = cli_hexbyte(name, val, &cfg->lock, err, err_len);
			have_lock = 1;
		} else if (CLI_IS("--calibration")) {
			CLI_RUN_ONLY rc = cli_hexbyte(name, val, &cfg->calibration, err, err_len);
		} else if (CLI_IS("--target-clock")) {
			CLI_RUN_ONLY rc = cli_u32(name, val, &cfg->target_clock, err, err_len);
		} else if (CLI_IS("--flash-image")) {
			CLI_RUN_ONLY cfg->flash_image = val;
		} else if (CLI_IS("--eeprom-image")) {
			CLI_RUN_ONLY cfg->eeprom_image = val;
		} else if (CLI_IS("--dtr")) {
			CLI_RUN_ONLY rc = cli_onoff(name, val, &cfg->dtr, err, err_len);
		} else if (CLI_IS("--rts")) {
			CLI_RUN_ONLY rc = cli_onoff(name, val, &cfg->rts, err, err_len);
		} else if (CLI_IS("--baud")) {
			CLI_RUN_ONLY rc = cli_u32(name, val, &cfg->baud, err, err_len);
		} else if (CLI_IS("--link")) {
			CLI_RUN_ONLY cfg->link = val;
		} else if (CLI_IS("--start-detached")) {
			CLI_RUN_ONLY cfg->start_detached = 1;
		} else if (CLI_IS("--no-usb")) {
			CLI_RUN_ONLY cfg->no_usb = 1;
		} else if (CLI_IS("--bootloader-address")) {
			CLI_RUN_ONLY uint32_t a;
			rc = cli_u32(name, val, &a, err, err_len);
			if (!rc) {
				if (!cfg->bootloader_given)
					cfg->bootloader_count = 0;
				if (cfg->bootloader_count == CLI_MAX_BOOTLOADERS) {
					snprintf(err, err_len, "at most %d --bootloader-address options", CLI_MAX_BOOTLOADERS);
					return -1;
				}
				cfg->bootloaders[cfg->bootloader_count++] = a;
				cfg->bootloader_given = 1;
			}
		} else if (CLI_IS("--fault")) {
			CLI_RUN_ONLY
			if (nfaults == 16) {
				snprintf(err, err_len, "too many --fault options");
				return -1;
			}
			fault_specs[nfaults++] = val;
		} else if (CLI_IS("--seed")) {
			CLI_RUN_ONLY uint32_t s;
			rc = cli_u32(name, val, &s, err, err_len);
			seed = s;
		} else if (CLI_IS("--dump-flash")) {
			CLI_RUN_ONLY cfg->dump_flash = val;
		} else if (CLI_IS("--dump-eeprom")) {
			CLI_RUN_ONLY cfg->dump_eeprom = val;
		} else if (CLI_IS("--results")) {
			CLI_RUN_ONLY cfg->results = val;
		} else if (CLI_IS("--max-sim-seconds")) {
			CLI_RUN_ONLY rc = cli_double(name, val, &cfg->max_sim_seconds, err, err_len);
		} else if (CLI_IS("--usb-profile")) {
			CLI_RUN_ONLY int id = usb_profile_parse(val);
			if (id < 0) {
				snprintf(err, err_len, "--usb-profile '%s': expected linux, windows or macos", val);
				return -1;
			}
			cfg->usb_profile = id;
		} else if (CLI_IS("--usb-event")) {
			CLI_RUN_ONLY
			if (cfg->usb_event_count == CLI_MAX_USB_EVENTS) {
				snprintf(err, err_len, "at most %d --usb-event options", CLI_MAX_USB_EVENTS);
				return -1;
			}
			rc = usb_event_parse(val, &cfg->usb_events[cfg->usb_event_count++], err, err_len);
		} else if (CLI_IS("--led")) {
			CLI_RUN_ONLY
			if (cfg->led_count == LED_WATCH_MAX) {
				snprintf(err, err_len, "at most %d --led options", LED_WATCH_MAX);
				return -1;
			}
			rc = led_watch_parse(val, &cfg->leds[cfg->led_count++], err, err_len);
		} else if (CLI_IS("--usb-ping-ms")) {
			CLI_RUN_ONLY rc = cli_u32(name, val, &cfg->usb_ping_ms, err, err_len);
		} else if (CLI_IS("--usb-serial")) {
			CLI_RUN_ONLY
			unsigned b[10];
			char tail;
			if (strlen(val) != 20 ||
			    sscanf(val, "%2x%2x%2x%2x%2x%2x%2x%2x%2x%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6], &b[7],
			           &b[8], &b[9], &tail) != 10) {
				snprintf(err, err_len, "--usb-serial '%s': expected the 10 signature-row serial bytes as 20 hex digits", val);
				return -1;
			}
			for (int k = 0; k < 10; k++)
				cfg->usb_serial[k] = (uint8_t)b[k];
		} else if (CLI_IS("--host-wait-ms")) {
			CLI_RUN_ONLY uint32_t w;
			rc = cli_u32(name, val, &w, err, err_len);
			cfg->host_wait_ms = w;
		} else {
			snprintf(err, err_len, "unsupported option %s for 'simharness %s' (simharness --help lists them)", name,
			         argv[1]);
			return -1;
		}
		if (rc)
			return -1;
#undef CLI_IS
#undef CLI_RUN_ONLY
	}

	if (cfg->f_cpu < 1000000 || cfg->f_cpu > 20000000) {
		snprintf(err, err_len, "--f-cpu %u: expected the board's clock in Hz, e.g. 16000000", cfg->f_cpu);
		return -1;
	}
	cfg->part = cli_find_part(target);
	if (!cfg->part) {
		int n = snprintf(err, err_len, "unknown --target '%s' (known:", target);
		for (unsigned i = 0; i < PART_FACTS_COUNT && n > 0 && (size_t)n < err_len; i++)
			n += snprintf(err + n, err_len - (size_t)n, " %s", part_facts_table[i].id);
		if (n > 0 && (size_t)n < err_len)
			snprintf(err + n, err_len - (size_t)n, ")");
		return -1;
	}
	const part_facts_t *p = cfg->part;
	memcpy(cfg->signature, p->signature, 3);
	cfg->flash_size = flash[0] ? flash[0] : p->flash_size;
	cfg->flash_page = flash[0] ? flash[1] : p->flash_page;
	cfg->eeprom_size = eeprom[0] ? eeprom[0] : p->eeprom_size;
	cfg->eeprom_page = eeprom[0] ? eeprom[1] : p->eeprom_page;
	if (!have_fuses)
		memcpy(cfg->fuses, p->fuse_factory, 3);
	if (!have_lock)
		cfg->lock = p->lock_factory;
	if (sig) {
		unsigned b[3];
		char tail;
		if (strlen(sig) != 6 || sscanf(sig, "%2x%2x%2x%c", &b[0], &b[1], &b[2], &tail) != 3) {
			snprintf(err, err_len, "--target-signature '%s': expected 3 hex bytes like 1e9587", sig);
			return -1;
		}
		for (int k = 0; k < 3; k++)
			cfg->signature[k] = (uint8_t)b[k];
	}
	faults_init(&cfg->faults, seed);
	for (int k = 0; k < nfaults; k++)
		if (faults_parse(&cfg->faults, fault_specs[k], err, err_len))
			return -1;

	if (cfg->mode == CLI_MODE_RUN) {
		if (!cfg->firmware) {
			snprintf(err, err_len, "simharness run needs --firmware <programmer hex>");
			return -1;
		}
		if (!cfg->reset_port) {
			snprintf(err, err_len,
			         "simharness run needs --reset-pin: B0 for Teensy 2.0 firmware, B6 for Pro Micro / Leonardo");
			return -1;
		}
	} else {
		if (!cfg->image) {
			snprintf(err, err_len, "simharness boot needs --image <hex of the programmed chip>");
			return -1;
		}
		if (!have_fuses) {
			snprintf(err, err_len, "simharness boot needs --fuses L:H:E (BOOTRST/BOOTSZ decide where it starts)");
			return -1;
		}
	}
	return 0;
}
