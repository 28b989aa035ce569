/*
 * run_session: wires the models and runs the loop.
 *
 * Simulated-time rule: while it is the host's turn — the firmware sent data since the host last wrote, then polled
 * its empty OUT endpoint with nothing left on IN (usb_host_device_waiting), everything sent was read from the pty,
 * nothing from the host is queued, and the target is not busy — simulated time stands still and the loop waits on
 * the pty. Host bytes are delivered from the next 1 ms frame on (usb_host). Otherwise the AVR runs in 100 µs slices
 * with a non-blocking poll of the pty and stdin between slices. If the host says nothing for --host-wait-ms of wall
 * time during its turn, 20 ms of simulated time run anyway (covers firmwares that keep working while looking idle);
 * the wait doubles (up to 10 s) while the host stays quiet, and those ms are reported as hostQuietGraceMs. After the
 * host changes its line settings, and while a USB event waits for a simulated time, time runs anyway. While the
 * device is idle but the host process has not read all of its reply yet, time runs too (a host may be timing the
 * reply) and is reported as hostReadMs: how much depends on how fast the host process is, not on the target.
 * Leaves out: pacing free-running simulation to wall-clock time (simavr runs about as fast as real time here).
 */
#include "run_session.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "avr_board.h"
#include "bootloader_watch.h"
#include "control.h"
#include "hex_file.h"
#include "isp_lines.h"
#include "isp_target.h"
#include "json_out.h"
#include "led_watch.h"
#include "pty_bridge.h"
#include "results.h"
#include "signature_row.h"
#include "spi_timing.h"
#include "usb_host.h"

#define RUN_SESSION_SLICE_US 100u
#define RUN_SESSION_GRACE_MS 20u
#define RUN_SESSION_GRACE_MAX_MS 10000.0
#define RUN_SESSION_ENUM_TIMEOUT_S 5.0
/* After the host changes its line settings (opening/closing the port, a 1200/134-baud reboot request), time runs
 * on this long even if nobody talks: devices act on such changes after a delay (Arduino's core: 250 ms). */
#define RUN_SESSION_LINE_SETTLE_MS 400u

typedef struct run_session {
	const cli_config_t *cfg;
	FILE *out;
	avr_t *avr;
	spi_timing_t *spi;
	isp_target_t *target;
	isp_lines_t *lines;
	usb_host_t *usb;
	led_watch_t *leds;
	pty_bridge_t *pty;
	bootloader_watch_t *watch;
	control_t control;
	int sigfd;
	results_source_t results;
	int ready;
	const char *stop;  /* reason, once stopping */
	int exit_code;
	usb_host_line_t line;  /* what the host side last asked for */
	uint32_t pty_baud;     /* the host's port speed last seen */
	double grace_ms;       /* simulated ms run during the host's turn because it stayed quiet (or settled its line) */
	double host_read_ms;   /* simulated ms run while the device was idle and the host had not read its reply yet */
	uint64_t writes_seen;  /* target writes of any kind, at the last check */
	uint64_t stale_writes; /* target writes after an event before any new host byte */
	int turn_broken;
	avr_cycle_count_t run_until; /* simulated time keeps running until then (the host changed its line settings) */
	usb_event_t counted_events[CLI_MAX_USB_EVENTS]; /* @write: and @spi: triggers, handed to usb_host when due */
	int counted_event_count;
} run_session_t;

static int run_session_schedule(run_session_t *s, usb_event_t ev);

static double run_session_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double run_session_sim_ms(const run_session_t *s) { return (double)s->avr->cycle * 1e3 / s->avr->frequency; }

static void run_session_error(run_session_t *s, int code, const char *msg)
{
	fprintf(stderr, "simharness: %s\n", msg);
	json_out_t j;
	json_out_begin(&j);
	json_out_str(&j, "event", "error");
	json_out_str(&j, "message", msg);
	json_out_emit(&j, s->out);
	s->stop = "error";
	s->exit_code = code;
}

static void run_session_writes_json(json_out_t *j, const isp_target_stats_t *ts)
{
	json_out_object(j, "targetWrites");
	json_out_u64(j, "page", ts->page_writes);
	json_out_u64(j, "eeprom", ts->eeprom_writes);
	json_out_u64(j, "erase", ts->erases);
	json_out_u64(j, "fuseLock", ts->fuse_writes);
	json_out_close(j);
}

/* The strict host's findings: conformance errors, toggle drops, service latency, events, stale target writes. */
static void run_session_usb_stats(const run_session_t *s, json_out_t *j)
{
	usb_host_stats_t us;
	isp_target_stats_t ts;
	const char *const *lines;
	unsigned n = usb_host_conformance_log(s->usb, &lines);
	usb_host_stats(s->usb, &us);
	isp_target_stats(s->target, &ts);
	json_out_object(j, "usb");
	json_out_str(j, "profile", usb_host_profile_name(s->usb));
	json_out_u64(j, "conformanceErrors", us.conformance_errors);
	json_out_str_array(j, "conformance", lines, n);
	json_out_u64(j, "toggleDrops", us.toggle_drops);
	json_out_num(j, "controlMaxMs", (double)us.control_max_cycles * 1e3 / s->avr->frequency);
	json_out_num(j, "resetServiceMaxMs", (double)us.reset_max_cycles * 1e3 / s->avr->frequency);
	json_out_u64(j, "events", us.events);
	json_out_u64(j, "suspends", us.suspends);
	avr_cycle_count_t since;
	json_out_bool(j, "suspended", usb_host_suspend_active(s->usb, &since));
	json_out_u64(j, "staleTargetWrites", s->stale_writes);
	json_out_close(j);
	run_session_writes_json(j, &ts);
}

static void run_session_reply_dump(run_session_t *s, const char *what, const char *path)
{
	char err[512];
	json_out_t j;
	int rc = !strcmp(what, "dump-flash") ? results_dump_flash(&s->results, path, err, sizeof err)
	                                      : results_dump_eeprom(&s->results, path, err, sizeof err);
	json_out_begin(&j);
	json_out_str(&j, "event", what);
	json_out_str(&j, "path", path);
	json_out_bool(&j, "ok", rc == 0);
	if (rc)
		json_out_str(&j, "error", err);
	json_out_emit(&j, s->out);
}

static void run_session_command(run_session_t *s, char *line)
{
	char *save = NULL, *cmd = strtok_r(line, " \t", &save), *arg = strtok_r(NULL, " \t", &save);
	json_out_t j;
	if (!cmd)
		return;
	if (!strcmp(cmd, "stats")) {
		json_out_begin(&j);
		json_out_str(&j, "event", "stats");
		results_stats(&j, &s->results);
		json_out_num(&j, "hostQuietGraceMs", s->grace_ms);
		json_out_num(&j, "hostReadMs", s->host_read_ms);
		run_session_usb_stats(s, &j);
		json_out_emit(&j, s->out);
	} else if ((!strcmp(cmd, "dump-flash") || !strcmp(cmd, "dump-eeprom")) && arg) {
		run_session_reply_dump(s, cmd, arg);
	} else if (!strcmp(cmd, "line") && arg) {
		char *dtr = strtok_r(NULL, " \t", &save), *rts = strtok_r(NULL, " \t", &save);
		usb_host_line_t l = { (uint32_t)strtoul(arg, NULL, 10), dtr ? atoi(dtr) != 0 : s->line.dtr,
			              rts ? atoi(rts) != 0 : s->line.rts };
		usb_host_set_line(s->usb, &l);
		s->line = l;
		s->run_until = s->avr->cycle + (avr_cycle_count_t)s->avr->frequency / 1000u * RUN_SESSION_LINE_SETTLE_MS;
		json_out_begin(&j);
		json_out_str(&j, "event", "line");
		json_out_num(&j, "simMs", run_session_sim_ms(s));
		json_out_u64(&j, "baud", l.baud);
		json_out_bool(&j, "dtr", l.dtr);
		json_out_bool(&j, "rts", l.rts);
		json_out_emit(&j, s->out);
	} else if (!strcmp(cmd, "usb-event") && arg) {
		usb_event_t ev;
		char err[300] = "too many usb events queued";
		if (usb_event_parse(arg, &ev, err, sizeof err) || run_session_schedule(s, ev)) {
			json_out_begin(&j);
			json_out_str(&j, "event", "error");
			json_out_str(&j, "message", err);
			json_out_emit(&j, s->out);
		} else {
			if (ev.trigger == USB_EVENT_NOW || ev.trigger == USB_EVENT_AT_MS)
				s->turn_broken = 1;
			json_out_begin(&j);
			json_out_str(&j, "event", "usb-event-scheduled");
			json_out_str(&j, "spec", ev.spec);
			json_out_emit(&j, s->out);
		}
	} else if (!strcmp(cmd, "quit")) {
		s->stop = "quit";
	} else {
		json_out_begin(&j);
		json_out_str(&j, "event", "error");
		json_out_str(&j, "message", "unknown command (stats, dump-flash <path>, dump-eeprom <path>, line <baud> <dtr> [rts], usb-event <event>, quit)");
		json_out_emit(&j, s->out);
	}
}

/* Wall-clock I/O: signals, stdin commands, host bytes, device bytes. */
static void run_session_io(run_session_t *s, int timeout_ms)
{
	struct pollfd fds[3] = { { s->sigfd, POLLIN, 0 }, { s->control.fd, POLLIN, 0 }, { pty_bridge_fd(s->pty), POLLIN, 0 } };
	int nfds = s->control.eof ? 1 : 2;
	if (pty_bridge_fd(s->pty) >= 0) {
		if (nfds == 1)
			fds[1] = fds[2];
		nfds++;
	}
	if (poll(fds, (nfds_t)nfds, timeout_ms) < 0 && errno != EINTR)
		return;
	struct signalfd_siginfo si;
	if (read(s->sigfd, &si, sizeof si) == (ssize_t)sizeof si)
		s->stop = si.ssi_signo == SIGINT ? "sigint" : "sigterm";
	char line[1024];
	while (!s->stop && control_next(&s->control, line, sizeof line))
		run_session_command(s, line);
	if (s->control.eof && !s->control.len && !s->stop)
		s->stop = "stdin-eof";
	uint8_t buf[4096];
	size_t room = usb_host_out_free(s->usb);
	size_t n = pty_bridge_read(s->pty, buf, room < sizeof buf ? room : sizeof buf);
	if (n)
		usb_host_out_push(s->usb, buf, n);
	while ((n = usb_host_in_take(s->usb, buf, sizeof buf)))
		pty_bridge_write(s->pty, buf, n);
	pty_bridge_flush(s->pty);
}

static void run_session_print_ready(run_session_t *s)
{
	const usb_host_device_t *d = usb_host_device(s->usb);
	json_out_t j;
	json_out_begin(&j);
	json_out_str(&j, "event", "ready");
	json_out_str(&j, "port", pty_bridge_path(s->pty));
	json_out_str(&j, "link", pty_bridge_link(s->pty));
	if (s->cfg->no_usb) {
		json_out_null(&j, "usb");
		json_out_emit(&j, s->out);
		s->ready = 1;
		return;
	}
	json_out_object(&j, "usb");
	json_out_u64(&j, "vid", d->vid);
	json_out_u64(&j, "pid", d->pid);
	json_out_str(&j, "product", d->product);
	json_out_str(&j, "serial", d->serial);
	json_out_str(&j, "profile", usb_host_profile_name(s->usb));
	json_out_u64(&j, "commProtocol", d->comm_protocol);
	json_out_u64(&j, "ep0Size", d->ep0_size);
	json_out_u64(&j, "bulkIn", d->in_ep);
	json_out_u64(&j, "bulkOut", d->out_ep);
	json_out_u64(&j, "bulkInSize", d->in_size);
	json_out_u64(&j, "bulkOutSize", d->out_size);
	json_out_close(&j);
	json_out_num(&j, "simMs", run_session_sim_ms(s));
	json_out_emit(&j, s->out);
	s->ready = 1;
}

static uint64_t run_session_writes(const run_session_t *s, isp_target_stats_t *ts)
{
	isp_target_stats(s->target, ts);
	return ts->page_writes + ts->eeprom_writes + ts->erases + ts->fuse_writes;
}

/* Events that ran: reported with the target's writes so far; and writes that followed one with no new host byte. */
static void run_session_watch_events(run_session_t *s)
{
	isp_target_stats_t ts;
	usb_event_t ev;
	uint64_t writes = run_session_writes(s, &ts);
	avr_cycle_count_t event_cycle, first_out;
	uint64_t outs = usb_host_out_since_event(s->usb, &event_cycle, &first_out);
	/* A write instruction that began after an event, before any host byte that came after the event. */
	if (writes != s->writes_seen) {
		if (event_cycle && ts.last_write_cycle > event_cycle && (!outs || first_out > ts.last_write_cycle))
			s->stale_writes += writes - s->writes_seen;
		s->writes_seen = writes;
	}
	while (usb_host_take_fired(s->usb, &ev)) {
		json_out_t j;
		json_out_begin(&j);
		json_out_str(&j, "event", "usb-event");
		json_out_str(&j, "kind", usb_event_kind_name(ev.kind));
		json_out_str(&j, "spec", ev.spec);
		json_out_num(&j, "simMs", ev.fired_ms);
		json_out_u64(&j, "usbBytesOut", ev.fired_bytes_out);
		run_session_writes_json(&j, &ts);
		json_out_emit(&j, s->out);
	}
}

/* The count a write-count or SPI-byte trigger is compared with. */
static double run_session_trigger_count(const run_session_t *s, usb_event_trigger_t trigger)
{
	isp_target_stats_t ts;
	if (trigger == USB_EVENT_AT_SPI_BYTES)
		return (double)spi_timing_bytes(s->spi);
	return (double)run_session_writes(s, &ts);
}

/* Queues an event: write-count and SPI-byte triggers wait here (the harness counts those), the rest go to
 * usb_host. */
static int run_session_schedule(run_session_t *s, usb_event_t ev)
{
	if (ev.trigger != USB_EVENT_AT_WRITES && ev.trigger != USB_EVENT_AT_SPI_BYTES)
		return usb_host_schedule(s->usb, &ev);
	if (s->counted_event_count == CLI_MAX_USB_EVENTS)
		return -1;
	if (ev.relative)
		ev.at += run_session_trigger_count(s, ev.trigger);
	ev.relative = 0;
	s->counted_events[s->counted_event_count++] = ev;
	return 0;
}

static void run_session_counted_triggers(run_session_t *s)
{
	for (int k = 0; k < s->counted_event_count; k++) {
		if (run_session_trigger_count(s, s->counted_events[k].trigger) < s->counted_events[k].at)
			continue;
		usb_event_t ev = s->counted_events[k];
		ev.trigger = USB_EVENT_NOW;
		usb_host_schedule(s->usb, &ev);
		memmove(&s->counted_events[k], &s->counted_events[k + 1], (size_t)(s->counted_event_count - k - 1) * sizeof ev);
		s->counted_event_count--;
		k--;
	}
}

/* The firmware has answered and waits for the host, nothing from the host is queued, the target is idle. */
static int run_session_device_idle(run_session_t *s)
{
	return s->ready && usb_host_device_waiting(s->usb) && !usb_host_out_pending(s->usb) && !isp_target_busy(s->target);
}

static int run_session_host_turn(run_session_t *s)
{
	return run_session_device_idle(s) && !pty_bridge_unread(s->pty);
}

/* Runs the AVR for `cycles`, stopping early on a crash or a bootloader entry. */
static void run_session_advance(run_session_t *s, avr_cycle_count_t cycles)
{
	avr_t *avr = s->avr;
	avr_cycle_count_t end = avr->cycle + cycles;
	while (avr->cycle < end) {
		int state = avr_run(avr);
		if (bootloader_watch_check(s->watch)) {
			json_out_t j;
			int wd = bootloader_watch_check(s->watch) == BOOTLOADER_WATCH_WATCHDOG;
			json_out_begin(&j);
			json_out_str(&j, "event", "bootloader-entry");
			if (wd && !s->cfg->bootloader_given)
				json_out_null(&j, "address");
			else
				json_out_u64(&j, "address", bootloader_watch_address(s->watch));
			json_out_str(&j, "via", wd ? "watchdog-reset" : "jump");
			json_out_bool(&j, "usbDetached", usb_host_device_detached(s->usb));
			json_out_num(&j, "simMs", run_session_sim_ms(s));
			json_out_emit(&j, s->out);
			pty_bridge_close(s->pty); /* the CDC device is gone */
			s->stop = "bootloader-entry";
			return;
		}
		if (state == cpu_Done) {
			s->stop = "firmware-halted"; /* sleep with interrupts off: nothing can ever happen again */
			return;
		}
		if (state == cpu_Crashed) {
			char msg[160];
			snprintf(msg, sizeof msg, "the programmer firmware crashed at pc 0x%04X after %.3f simulated ms",
			         avr->pc, run_session_sim_ms(s));
			run_session_error(s, 4, msg);
			return;
		}
	}
}

static int run_session_load_target(run_session_t *s)
{
	const cli_config_t *cfg = s->cfg;
	char err[512];
	uint32_t lo, hi;
	if (cfg->flash_image &&
	    hex_file_load(cfg->flash_image, isp_target_flash(s->target), cfg->flash_size, &lo, &hi, err, sizeof err)) {
		fprintf(stderr, "simharness: --flash-image: %s\n", err);
		return -1;
	}
	if (cfg->eeprom_image &&
	    hex_file_load(cfg->eeprom_image, isp_target_eeprom(s->target), cfg->eeprom_size, &lo, &hi, err, sizeof err)) {
		fprintf(stderr, "simharness: --eeprom-image: %s\n", err);
		return -1;
	}
	return 0;
}

static void run_session_finish(run_session_t *s)
{
	char err[512];
	const cli_config_t *cfg = s->cfg;
	if (s->target) {
		if (cfg->dump_flash && results_dump_flash(&s->results, cfg->dump_flash, err, sizeof err))
			fprintf(stderr, "simharness: --dump-flash: %s\n", err);
		if (cfg->dump_eeprom && results_dump_eeprom(&s->results, cfg->dump_eeprom, err, sizeof err))
			fprintf(stderr, "simharness: --dump-eeprom: %s\n", err);
		if (cfg->results && results_write(&s->results, cfg->results, err, sizeof err))
			fprintf(stderr, "simharness: --results: %s\n", err);
		json_out_t j;
		json_out_begin(&j);
		json_out_str(&j, "event", "exit");
		json_out_str(&j, "reason", s->stop ? s->stop : "error");
		results_stats(&j, &s->results);
		json_out_num(&j, "hostQuietGraceMs", s->grace_ms);
		json_out_num(&j, "hostReadMs", s->host_read_ms);
		run_session_usb_stats(s, &j);
		json_out_emit(&j, s->out);
	}
	if (s->pty)
		pty_bridge_free(s->pty);
}

/* The host changed its port's speed: a CDC driver sends SET_LINE_CODING. */
static void run_session_watch_baud(run_session_t *s)
{
	uint32_t baud = pty_bridge_baud(s->pty);
	if (baud && baud != s->pty_baud) {
		s->pty_baud = baud;
		s->line.baud = baud;
		usb_host_set_line(s->usb, &s->line);
		s->run_until = s->avr->cycle + (avr_cycle_count_t)s->avr->frequency / 1000u * RUN_SESSION_LINE_SETTLE_MS;
	}
}


int run_session(const cli_config_t *cfg, FILE *out)
{
	run_session_t s = { .cfg = cfg, .out = out, .sigfd = -1 };
	char err[512];
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	signal(SIGPIPE, SIG_IGN);

	s.avr = avr_board_create(cfg->firmware, cfg->f_cpu, cfg->verbose, err, sizeof err);
	if (!s.avr) {
		fprintf(stderr, "simharness: --firmware: %s\n", err);
		return 2;
	}
	isp_target_config_t tc = {
		.part = cfg->part,
		.flash_size = cfg->flash_size,
		.flash_page = cfg->flash_page,
		.eeprom_size = cfg->eeprom_size,
		.eeprom_page = cfg->eeprom_page,
		.lock = cfg->lock,
		.calibration = cfg->calibration,
		.crystal_hz = cfg->target_clock,
		.reset_port = cfg->reset_port,
		.reset_bit = cfg->reset_bit,
	};
	memcpy(tc.signature, cfg->signature, 3);
	memcpy(tc.fuses, cfg->fuses, 3);
	usb_host_line_t line = { cfg->baud, cfg->dtr, cfg->rts };
	faults_t faults = cfg->faults;
	if (!(s.spi = spi_timing_attach(s.avr, err, sizeof err)) ||
	    !(s.target = isp_target_attach(s.avr, s.spi, &tc, &faults, err, sizeof err)) ||
	    !(s.lines = isp_lines_attach(s.avr, cfg->reset_port, cfg->reset_bit, &faults, err, sizeof err)) ||
	    !(s.usb = usb_host_attach(s.avr, &line, err, sizeof err))) {
		fprintf(stderr, "simharness: %s\n", err);
		return 2;
	}
	spi_timing_set_extra_cycles(s.spi, faults.spi_extra_cycles);
	usb_host_set_verbose(s.usb, cfg->verbose);
	usb_host_set_profile(s.usb, cfg->usb_profile);
	usb_host_set_ping(s.usb, cfg->usb_ping_ms);
	for (int k = 0; k < cfg->usb_event_count; k++)
		run_session_schedule(&s, cfg->usb_events[k]);
	signature_row_attach(s.avr, cfg->usb_serial);
	s.watch = bootloader_watch_attach(s.avr, cfg->bootloaders, cfg->bootloader_count);
	s.leds = led_watch_attach(s.avr, s.usb, cfg->leds, cfg->led_count);
	s.results = (results_source_t){ s.avr, s.spi, s.target, s.usb, cfg->flash_size, cfg->eeprom_size, s.leds, s.lines };
	if (run_session_load_target(&s))
		return 2;
	if (!(s.pty = pty_bridge_open(cfg->link, err, sizeof err))) {
		fprintf(stderr, "simharness: %s\n", err);
		return 2;
	}
	control_init(&s.control, 0);
	s.line = line;
	s.pty_baud = pty_bridge_baud(s.pty);
	if (cfg->start_detached) {
		/* As Caterina leaves the chip when it starts the application: USB macro on with VBUS transition
		 * interrupts (USBCON 0x91), pads on, detached, and LUFA's general interrupt enables (suspend, end of
		 * reset, SOF) left on with their flags pending, VBUSTI too. Level-triggered (usb_host), they fire the
		 * moment the application enables interrupts unless it has switched them off first. */
		s.avr->data[0xD8] = 0x91;
		s.avr->data[0xE0] |= 0x01;
		s.avr->data[0xE2] = 0x0D; /* UDIEN: SUSPE | SOFE | EORSTE */
		s.avr->data[0xE1] = 0x0D; /* UDINT: SUSPI | SOFI | EORSTI */
		s.avr->data[0xDA] = 0x01; /* USBINT: VBUSTI */
	}

	avr_cycle_count_t slice = (avr_cycle_count_t)cfg->f_cpu / (1000000u / RUN_SESSION_SLICE_US);
	double turn_since = -1;
	unsigned slices = 0;
	double grace_wait = cfg->host_wait_ms; /* doubles while the host stays quiet, back to the start when it talks */
	uint64_t bytes_out_seen = 0;
	avr_cycle_count_t configured_cycle = 0;
	while (!s.stop) {
		int host_turn = run_session_host_turn(&s);
		int turn = host_turn && !s.turn_broken && s.avr->cycle >= s.run_until;
		if (host_turn && !turn && s.avr->cycle < s.run_until)
			s.grace_ms += RUN_SESSION_SLICE_US / 1000.0; /* the line settles while the host is quiet: not target time */
		s.turn_broken = 0;
		if (turn) {
			double now = run_session_now_ms();
			if (turn_since < 0)
				turn_since = now;
			if (cfg->host_wait_ms == 0 || now - turn_since < grace_wait) {
				run_session_io(&s, 50);
				/* A host that only changes the port's speed (the 134/1200-baud reboot request: open, set the
				 * speed, close) sends no bytes: real cdc_acm sends SET_LINE_CODING at once, so look while
				 * quiet too, not only between slices. */
				if (s.ready)
					run_session_watch_baud(&s);
				continue;
			}
			/* The host has been quiet for a while: let simulated time pass anyway, in case the firmware
			 * only looked idle. Quiet hosts get ever rarer grace periods. */
			turn_since = -1;
			if (grace_wait < RUN_SESSION_GRACE_MAX_MS)
				grace_wait *= 2;
			/* Slice by slice: only the slices in which the device still waits are the host's (a firmware that
			 * answers or starts work within the grace period is on target time from then on). */
			for (unsigned k = 0; k < RUN_SESSION_GRACE_MS * 1000u / RUN_SESSION_SLICE_US && !s.stop; k++) {
				if (run_session_device_idle(&s))
					s.grace_ms += RUN_SESSION_SLICE_US / 1000.0;
				run_session_advance(&s, slice);
			}
		} else {
			turn_since = -1;
			/* The device is idle but the host process has not yet read its reply: the clock runs (the host may
			 * be about to time out), and the time is the host's, not the target's. */
			if (!host_turn && run_session_device_idle(&s) && pty_bridge_unread(s.pty))
				s.host_read_ms += RUN_SESSION_SLICE_US / 1000.0;
			run_session_advance(&s, slice);
		}
		run_session_io(&s, 0);
		run_session_counted_triggers(&s);
		run_session_watch_events(&s);
		if (s.stop)
			break;
		usb_host_stats_t us;
		usb_host_stats(s.usb, &us);
		if (us.bytes_out != bytes_out_seen) {
			bytes_out_seen = us.bytes_out;
			grace_wait = cfg->host_wait_ms;
		}

		usb_host_state_t st = usb_host_state(s.usb);
		/* Ready once the firmware waits for the host (or 1 s after enumeration, for firmwares that never poll):
		 * a sketch like ArduinoISP spends its first 360 ms blinking LEDs before it reads the port. */
		if (!s.ready && st == USB_HOST_CONFIGURED && !configured_cycle)
			configured_cycle = s.avr->cycle;
		if (!s.ready && (cfg->no_usb || (configured_cycle && (usb_host_device_waiting(s.usb) ||
		                                                       s.avr->cycle - configured_cycle >= cfg->f_cpu))))
			run_session_print_ready(&s);
		if (st == USB_HOST_FAILED && !s.stop && !cfg->no_usb) {
			run_session_error(&s, 3, usb_host_error(s.usb));
			break;
		}
		double sim_s = (double)s.avr->cycle / s.avr->frequency;
		if (!s.ready && !configured_cycle && !cfg->no_usb && sim_s > RUN_SESSION_ENUM_TIMEOUT_S) {
			char msg[200];
			snprintf(msg, sizeof msg,
			         "the firmware did not %s within %.0f simulated seconds: is it an ATmega32U4 USB CDC firmware "
			         "built for %u Hz?",
			         usb_host_attach_cycle(s.usb) ? "finish USB enumeration" : "attach to USB",
			         RUN_SESSION_ENUM_TIMEOUT_S, cfg->f_cpu);
			run_session_error(&s, 3, msg);
			break;
		}
		if (cfg->faults.disconnect_ms >= 0 && run_session_sim_ms(&s) >= cfg->faults.disconnect_ms) {
			json_out_t j;
			json_out_begin(&j);
			json_out_str(&j, "event", "disconnect");
			json_out_num(&j, "simMs", run_session_sim_ms(&s));
			json_out_emit(&j, out);
			pty_bridge_close(s.pty);
			s.stop = "disconnect";
			break;
		}
		if (cfg->max_sim_seconds > 0 && sim_s >= cfg->max_sim_seconds) {
			s.stop = "max-sim-seconds";
			break;
		}
		if (s.ready && (++slices & 15) == 0)
			run_session_watch_baud(&s);
	}
	run_session_finish(&s);
	return s.exit_code;
}
