/*
 * usb_host: a full-speed USB host for the AVR's USB device controller, through simavr's avr_usb ioctls. It powers
 * VBUS, resets and enumerates the device when it attaches, finds the CDC-ACM bulk endpoints in the configuration
 * descriptor, sets the line coding and control lines, sends SOF every 1 ms, and moves bulk data both ways.
 */
#ifndef USB_HOST_H
#define USB_HOST_H
#include <stddef.h>
#include <stdint.h>

#include "sim_avr.h"
#include "usb_event.h"

typedef enum usb_host_state {
	USB_HOST_WAIT_ATTACH = 0, /* device detached (or not yet attached) */
	USB_HOST_ENUMERATING,
	USB_HOST_CONFIGURED,      /* CDC bulk endpoints found and configured */
	USB_HOST_FAILED,          /* enumeration failed: see usb_host_error() */
} usb_host_state_t;

typedef struct usb_host_device {
	uint16_t vid, pid;
	char product[128];       /* iProduct string (ASCII), "" if none */
	char serial[64];         /* iSerialNumber string (ASCII), "" if none or not read */
	uint8_t ep0_size;
	uint8_t config_value;
	uint8_t comm_interface;  /* CDC communication interface: class requests go here */
	uint8_t comm_protocol;   /* its bInterfaceProtocol (1 = AT commands: ModemManager probes it) */
	uint8_t in_ep, out_ep;   /* bulk endpoint numbers */
	uint16_t in_size, out_size;
} usb_host_device_t;

typedef struct usb_host_line {
	uint32_t baud;
	int dtr, rts;
} usb_host_line_t;

typedef struct usb_host_stats {
	uint64_t bytes_out, bytes_in, frames;
	uint64_t conformance_errors;  /* requests the device answered wrongly (see usb_host_conformance_log) */
	uint64_t toggle_drops;        /* packets dropped by their receiver for a wrong data toggle */
	uint64_t control_max_cycles;  /* longest control transfer, SETUP to status */
	uint64_t reset_max_cycles;    /* longest time from a bus reset to the firmware clearing EORSTI */
	uint64_t events;              /* mid-session events run */
	uint64_t suspends;            /* of them, suspends (not unplugs) */
} usb_host_stats_t;

typedef struct usb_host usb_host_t;

/* Chapter 7: a device is in suspend (clock frozen, drawing ≤ 2.5 mA: LEDs off) within 10 ms of the bus going idle;
 * the harness checks it this long after a suspend event starts. */
#define USB_HOST_SUSPEND_QUIET_MS 10u

usb_host_t *usb_host_attach(avr_t *avr, const usb_host_line_t *line, char *err, size_t err_len);
usb_host_state_t usb_host_state(const usb_host_t *h);
const char *usb_host_error(const usb_host_t *h);
const usb_host_device_t *usb_host_device(const usb_host_t *h);
/* Host → device bytes: queued, delivered from the next 1 ms frame on, at most 19 packets per frame. */
size_t usb_host_out_free(const usb_host_t *h);
size_t usb_host_out_push(usb_host_t *h, const uint8_t *buf, size_t n);
size_t usb_host_out_pending(const usb_host_t *h);
/* Device → host bytes read from the bulk IN endpoint since the last call. */
size_t usb_host_in_take(usb_host_t *h, uint8_t *buf, size_t max);
/*
 * Turn-taking evidence for the simulated-time rule: the device sent bulk data since the host's last bulk write,
 * and since then the firmware has polled its OUT endpoint, found it empty, with nothing queued on its IN endpoint
 * (it waits for the host). Also false while a control transfer runs or enumeration is not finished.
 */
int usb_host_device_waiting(const usb_host_t *h);
/* Queue SET_LINE_CODING + SET_CONTROL_LINE_STATE with new values (sent once configured). */
void usb_host_set_line(usb_host_t *h, const usb_host_line_t *line);
/* The device detached itself (UDCON.DETACH set, or the USB macro disabled) after having attached. */
int usb_host_device_detached(const usb_host_t *h);
/* Cycle of the first attach, 0 if never. */
avr_cycle_count_t usb_host_attach_cycle(const usb_host_t *h);
void usb_host_stats(const usb_host_t *h, usb_host_stats_t *s);
/* Called the moment a suspend (not an unplug) begins, before the firmware runs another instruction. */
typedef void (*usb_host_suspend_fn)(void *param);
void usb_host_on_suspend(usb_host_t *h, usb_host_suspend_fn fn, void *param);
/* A suspend (not an unplug) is in effect: 1, with the cycle it began in *since. */
int usb_host_suspend_active(const usb_host_t *h, avr_cycle_count_t *since);
void usb_host_free(usb_host_t *h);
/* Host profile (usb_profile_id_t): how it enumerates. Set before the device attaches. */
void usb_host_set_profile(usb_host_t *h, int profile);
const char *usb_host_profile_name(const usb_host_t *h);
/* Sends GET_STATUS(device) every `ms` simulated ms once configured (0: never), to measure EP0 service latency. */
void usb_host_set_ping(usb_host_t *h, unsigned ms);
/* Schedules a mid-session event (relative triggers count from now); -1 when too many are queued. */
int usb_host_schedule(usb_host_t *h, usb_event_t const *ev);
/* Events that fired since the last call, oldest first (fired_ms / fired_bytes_out filled in). */
int usb_host_take_fired(usb_host_t *h, usb_event_t *ev);
/* An event waits to run at a simulated time (or now): simulated time has to go on. */
int usb_host_events_pending(const usb_host_t *h);
/* Bulk OUT packets delivered since the last event; the cycle of that event and of the first of those packets. */
uint64_t usb_host_out_since_event(const usb_host_t *h, avr_cycle_count_t *event, avr_cycle_count_t *first);
/* The first conformance errors, as "request: what was wrong". */
unsigned usb_host_conformance_log(const usb_host_t *h, const char *const **lines);
/* Traces transfers on stderr. */
void usb_host_set_verbose(usb_host_t *h, int verbose);

#endif
