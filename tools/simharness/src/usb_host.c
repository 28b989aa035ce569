/*
 * usb_host: USB host side for simavr 1.6's avr_usb module.
 *
 * Timing: one host tick every 125 µs of simulated time; every 8th tick starts a 1 ms frame (SOF: UDFNUM + 1,
 * UDINT.SOFI, the USB general interrupt when UDIEN.SOFE is set). Control transfers advance one stage per tick
 * (retrying NAKs), bulk OUT sends the bytes queued before the frame started, at most 19 packets per frame, and bulk
 * IN is read once per tick.
 * Enumeration: attach → 1 ms → the host profile's steps (usb_profile.c: linux, windows, macos). Every request the
 * device answers wrongly (a STALL where an answer is required, an answer where a Request Error is required, a
 * wrong length, a data stage that never ends, e.g. a missing ZLP) is recorded as a conformance error; enumeration
 * goes on unless the request is essential.
 * Mid-session host events (usb_event.h) run once the device is configured: bus reset + re-enumeration,
 * SET_CONFIGURATION, SET_INTERFACE, CLEAR_FEATURE(ENDPOINT_HALT), suspend/resume, unplug/replug, chapter 9 probes.
 * Modelled here because simavr 1.6 does not: data toggles per endpoint on both sides (device: reset by EPEN 1→0,
 * RSTDT and a bus reset; host: reset by SET_CONFIGURATION, SET_INTERFACE, CLEAR_FEATURE(HALT) and a bus reset; a
 * packet with the wrong toggle is acknowledged and dropped by its receiver), UERST (flushes the endpoint's bank),
 * level-triggered USB general/endpoint interrupts (asserted while flag and enable are set, cleared otherwise), a
 * bulk-IN NAK told apart from a zero-length packet (the bank must have been handed over), no SOF while suspended,
 * SUSPI/WAKEUPI, UDINT/USBINT flags that a write of 1 leaves alone, and the service latency of control transfers and bus resets.
 * Leaves out: real bus timing (100 ms attach debounce, 10-20 ms reset, 20 ms resume signalling), interrupt
 * (notification) endpoint traffic, CRC errors, more than one configuration, composite devices beyond the first
 * CDC data interface, IN-side frame budgets (IN is polled every tick), power draw (it only checks that the clock
 * is frozen while suspended). simavr itself has no dual-bank endpoints and only endpoints 0-4.
 */
#include "usb_host.h"
#include "usb_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avr_usb.h"
#include "sim_interrupts.h"

/* Register offsets from USBCON (ATmega32U4 datasheet, USB device registers). */
enum {
	USB_HOST_USBSTA = 1,
	USB_HOST_UDCON = 8,
	USB_HOST_UDINT = 9,
	USB_HOST_UDIEN = 10,
	USB_HOST_UDFNUML = 12,
	USB_HOST_UDFNUMH = 13,
	USB_HOST_UEINTX = 16,
	USB_HOST_UENUM = 17,
	USB_HOST_UECONX = 19,
	USB_HOST_UEBCLX = 26,
	USB_HOST_UERST = 18,
	USB_HOST_UECFG1X = 21,
	USB_HOST_UEIENX = 24,
	USB_HOST_USBINT = 2,
	USB_HOST_UEDATX = 25,
};
#define USB_HOST_TXINI 0x01
#define USB_HOST_FIFOCON 0x80
#define USB_HOST_RSTDT 0x08
#define USB_HOST_SUSPI 0x01
#define USB_HOST_WAKEUPI 0x10
#define USB_HOST_EORSTI 0x08
#define USB_HOST_VBUSTE 0x01
#define USB_HOST_MAX_EP 5
#define USB_HOST_MAX_EVENTS 32
#define USB_HOST_MAX_EXTRA 24
#define USB_HOST_CONF_LOG 12
#define USB_HOST_USBE 0x80
#define USB_HOST_FRZCLK 0x20
#define USB_HOST_VBUS 0x01
#define USB_HOST_DETACH 0x01
#define USB_HOST_SOFI 0x04
#define USB_HOST_SOFE 0x04
#define USB_HOST_RXSTPI 0x08
#define USB_HOST_RXOUTI 0x04
#define USB_HOST_EPEN 0x01
#define USB_HOST_UNPLUG_MS 100u

#define USB_HOST_TICKS_PER_FRAME 8
#define USB_HOST_PACKETS_PER_FRAME 19
#define USB_HOST_QUEUE 16384
#define USB_HOST_CTL_TIMEOUT_US 500000u

typedef enum usb_host_ctl_stage {
	USB_HOST_CTL_IDLE = 0,
	USB_HOST_CTL_SETUP,
	USB_HOST_CTL_SETUP_TAKEN,
	USB_HOST_CTL_DATA_IN,
	USB_HOST_CTL_DATA_OUT,
	USB_HOST_CTL_STATUS_IN,  /* host reads the device's zero-length status packet */
	USB_HOST_CTL_STATUS_OUT, /* host sends a zero-length status packet */
	USB_HOST_CTL_DONE,
	USB_HOST_CTL_STALLED,
	USB_HOST_CTL_TIMEOUT,
} usb_host_ctl_stage_t;

typedef enum usb_host_enum_step {
	USB_HOST_E_WAIT_ATTACH = 0,
	USB_HOST_E_WAIT_RESET,     /* 1 ms after attach */
	USB_HOST_E_STEPS,          /* running the profile's steps */
	USB_HOST_E_WAIT_ENDPOINTS,
	USB_HOST_E_READY,
	USB_HOST_E_FAILED,
} usb_host_enum_step_t;

/* A control request outside enumeration (events, probes), with its expectation and what it does to the host. */
typedef enum usb_host_effect {
	USB_HOST_EFFECT_NONE = 0,
	USB_HOST_EFFECT_TOGGLES_ALL,   /* SET_CONFIGURATION */
	USB_HOST_EFFECT_TOGGLES_DATA,  /* SET_INTERFACE on the data interface (a STALL: clear both halts instead) */
	USB_HOST_EFFECT_TOGGLE_EP,     /* CLEAR_FEATURE(ENDPOINT_HALT): wIndex */
} usb_host_effect_t;

typedef struct usb_host_extra {
	uint8_t type, request;
	uint16_t value, index, length;
	usb_expect_t expect;
	usb_host_effect_t effect;
	const char *name;
} usb_host_extra_t;

typedef struct usb_host_ctl {
	usb_host_ctl_stage_t stage;
	uint8_t setup[8];
	uint8_t data[1024];
	uint16_t length; /* wLength */
	uint16_t done;   /* data bytes moved */
	int in;          /* device-to-host */
	avr_cycle_count_t deadline;
} usb_host_ctl_t;

typedef struct usb_host_ring {
	uint8_t buf[USB_HOST_QUEUE];
	size_t head, len;
} usb_host_ring_t;

struct usb_host {
	avr_io_t io; /* reset hook: an AVR reset detaches the device and drops our cycle timer */
	avr_t *avr;
	avr_usb_t *usb;
	avr_io_addr_t base; /* USBCON */
	avr_int_vector_t *gen_vect; /* USB general interrupt (SOF, end of reset) */
	struct {
		avr_io_read_t c;
		void *param;
	} orig_ueintx, orig_uebclx, orig_ueconx;
	struct {
		avr_io_write_t c;
		void *param;
	} orig_udcon;

	avr_cycle_count_t tick_cycles;
	unsigned tick;
	uint16_t frame;
	int sof_on;

	int attached;
	int detached;
	avr_cycle_count_t attach_cycle;
	usb_host_enum_step_t step;
	avr_cycle_count_t step_cycle;
	char error[200];
	usb_host_ctl_t ctl;
	usb_host_device_t dev;
	usb_host_line_t line;
	int line_dirty;
	int ever_ready;      /* enumeration completed since the last attach */

	usb_host_ring_t out, in;
	size_t out_eligible; /* bytes queued before this frame began */
	unsigned out_budget; /* packets left in this frame */
	int replied;         /* device sent data since the host's last write */
	int waiting;         /* ... and then polled its empty OUT endpoint with nothing queued IN */

	usb_host_stats_t stats;
	int verbose;
	int line_pending;
	int ctl_marks_link;          /* the control transfer starting now breaks the byte stream */
	avr_cycle_count_t ping_every, next_ping; /* a host that asks EP0 something every so often (0: never) */

	usb_profile_id_t profile;
	const usb_step_t *steps;
	unsigned step_index;
	int step_started;
	uint8_t iproduct, imanufacturer, iserial;
	uint16_t total_length;
	uint8_t data_interface, notify_ep;

	uint8_t dtog[USB_HOST_MAX_EP], htog[USB_HOST_MAX_EP]; /* data toggles: device side (modelled), host side */
	struct {
		avr_io_write_t c;
		void *param;
	} orig_ueconx_w, orig_uecfg1x_w;

	usb_event_t sched[USB_HOST_MAX_EVENTS];
	unsigned nsched;
	usb_event_t fired[USB_HOST_MAX_EVENTS];
	unsigned nfired;
	usb_event_t *running_event; /* waits for READY before it runs */
	usb_host_extra_t extra[USB_HOST_MAX_EXTRA];
	unsigned nextra, extra_pos;
	int extra_started;
	const usb_host_extra_t *extra_now;

	int suspended;
	avr_cycle_count_t suspend_start, suspend_end;
	int suspend_checked;
	int unplugged;
	int resume_reset;           /* after the suspend/unplug ends: bus reset + enumeration */
	usb_host_suspend_fn on_suspend;
	void *on_suspend_param;

	avr_cycle_count_t ctl_start;
	avr_cycle_count_t reset_cycle;
	int reset_unserviced;
	uint64_t out_since_event;   /* bulk OUT packets since the last event */
	avr_cycle_count_t first_out_after_event;
	avr_cycle_count_t last_event_cycle;
	avr_int_vector_t *com_vect;
	char conf_log[USB_HOST_CONF_LOG][160];
	unsigned conf_logged;
};

static uint8_t *usb_host_reg(usb_host_t *h, unsigned off) { return &h->avr->data[h->base + off]; }

/* Reads an endpoint register of `ep` through simavr's own handler, restoring UENUM afterwards. */
static uint8_t usb_host_peek(usb_host_t *h, uint8_t ep, unsigned off)
{
	avr_t *avr = h->avr;
	uint8_t *uenum = usb_host_reg(h, USB_HOST_UENUM);
	uint8_t saved = *uenum, v;
	avr_io_addr_t addr = (avr_io_addr_t)(h->base + off);
	*uenum = ep;
	if (off == USB_HOST_UEINTX)
		v = h->orig_ueintx.c(avr, addr, h->orig_ueintx.param);
	else if (off == USB_HOST_UEBCLX)
		v = h->orig_uebclx.c(avr, addr, h->orig_uebclx.param);
	else
		v = h->orig_ueconx.c(avr, addr, h->orig_ueconx.param);
	*uenum = saved;
	return v;
}

static int usb_host_ep_enabled(usb_host_t *h, uint8_t ep) { return usb_host_peek(h, ep, USB_HOST_UECONX) & USB_HOST_EPEN; }

static int usb_host_xfer(usb_host_t *h, uint32_t ioctl, uint8_t ep, uint8_t *buf, uint32_t *sz)
{
	struct avr_io_usb io = { .pipe = ep, .sz = *sz, .buf = buf };
	int rc = avr_ioctl(h->avr, ioctl, &io);
	*sz = io.sz;
	return rc;
}

static avr_cycle_count_t usb_host_ms(const usb_host_t *h, unsigned ms);
static void usb_host_mark_link_event(usb_host_t *h);

static void usb_host_conformance(usb_host_t *h, const char *name, const char *what)
{
	h->stats.conformance_errors++;
	if (h->conf_logged < USB_HOST_CONF_LOG)
		snprintf(h->conf_log[h->conf_logged++], sizeof h->conf_log[0], "%s: %s", name, what);
	if (h->verbose)
		fprintf(stderr, "usb-host: conformance: %s: %s\n", name, what);
}

/* ---- rings ---- */

static size_t usb_host_ring_push(usb_host_ring_t *r, const uint8_t *p, size_t n)
{
	size_t k = 0;
	for (; k < n && r->len < sizeof r->buf; k++, r->len++)
		r->buf[(r->head + r->len) % sizeof r->buf] = p[k];
	return k;
}

static size_t usb_host_ring_peek(const usb_host_ring_t *r, uint8_t *p, size_t n)
{
	size_t k = 0;
	for (; k < n && k < r->len; k++)
		p[k] = r->buf[(r->head + k) % sizeof r->buf];
	return k;
}

static void usb_host_ring_drop(usb_host_ring_t *r, size_t n)
{
	r->head = (r->head + n) % sizeof r->buf;
	r->len -= n;
}

/* ---- control transfers ---- */

static void usb_host_ctl_start(usb_host_t *h, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
                               uint16_t length, const uint8_t *out)
{
	usb_host_ctl_t *c = &h->ctl;
	uint8_t s[8] = { type, req, (uint8_t)value, (uint8_t)(value >> 8), (uint8_t)index, (uint8_t)(index >> 8),
		         (uint8_t)length, (uint8_t)(length >> 8) };
	memcpy(c->setup, s, 8);
	c->length = length > sizeof c->data ? sizeof c->data : length;
	c->done = 0;
	c->in = (type & 0x80) != 0;
	if (!c->in && out && length)
		memcpy(c->data, out, c->length);
	c->stage = USB_HOST_CTL_SETUP;
	c->deadline = h->avr->cycle + (avr_cycle_count_t)USB_HOST_CTL_TIMEOUT_US * h->avr->frequency / 1000000u;
	h->ctl_start = h->avr->cycle;
}

/* Latency: how long the device took over a control transfer it completed (or stalled). */
static void usb_host_ctl_finished(usb_host_t *h)
{
	avr_cycle_count_t took = h->avr->cycle - h->ctl_start;
	if (took > h->stats.control_max_cycles)
		h->stats.control_max_cycles = took;
}

static void usb_host_ctl_step(usb_host_t *h)
{
	usb_host_ctl_t *c = &h->ctl;
	uint32_t sz;
	int rc;
	if (c->stage == USB_HOST_CTL_IDLE || c->stage >= USB_HOST_CTL_DONE)
		return;
	usb_host_ctl_stage_t before = c->stage;
	if (h->avr->cycle > c->deadline) {
		c->stage = USB_HOST_CTL_TIMEOUT;
		usb_host_ctl_finished(h);
		return;
	}
	if (!usb_host_ep_enabled(h, 0))
		return;
	switch (c->stage) {
	case USB_HOST_CTL_SETUP:
		sz = 8;
		if (usb_host_xfer(h, AVR_IOCTL_USB_SETUP, 0, c->setup, &sz) == AVR_IOCTL_USB_OK) {
			c->stage = USB_HOST_CTL_SETUP_TAKEN;
			if (h->ctl_marks_link) {
				h->ctl_marks_link = 0;
				usb_host_mark_link_event(h);
			}
		}
		break;
	case USB_HOST_CTL_SETUP_TAKEN:
		if (usb_host_peek(h, 0, USB_HOST_UEINTX) & USB_HOST_RXSTPI)
			break; /* the firmware has not taken the SETUP packet yet */
		c->stage = c->in ? USB_HOST_CTL_DATA_IN : c->length ? USB_HOST_CTL_DATA_OUT : USB_HOST_CTL_STATUS_IN;
		break;
	case USB_HOST_CTL_DATA_IN: {
		uint8_t buf[64];
		sz = sizeof buf;
		rc = usb_host_xfer(h, AVR_IOCTL_USB_READ, 0, buf, &sz);
		if (rc == AVR_IOCTL_USB_STALL) {
			c->stage = USB_HOST_CTL_STALLED;
		} else if (rc == AVR_IOCTL_USB_OK) {
			uint32_t take = sz;
			if (take > (uint32_t)(c->length - c->done))
				take = c->length - c->done;
			memcpy(c->data + c->done, buf, take);
			c->done = (uint16_t)(c->done + take);
			uint8_t ep0 = h->dev.ep0_size ? h->dev.ep0_size : 64; /* unknown yet: a short packet is < 64 */
			if (sz < ep0 || c->done >= c->length)
				c->stage = USB_HOST_CTL_STATUS_OUT;
		}
		break;
	}
	case USB_HOST_CTL_DATA_OUT: {
		uint8_t ep0 = h->dev.ep0_size ? h->dev.ep0_size : 8;
		sz = (uint32_t)(c->length - c->done) < ep0 ? (uint32_t)(c->length - c->done) : ep0;
		rc = usb_host_xfer(h, AVR_IOCTL_USB_WRITE, 0, c->data + c->done, &sz);
		if (rc == AVR_IOCTL_USB_STALL)
			c->stage = USB_HOST_CTL_STALLED;
		else if (rc == AVR_IOCTL_USB_OK) {
			c->done = (uint16_t)(c->done + sz);
			if (c->done >= c->length)
				c->stage = USB_HOST_CTL_STATUS_IN;
		}
		break;
	}
	case USB_HOST_CTL_STATUS_IN: {
		uint8_t buf[64];
		sz = sizeof buf;
		rc = usb_host_xfer(h, AVR_IOCTL_USB_READ, 0, buf, &sz);
		if (rc == AVR_IOCTL_USB_STALL)
			c->stage = USB_HOST_CTL_STALLED;
		else if (rc == AVR_IOCTL_USB_OK)
			c->stage = USB_HOST_CTL_DONE;
		break;
	}
	case USB_HOST_CTL_STATUS_OUT:
		sz = 0;
		rc = usb_host_xfer(h, AVR_IOCTL_USB_WRITE, 0, c->data, &sz);
		if (rc == AVR_IOCTL_USB_STALL)
			c->stage = USB_HOST_CTL_STALLED;
		else if (rc == AVR_IOCTL_USB_OK)
			c->stage = USB_HOST_CTL_DONE;
		break;
	default:
		break;
	}
	if (before < USB_HOST_CTL_DONE && c->stage >= USB_HOST_CTL_DONE)
		usb_host_ctl_finished(h);
}

/* ---- enumeration ---- */

static void usb_host_fail(usb_host_t *h, const char *what)
{
	const char *why = h->ctl.stage == USB_HOST_CTL_STALLED ? "the device stalled it"
	                  : h->ctl.stage == USB_HOST_CTL_TIMEOUT ? "no answer within 500 ms of simulated time"
	                                                         : "unusable answer";
	snprintf(h->error, sizeof h->error, "USB enumeration failed at %s: %s", what, why);
	h->step = USB_HOST_E_FAILED;
	h->ctl.stage = USB_HOST_CTL_IDLE;
}

static void usb_host_parse_config(usb_host_t *h, const uint8_t *d, uint16_t len)
{
	usb_host_device_t *dev = &h->dev;
	int iface_class = -1, have_data = 0;
	uint8_t any_in = 0, any_out = 0, iface = 0;
	uint16_t any_in_size = 0, any_out_size = 0;
	dev->config_value = len > 5 ? d[5] : 1;
	for (uint16_t i = 0; i + 1 < len && d[i] >= 2; i = (uint16_t)(i + d[i])) {
		uint8_t type = d[i + 1];
		if (type == 4 && i + 6 < len) { /* interface */
			iface_class = d[i + 5];
			iface = d[i + 2];
			if (iface_class == 0x02) {
				dev->comm_interface = d[i + 2];
				dev->comm_protocol = d[i + 7];
			}
		} else if (type == 5 && i + 6 < len && (d[i + 3] & 3) == 3 && iface_class == 0x02) {
			h->notify_ep = d[i + 2] & 0x0F;
		} else if (type == 5 && i + 6 < len && (d[i + 3] & 3) == 2) { /* bulk endpoint */
			uint8_t ep = d[i + 2] & 0x0F;
			uint16_t size = (uint16_t)(d[i + 4] | d[i + 5] << 8);
			int in = (d[i + 2] & 0x80) != 0;
			if (in && !any_in) {
				any_in = ep;
				any_in_size = size;
			}
			if (!in && !any_out) {
				any_out = ep;
				any_out_size = size;
			}
			if (iface_class == 0x0A) {
				have_data = 1;
				h->data_interface = iface;
				if (in && !dev->in_ep) {
					dev->in_ep = ep;
					dev->in_size = size;
				} else if (!in && !dev->out_ep) {
					dev->out_ep = ep;
					dev->out_size = size;
				}
			}
		}
	}
	if (!have_data || !dev->in_ep || !dev->out_ep) {
		dev->in_ep = any_in;
		dev->in_size = any_in_size;
		dev->out_ep = any_out;
		dev->out_size = any_out_size;
	}
}

static avr_cycle_count_t usb_host_ms(const usb_host_t *h, unsigned ms)
{
	return (avr_cycle_count_t)ms * h->avr->frequency / 1000u;
}

static void usb_host_goto(usb_host_t *h, usb_host_enum_step_t step)
{
	h->step = step;
	h->step_cycle = h->avr->cycle;
}

static void usb_host_trace(usb_host_t *h, const char *what)
{
	if (!h->verbose)
		return;
	usb_host_ctl_t *c = &h->ctl;
	fprintf(stderr, "usb-host %.3f ms: %s setup %02x %02x %02x%02x len %u stage %d done %u\n",
	        (double)h->avr->cycle * 1e3 / h->avr->frequency, what, c->setup[0], c->setup[1], c->setup[3], c->setup[2],
	        c->length, c->stage, c->done);
}

static void usb_host_toggles_reset(uint8_t *t) { memset(t, 0, USB_HOST_MAX_EP); }

/* From now on the host has broken the byte stream (reset, reconfiguration, pipe reset, unplug): the target must
 * not be written again before the host sends something new. */
static void usb_host_mark_link_event(usb_host_t *h)
{
	h->out_since_event = 0;
	h->last_event_cycle = h->avr->cycle;
}

/* Bus reset as the host drives it: the device's endpoints 1..4 are gone, every toggle starts at DATA0. */
static void usb_host_bus_reset(usb_host_t *h)
{
	uint32_t sz = 0;
	if (h->suspended || (*usb_host_reg(h, 0) & USB_HOST_FRZCLK))
		*usb_host_reg(h, USB_HOST_UDINT) |= USB_HOST_WAKEUPI; /* reset signalling wakes a suspended device */
	usb_host_xfer(h, AVR_IOCTL_USB_RESET, 0, NULL, &sz);
	if (h->ever_ready)
		usb_host_mark_link_event(h);
	usb_host_toggles_reset(h->dtog);
	usb_host_toggles_reset(h->htog);
	h->sof_on = 1;
	h->reset_cycle = h->avr->cycle;
	h->reset_unserviced = 1;
	h->ctl.stage = USB_HOST_CTL_IDLE;
	h->out.len = 0; /* transfers in flight are lost */
	h->out_eligible = 0;
}

/* The length chapter 9 / CDC gives for an IN answer, or -1 when any length is fine. */
static int usb_host_expected_length(const usb_host_ctl_t *c)
{
	uint8_t req = c->setup[1], type = c->setup[0];
	if ((type & 0x60) == 0x00 && req == 6) {
		uint16_t declared;
		if (c->done < 1)
			return -1;
		if (c->setup[3] == 2) {
			if (c->done < 4)
				return c->length < 4 ? c->length : -1;
			declared = (uint16_t)(c->data[2] | c->data[3] << 8);
		} else {
			declared = c->data[0];
		}
		return declared < c->length ? declared : c->length;
	}
	if ((type & 0x60) == 0x00 && req == 0)
		return 2;
	if ((type & 0x60) == 0x00 && (req == 8 || req == 10))
		return 1;
	if ((type & 0x60) == 0x20 && req == 0x21)
		return 7;
	return -1;
}

/* Checks a finished control transfer against what the device had to do; returns 1 when it is usable. */
static int usb_host_check(usb_host_t *h, const char *name, usb_expect_t expect)
{
	usb_host_ctl_t *c = &h->ctl;
	char what[120];
	if (c->stage == USB_HOST_CTL_TIMEOUT) {
		uint8_t ep0 = h->dev.ep0_size ? h->dev.ep0_size : 8;
		usb_host_conformance(h, name, c->in && c->done && c->done % ep0 == 0
		                                  ? "data stage never ended (a zero-length packet is required after a full last packet)"
		                                  : "no answer within 500 ms");
		return 0;
	}
	if (c->stage == USB_HOST_CTL_STALLED) {
		if (expect == USB_EXPECT_ANSWER)
			usb_host_conformance(h, name, "stalled; an answer is required");
		return 0;
	}
	if (expect == USB_EXPECT_STALL) {
		usb_host_conformance(h, name, "answered; a Request Error (STALL) is required");
		return 1;
	}
	int want = c->in ? usb_host_expected_length(c) : -1;
	if (want >= 0 && c->done != want) {
		snprintf(what, sizeof what, "returned %u bytes, expected %d", c->done, want);
		usb_host_conformance(h, name, what);
	}
	return 1;
}

static uint32_t usb_host_resolve(usb_host_t *h, uint32_t v)
{
	switch (v) {
	case USB_ARG_IPRODUCT: return 0x0300u | h->iproduct;
	case USB_ARG_IMANUFACTURER: return 0x0300u | h->imanufacturer;
	case USB_ARG_ISERIAL: return 0x0300u | h->iserial;
	case USB_ARG_TOTAL_LENGTH: return h->total_length;
	case USB_ARG_CONFIG_VALUE: return h->dev.config_value;
	case USB_ARG_COMM_INTERFACE: return h->dev.comm_interface;
	case USB_ARG_LINE_STATE: return (uint32_t)((h->line.dtr ? 1 : 0) | (h->line.rts ? 2 : 0));
	default: return v;
	}
}

static void usb_host_string(const usb_host_ctl_t *c, char *out, size_t n)
{
	size_t k = 0;
	for (uint16_t i = 2; i + 1 < c->done && i + 1 < c->data[0] && k + 1 < n; i += 2)
		out[k++] = (c->data[i] >= 0x20 && c->data[i] < 0x7F && !c->data[i + 1]) ? (char)c->data[i] : '?';
	out[k] = 0;
}

/* What the host learns from a finished enumeration request. */
static void usb_host_learn(usb_host_t *h, const usb_step_t *st)
{
	usb_host_ctl_t *c = &h->ctl;
	if (c->stage != USB_HOST_CTL_DONE)
		return;
	if (st->request == 6 && c->setup[3] == 1 && c->done >= 8) {
		h->dev.ep0_size = c->data[7];
		if (c->done >= 18) {
			h->dev.vid = (uint16_t)(c->data[8] | c->data[9] << 8);
			h->dev.pid = (uint16_t)(c->data[10] | c->data[11] << 8);
			h->imanufacturer = c->data[14];
			h->iproduct = c->data[15];
			h->iserial = c->data[16];
		}
	} else if (st->request == 6 && c->setup[3] == 2 && c->done >= 4) {
		h->total_length = (uint16_t)(c->data[2] | c->data[3] << 8);
		if (c->done >= h->total_length || c->done > 9)
			usb_host_parse_config(h, c->data, c->done);
		h->dev.config_value = c->data[5];
	} else if (st->request == 6 && c->setup[3] == 3 && c->setup[2] && c->length > 2) {
		if (c->setup[2] == h->iproduct)
			usb_host_string(c, h->dev.product, sizeof h->dev.product);
		if (c->setup[2] == h->iserial)
			usb_host_string(c, h->dev.serial, sizeof h->dev.serial);
	} else if (st->request == 9) {
		usb_host_toggles_reset(h->htog);
	}
}

static void usb_host_start_step(usb_host_t *h, const usb_step_t *st)
{
	uint32_t value = usb_host_resolve(h, st->value), index = usb_host_resolve(h, st->index);
	uint32_t length = usb_host_resolve(h, st->length);
	uint8_t lc[7] = { (uint8_t)h->line.baud, (uint8_t)(h->line.baud >> 8), (uint8_t)(h->line.baud >> 16),
		          (uint8_t)(h->line.baud >> 24), 0, 0, 8 }; /* 1 stop bit, no parity, 8 data bits */
	usb_host_ctl_start(h, st->type, st->request, (uint16_t)value, (uint16_t)index, (uint16_t)length,
	                   st->request == 0x20 && st->type == 0x21 ? lc : NULL);
	/* A string the device does not have is not asked for. */
	if (st->request == 6 && st->value >= USB_ARG_IPRODUCT && st->value <= USB_ARG_ISERIAL && (value & 0xFF) == 0)
		h->ctl.stage = USB_HOST_CTL_IDLE;
}

static void usb_host_run_steps(usb_host_t *h)
{
	usb_host_ctl_t *c = &h->ctl;
	const usb_step_t *st = &h->steps[h->step_index];
	avr_cycle_count_t since = h->avr->cycle - h->step_cycle;
	switch (st->op) {
	case USB_STEP_END:
		usb_host_goto(h, USB_HOST_E_WAIT_ENDPOINTS);
		return;
	case USB_STEP_RESET:
		if (!h->step_started) {
			usb_host_bus_reset(h);
			h->step_started = 1;
			h->step_cycle = h->avr->cycle;
		} else if (since >= usb_host_ms(h, 10)) {
			h->step_index++;
			h->step_started = 0;
		}
		return;
	case USB_STEP_WAIT_MS:
		if (!h->step_started) {
			h->step_started = 1;
			h->step_cycle = h->avr->cycle;
		} else if (since >= usb_host_ms(h, st->value)) {
			h->step_index++;
			h->step_started = 0;
		}
		return;
	case USB_STEP_REQUEST:
	case USB_STEP_REQUEST_ABORT:
		if (!h->step_started) {
			usb_host_start_step(h, st);
			h->step_started = 1;
			if (c->stage == USB_HOST_CTL_IDLE) { /* skipped */
				h->step_index++;
				h->step_started = 0;
			}
			return;
		}
		if (st->op == USB_STEP_REQUEST_ABORT && c->stage == USB_HOST_CTL_STATUS_OUT) {
			c->stage = USB_HOST_CTL_DONE; /* the host moves on without the status stage */
			usb_host_ctl_finished(h);
		}
		if (c->stage < USB_HOST_CTL_DONE)
			return;
		usb_host_trace(h, st->name);
		usb_host_check(h, st->name, st->expect);
		usb_host_learn(h, st);
		if (st->essential && c->stage != USB_HOST_CTL_DONE)
			return usb_host_fail(h, st->name);
		c->stage = USB_HOST_CTL_IDLE;
		h->step_index++;
		h->step_started = 0;
		return;
	}
}

static void usb_host_start_enumeration(usb_host_t *h)
{
	h->step_index = 0;
	h->step_started = 0;
	h->line_dirty = 0;
	usb_host_goto(h, USB_HOST_E_STEPS);
}

static void usb_host_send_line(usb_host_t *h)
{
	uint8_t lc[7] = { (uint8_t)h->line.baud, (uint8_t)(h->line.baud >> 8), (uint8_t)(h->line.baud >> 16),
		          (uint8_t)(h->line.baud >> 24), 0, 0, 8 };
	usb_host_ctl_start(h, 0x21, 0x20, 0, h->dev.comm_interface, 7, lc);
}

static void usb_host_enumerate(usb_host_t *h)
{
	avr_cycle_count_t since = h->avr->cycle - h->step_cycle;
	switch (h->step) {
	case USB_HOST_E_WAIT_ATTACH:
		if (h->attached && !h->detached)
			usb_host_goto(h, USB_HOST_E_WAIT_RESET);
		break;
	case USB_HOST_E_WAIT_RESET:
		if (since >= usb_host_ms(h, 1))
			usb_host_start_enumeration(h);
		break;
	case USB_HOST_E_STEPS:
		usb_host_run_steps(h);
		break;
	case USB_HOST_E_WAIT_ENDPOINTS:
		if (!h->dev.in_ep || !h->dev.out_ep) {
			snprintf(h->error, sizeof h->error,
			         "USB device %04x:%04x has no bulk IN and OUT endpoints: not a CDC serial device", h->dev.vid,
			         h->dev.pid);
			h->step = USB_HOST_E_FAILED;
		} else if (usb_host_ep_enabled(h, h->dev.in_ep) && usb_host_ep_enabled(h, h->dev.out_ep)) {
			if (!h->ever_ready)
				h->replied = 1; /* the host owes the first write */
			h->ever_ready = 1;
			usb_host_goto(h, USB_HOST_E_READY);
		} else if (since >= usb_host_ms(h, 500)) {
			snprintf(h->error, sizeof h->error,
			         "USB device configured but its bulk endpoints %u/%u were never enabled", h->dev.in_ep,
			         h->dev.out_ep);
			h->step = USB_HOST_E_FAILED;
		}
		break;
	case USB_HOST_E_READY:
		break;
	case USB_HOST_E_FAILED:
		break;
	}
}

/* ---- mid-session events ---- */

static void usb_host_extra_add(usb_host_t *h, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
                               uint16_t length, usb_expect_t expect, usb_host_effect_t effect, const char *name)
{
	if (h->nextra < USB_HOST_MAX_EXTRA)
		h->extra[h->nextra++] = (usb_host_extra_t){ type, req, value, index, length, expect, effect, name };
}

static void usb_host_queue_probe(usb_host_t *h)
{
	uint8_t in = (uint8_t)(0x80 | h->dev.in_ep), out = h->dev.out_ep, data = h->data_interface;
	usb_host_extra_add(h, 0x82, 0, 0, 0x85, 2, USB_EXPECT_STALL, 0, "GET_STATUS(endpoint 0x85, absent)");
	usb_host_extra_add(h, 0x82, 0, 0, (uint16_t)(out | 0x80), 2, USB_EXPECT_STALL, 0, "GET_STATUS(bulk OUT endpoint with the IN direction bit)");
	usb_host_extra_add(h, 0x82, 0, 0, in, 2, USB_EXPECT_ANSWER, 0, "GET_STATUS(bulk IN endpoint)");
	usb_host_extra_add(h, 0x81, 0, 0, 7, 2, USB_EXPECT_STALL, 0, "GET_STATUS(interface 7, absent)");
	usb_host_extra_add(h, 0x81, 0, 0, data, 2, USB_EXPECT_ANSWER, 0, "GET_STATUS(data interface)");
	usb_host_extra_add(h, 0x00, 3, 1, 0, 0, USB_EXPECT_STALL, 0, "SET_FEATURE(DEVICE_REMOTE_WAKEUP) without remote wakeup");
	usb_host_extra_add(h, 0x00, 1, 1, 0, 0, USB_EXPECT_STALL, 0, "CLEAR_FEATURE(DEVICE_REMOTE_WAKEUP) without remote wakeup");
	usb_host_extra_add(h, 0x00, 3, 2, 0x0100, 0, USB_EXPECT_STALL, 0, "SET_FEATURE(TEST_MODE) on a full-speed device");
	usb_host_extra_add(h, 0x01, 3, 0, 0, 0, USB_EXPECT_STALL, 0, "SET_FEATURE(interface 0, feature 0)");
	usb_host_extra_add(h, 0x02, 1, 0, 0x04, 0, USB_EXPECT_STALL, 0, "CLEAR_FEATURE(ENDPOINT_HALT) on endpoint 4, absent");
	usb_host_extra_add(h, 0x81, 10, 0, 7, 1, USB_EXPECT_STALL, 0, "GET_INTERFACE(interface 7, absent)");
	usb_host_extra_add(h, 0x81, 10, 0, data, 1, USB_EXPECT_ANSWER, 0, "GET_INTERFACE(data interface)");
	usb_host_extra_add(h, 0x80, 8, 0, 0, 1, USB_EXPECT_ANSWER, 0, "GET_CONFIGURATION");
	usb_host_extra_add(h, 0x80, 6, 0x0600, 0, 10, USB_EXPECT_STALL, 0, "GET_DESCRIPTOR(device qualifier)");
	usb_host_extra_add(h, 0x80, 6, 0x0700, 0, 9, USB_EXPECT_STALL, 0, "GET_DESCRIPTOR(other speed configuration)");
	usb_host_extra_add(h, 0x80, 6, 0x0309, 0x0409, 255, USB_EXPECT_STALL, 0, "GET_DESCRIPTOR(string 9, absent)");
	/* Address state: configuration 0 disables the data endpoints. */
	usb_host_extra_add(h, 0x00, 9, 0, 0, 0, USB_EXPECT_ANSWER, USB_HOST_EFFECT_TOGGLES_ALL, "SET_CONFIGURATION(0)");
	usb_host_extra_add(h, 0x82, 0, 0, in, 2, USB_EXPECT_STALL, 0, "GET_STATUS(bulk IN endpoint) in the Address state");
	usb_host_extra_add(h, 0x81, 10, 0, data, 1, USB_EXPECT_STALL, 0, "GET_INTERFACE in the Address state");
	usb_host_extra_add(h, 0x01, 11, 0, data, 0, USB_EXPECT_STALL, 0, "SET_INTERFACE in the Address state");
	usb_host_extra_add(h, 0x80, 8, 0, 0, 1, USB_EXPECT_ANSWER, 0, "GET_CONFIGURATION in the Address state");
	usb_host_extra_add(h, 0x00, 9, h->dev.config_value, 0, 0, USB_EXPECT_ANSWER, USB_HOST_EFFECT_TOGGLES_ALL, "SET_CONFIGURATION");
}

/* Starts a due event (only in the Configured state, with no control transfer running). */
static void usb_host_run_event(usb_host_t *h, usb_event_t *ev)
{
	uint16_t iface = h->data_interface;
	h->stats.events++;
	switch (ev->kind) {
	case USB_EVENT_RESET:
		usb_host_start_enumeration(h);
		break;
	case USB_EVENT_SET_CONFIG:
		h->out.len = h->out_eligible = 0; /* the host's stack kills its transfers before reconfiguring */
		usb_host_extra_add(h, 0x00, 9, h->dev.config_value, 0, 0, USB_EXPECT_ANSWER, USB_HOST_EFFECT_TOGGLES_ALL,
		                   "SET_CONFIGURATION (again)");
		break;
	case USB_EVENT_SET_INTERFACE:
		h->out.len = h->out_eligible = 0;
		usb_host_extra_add(h, 0x01, 11, 0, iface, 0, USB_EXPECT_EITHER, USB_HOST_EFFECT_TOGGLES_DATA,
		                   "SET_INTERFACE(data interface, 0)");
		break;
	case USB_EVENT_CLEAR_HALT_IN:
		usb_host_extra_add(h, 0x02, 1, 0, (uint16_t)(0x80 | h->dev.in_ep), 0, USB_EXPECT_ANSWER,
		                   USB_HOST_EFFECT_TOGGLE_EP, "CLEAR_FEATURE(ENDPOINT_HALT, bulk IN)");
		break;
	case USB_EVENT_CLEAR_HALT_OUT:
		h->out.len = h->out_eligible = 0; /* a pipe reset cancels its transfers */
		usb_host_extra_add(h, 0x02, 1, 0, h->dev.out_ep, 0, USB_EXPECT_ANSWER, USB_HOST_EFFECT_TOGGLE_EP,
		                   "CLEAR_FEATURE(ENDPOINT_HALT, bulk OUT)");
		break;
	case USB_EVENT_CLEAR_HALT_NOTIFY:
		if (h->notify_ep)
			usb_host_extra_add(h, 0x02, 1, 0, (uint16_t)(0x80 | h->notify_ep), 0, USB_EXPECT_ANSWER,
			                   USB_HOST_EFFECT_TOGGLE_EP, "CLEAR_FEATURE(ENDPOINT_HALT, notification IN)");
		break;
	case USB_EVENT_SUSPEND:
	case USB_EVENT_UNPLUG: {
		unsigned ms = ev->kind == USB_EVENT_SUSPEND ? ev->arg : USB_HOST_UNPLUG_MS;
		h->suspended = 1;
		h->unplugged = ev->kind == USB_EVENT_UNPLUG;
		if (!h->unplugged) {
			h->stats.suspends++;
			if (h->on_suspend)
				h->on_suspend(h->on_suspend_param);
		}
		h->suspend_checked = 0;
		h->suspend_start = h->avr->cycle;
		h->suspend_end = h->avr->cycle + usb_host_ms(h, ms);
		*usb_host_reg(h, USB_HOST_UDINT) |= USB_HOST_SUSPI; /* 3 ms without SOF: the controller flags suspend */
		if (h->unplugged) {
			usb_host_mark_link_event(h);
			*usb_host_reg(h, USB_HOST_USBSTA) &= (uint8_t)~USB_HOST_VBUS;
			*usb_host_reg(h, USB_HOST_USBINT) |= 0x01; /* VBUSTI */
			h->out.len = h->out_eligible = 0;
		}
		break;
	}
	case USB_EVENT_PROBE:
		h->out.len = h->out_eligible = 0;
		usb_host_queue_probe(h);
		break;
	case USB_EVENT_PING:
		usb_host_extra_add(h, 0x80, 0, 0, 0, 2, USB_EXPECT_ANSWER, 0, "GET_STATUS(device)");
		usb_host_extra_add(h, 0x80, 6, 0x0100, 0, 18, USB_EXPECT_ANSWER, 0, "GET_DESCRIPTOR(device)");
		break;
	}
}

static void usb_host_extra_done(usb_host_t *h, const usb_host_extra_t *x)
{
	usb_host_ctl_t *c = &h->ctl;
	int ok = usb_host_check(h, x->name, x->expect) && c->stage == USB_HOST_CTL_DONE;
	switch (x->effect) {
	case USB_HOST_EFFECT_TOGGLES_ALL:
		if (ok)
			usb_host_toggles_reset(h->htog);
		break;
	case USB_HOST_EFFECT_TOGGLES_DATA:
		if (ok) {
			h->htog[h->dev.in_ep] = h->htog[h->dev.out_ep] = 0;
		} else if (c->stage == USB_HOST_CTL_STALLED) {
			/* One alternate setting and a STALL: the host resets the endpoints by hand, as Linux does. */
			usb_host_extra_add(h, 0x02, 1, 0, h->dev.out_ep, 0, USB_EXPECT_ANSWER, USB_HOST_EFFECT_TOGGLE_EP,
			                   "CLEAR_FEATURE(ENDPOINT_HALT, bulk OUT) after a stalled SET_INTERFACE");
			usb_host_extra_add(h, 0x02, 1, 0, (uint16_t)(0x80 | h->dev.in_ep), 0, USB_EXPECT_ANSWER,
			                   USB_HOST_EFFECT_TOGGLE_EP, "CLEAR_FEATURE(ENDPOINT_HALT, bulk IN) after a stalled SET_INTERFACE");
		}
		break;
	case USB_HOST_EFFECT_TOGGLE_EP:
		if (ok)
			h->htog[c->setup[4] & 0x0F] = 0;
		break;
	default:
		break;
	}
}

/* Runs queued extra requests one at a time in the Configured state. */
static void usb_host_extras(usb_host_t *h)
{
	usb_host_ctl_t *c = &h->ctl;
	if (h->extra_now) {
		if (c->stage < USB_HOST_CTL_DONE)
			return;
		usb_host_trace(h, h->extra_now->name);
		usb_host_extra_done(h, h->extra_now);
		c->stage = USB_HOST_CTL_IDLE;
		h->extra_now = NULL;
		if (++h->extra_pos >= h->nextra)
			h->extra_pos = h->nextra = 0;
		return;
	}
	if (h->extra_pos < h->nextra && c->stage == USB_HOST_CTL_IDLE) {
		const usb_host_extra_t *x = &h->extra[h->extra_pos];
		usb_host_ctl_start(h, x->type, x->request, x->value, x->index, x->length, NULL);
		/* The link event happens when the device gets the SETUP (usb_host_ctl_step), not before. */
		h->ctl_marks_link = x->effect != USB_HOST_EFFECT_NONE &&
		                    !(x->effect == USB_HOST_EFFECT_TOGGLE_EP && (x->index & 0x0F) == h->notify_ep);
		h->extra_now = x;
	}
}

static int usb_host_event_due(const usb_host_t *h, const usb_event_t *ev)
{
	switch (ev->trigger) {
	case USB_EVENT_AT_OUT_BYTES: return (double)h->stats.bytes_out >= ev->at;
	case USB_EVENT_AT_MS: return (double)h->avr->cycle * 1e3 / h->avr->frequency >= ev->at;
	default: return 1;
	}
}

/* Fires the scheduled events that are due, in order; each waits for the Configured state and a quiet EP0. */
static void usb_host_events(usb_host_t *h)
{
	if (h->step != USB_HOST_E_READY || h->suspended || h->nextra || h->ctl.stage != USB_HOST_CTL_IDLE || h->line_dirty)
		return;
	for (unsigned i = 0; i < h->nsched; i++) {
		if (!usb_host_event_due(h, &h->sched[i]))
			continue;
		usb_event_t ev = h->sched[i];
		memmove(&h->sched[i], &h->sched[i + 1], (h->nsched - i - 1) * sizeof h->sched[0]);
		h->nsched--;
		ev.fired_ms = (double)h->avr->cycle * 1e3 / h->avr->frequency;
		ev.fired_bytes_out = h->stats.bytes_out;
		if (h->nfired < USB_HOST_MAX_EVENTS)
			h->fired[h->nfired++] = ev;
		if (h->verbose)
			fprintf(stderr, "usb-host %.3f ms: event %s\n", ev.fired_ms, ev.spec);
		usb_host_run_event(h, &ev);
		return;
	}
}

/* Suspend / unplug: no SOF, nothing on the bus; the device must freeze its clock; then resume (or replug). */
static void usb_host_suspend_tick(usb_host_t *h)
{
	avr_cycle_count_t now = h->avr->cycle;
	if (!h->suspend_checked && now - h->suspend_start >= usb_host_ms(h, USB_HOST_SUSPEND_QUIET_MS)) {
		h->suspend_checked = 1;
		if (!(*usb_host_reg(h, 0) & USB_HOST_FRZCLK) && !h->unplugged)
			usb_host_conformance(h, "suspend", "the device did not freeze its USB clock within 10 ms (it draws more than 2.5 mA)");
	}
	if (now < h->suspend_end)
		return;
	h->suspended = 0;
	*usb_host_reg(h, USB_HOST_UDINT) |= USB_HOST_WAKEUPI; /* resume (or attach) signalling */
	if (h->unplugged) {
		h->unplugged = 0;
		*usb_host_reg(h, USB_HOST_USBSTA) |= USB_HOST_VBUS;
		*usb_host_reg(h, USB_HOST_USBINT) |= 0x01;
		usb_host_start_enumeration(h); /* attach: reset + enumeration on the same port */
	}
}

/* ---- bulk ---- */

static void usb_host_bulk(usb_host_t *h, int frame_start)
{
	usb_host_device_t *d = &h->dev;
	if (frame_start) {
		h->out_eligible = h->out.len;
		h->out_budget = USB_HOST_PACKETS_PER_FRAME;
	}
	if (!usb_host_ep_enabled(h, d->out_ep) || !usb_host_ep_enabled(h, d->in_ep))
		return;
	while (h->out_eligible && h->out_budget) {
		uint8_t pkt[512];
		size_t n = h->out_eligible < d->out_size ? h->out_eligible : d->out_size;
		if (n > sizeof pkt)
			n = sizeof pkt;
		/* An OUT event waits for this many bytes exactly: cut the packet there. */
		for (unsigned i = 0; i < h->nsched; i++) {
			const usb_event_t *ev = &h->sched[i];
			if (ev->trigger == USB_EVENT_AT_OUT_BYTES && ev->at > (double)h->stats.bytes_out &&
			    ev->at < (double)(h->stats.bytes_out + n))
				n = (size_t)(ev->at - (double)h->stats.bytes_out);
		}
		usb_host_ring_peek(&h->out, pkt, n);
		uint32_t sz = (uint32_t)n;
		uint8_t ep = d->out_ep;
		if (h->htog[ep] != h->dtog[ep]) {
			/* The device takes a packet with the toggle it does not expect for a retry: ACK, data dropped. */
			h->htog[ep] ^= 1;
			h->stats.toggle_drops++;
		} else {
			if (usb_host_xfer(h, AVR_IOCTL_USB_WRITE, ep, pkt, &sz) != AVR_IOCTL_USB_OK)
				break; /* NAK: the firmware still holds the bank */
			h->htog[ep] ^= 1;
			h->dtog[ep] ^= 1;
		}
		usb_host_ring_drop(&h->out, n);
		if (h->verbose)
			fprintf(stderr, "usb-host %.3f ms: OUT %zu bytes\n", (double)h->avr->cycle * 1e3 / h->avr->frequency, n);
		h->out_eligible -= n;
		h->out_budget--;
		h->stats.bytes_out += n;
		if (!h->out_since_event++)
			h->first_out_after_event = h->avr->cycle;
		h->replied = 0;
		h->waiting = 0;
		if (h->nsched)
			break; /* let a due event fire before the next packet */
	}
	uint8_t in_ep = d->in_ep;
	uint8_t flags = usb_host_peek(h, in_ep, USB_HOST_UEINTX);
	if ((flags & (USB_HOST_TXINI | USB_HOST_FIFOCON)) || !usb_host_ep_enabled(h, in_ep))
		return; /* NAK: the firmware has not handed a bank over (simavr would report it as a zero-length packet) */
	if (sizeof h->in.buf - h->in.len >= 512) {
		uint8_t pkt[512];
		uint32_t sz = sizeof pkt;
		if (usb_host_xfer(h, AVR_IOCTL_USB_READ, in_ep, pkt, &sz) == AVR_IOCTL_USB_OK) {
			uint8_t sent = h->dtog[in_ep];
			h->dtog[in_ep] ^= 1;
			if (sent != h->htog[in_ep]) {
				h->stats.toggle_drops++; /* the host takes it for a retry and drops it */
				return;
			}
			h->htog[in_ep] ^= 1;
			if (!sz)
				return; /* a zero-length packet: ends a transfer, no data */
			usb_host_ring_push(&h->in, pkt, sz);
			if (h->verbose)
				fprintf(stderr, "usb-host %.3f ms: IN %u bytes\n", (double)h->avr->cycle * 1e3 / h->avr->frequency, sz);
			h->stats.bytes_in += sz;
			h->replied = 1;
			h->waiting = 0;
		}
	}
}

/* ---- timers and hooks ---- */

/* Level-triggered USB interrupts: asserted while a flag and its enable are both set, withdrawn otherwise. */
static void usb_host_levels(usb_host_t *h)
{
	avr_t *avr = h->avr;
	uint8_t usbcon = *usb_host_reg(h, 0);
	int gen = (usbcon & USB_HOST_USBE) &&
	          ((*usb_host_reg(h, USB_HOST_UDINT) & *usb_host_reg(h, USB_HOST_UDIEN) & 0x7D) ||
	           ((*usb_host_reg(h, USB_HOST_USBINT) & 0x01) && (usbcon & USB_HOST_VBUSTE)));
	if (gen)
		avr_raise_interrupt(avr, h->gen_vect);
	else if (avr_is_interrupt_pending(avr, h->gen_vect))
		avr_clear_interrupt(avr, h->gen_vect);
	int com = 0;
	if (usbcon & USB_HOST_USBE)
		for (uint8_t ep = 0; ep < USB_HOST_MAX_EP && !com; ep++)
			com = (usb_host_peek(h, ep, USB_HOST_UEINTX) & usb_host_peek(h, ep, USB_HOST_UEIENX) & 0xDF) != 0;
	if (com)
		avr_raise_interrupt(avr, h->com_vect);
	else if (avr_is_interrupt_pending(avr, h->com_vect))
		avr_clear_interrupt(avr, h->com_vect);
}

static avr_cycle_count_t usb_host_tick(avr_t *avr, avr_cycle_count_t when, void *param)
{
	usb_host_t *h = param;
	if (!h->unplugged)
		*usb_host_reg(h, USB_HOST_USBSTA) |= USB_HOST_VBUS; /* VBUS is powered; simavr has no VBUS ioctl */
	int frame_start = (h->tick++ % USB_HOST_TICKS_PER_FRAME) == 0;
	uint8_t usbcon = *usb_host_reg(h, 0);
	int present = (usbcon & USB_HOST_USBE) && !(*usb_host_reg(h, USB_HOST_UDCON) & USB_HOST_DETACH);
	int clocked = present && !(usbcon & USB_HOST_FRZCLK);
	if (h->attached && !present && !h->detached && h->step != USB_HOST_E_WAIT_ATTACH)
		h->detached = 1; /* USB macro disabled or detached after attach */
	usb_host_levels(h);
	if (getenv("USBDBG") && (h->tick % 80) == 0) fprintf(stderr, "dbg pc %x step %d idx %u stage %d ueintx0 %x udint %x usbcon %x\n", avr->pc, h->step, h->step_index, h->ctl.stage, usb_host_peek(h, 0, USB_HOST_UEINTX), *usb_host_reg(h, USB_HOST_UDINT), usbcon);
	if (h->reset_unserviced && !(*usb_host_reg(h, USB_HOST_UDINT) & USB_HOST_EORSTI)) {
		avr_cycle_count_t took = avr->cycle - h->reset_cycle;
		h->reset_unserviced = 0;
		if (took > h->stats.reset_max_cycles)
			h->stats.reset_max_cycles = took;
	}
	if (h->suspended) {
		usb_host_suspend_tick(h);
		return when + h->tick_cycles;
	}
	if (frame_start && h->sof_on && clocked) {
		h->frame = (uint16_t)((h->frame + 1) & 0x7FF);
		*usb_host_reg(h, USB_HOST_UDFNUML) = (uint8_t)h->frame;
		*usb_host_reg(h, USB_HOST_UDFNUMH) = (uint8_t)(h->frame >> 8);
		*usb_host_reg(h, USB_HOST_UDINT) |= USB_HOST_SOFI;
		h->stats.frames++;
	}
	if (clocked && !h->detached) {
		usb_host_ctl_step(h);
		usb_host_enumerate(h);
		if (h->step == USB_HOST_E_READY) {
			usb_host_extras(h);
			usb_host_events(h);
			if (h->ping_every && avr->cycle >= h->next_ping && !h->nextra && h->ctl.stage == USB_HOST_CTL_IDLE) {
				h->next_ping = avr->cycle + h->ping_every;
				usb_host_extra_add(h, 0x80, 0, 0, 0, 2, USB_EXPECT_ANSWER, 0, "GET_STATUS(device)");
			}
			if (h->line_dirty && h->ctl.stage == USB_HOST_CTL_IDLE && !h->nextra) {
				h->line_dirty = 0;
				usb_host_send_line(h);
				usb_host_extra_add(h, 0x21, 0x22, (uint16_t)((h->line.dtr ? 1 : 0) | (h->line.rts ? 2 : 0)),
				                   h->dev.comm_interface, 0, USB_EXPECT_EITHER, 0, "SET_CONTROL_LINE_STATE");
				h->extra_now = NULL;
				h->line_pending = 1;
			}
			if (h->line_pending && h->ctl.stage >= USB_HOST_CTL_DONE) {
				h->ctl.stage = USB_HOST_CTL_IDLE;
				h->line_pending = 0;
			}
			/* No bulk traffic while the host reconfigures the device or resets a pipe (its stack holds the
			 * transfers back until the request is done), nor to disabled endpoints (Address state). */
			int reconfiguring = h->extra_now && h->extra_now->effect != USB_HOST_EFFECT_NONE;
			if (h->step == USB_HOST_E_READY && !h->suspended && !reconfiguring)
				usb_host_bulk(h, frame_start);
		}
	}
	return when + h->tick_cycles;
}

/* UDINT and USBINT: interrupt flags are cleared by writing 0 and unchanged by writing 1 (simavr stores the byte). */
static void usb_host_flags_write(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
	(void)param;
	avr->data[addr] &= v;
}

/* Device-side data toggle of the selected endpoint: DATA0 again after RSTDT or when the endpoint is disabled. */
static void usb_host_ueconx_write(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
	usb_host_t *h = param;
	uint8_t ep = *usb_host_reg(h, USB_HOST_UENUM) & 0x07;
	int was_enabled = ep < USB_HOST_MAX_EP && usb_host_ep_enabled(h, ep);
	h->orig_ueconx_w.c(avr, addr, v, h->orig_ueconx_w.param);
	if (ep < USB_HOST_MAX_EP && ((v & USB_HOST_RSTDT) || (was_enabled && !(v & USB_HOST_EPEN))))
		h->dtog[ep] = 0;
}

/* UERST: each endpoint whose bit is written 1 has its FIFO emptied (its bank back to the firmware's side for IN,
 * free for the host for OUT); the configuration and the data toggle stay. */
static void usb_host_uerst_write(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
	usb_host_t *h = param;
	avr->data[addr] = v;
	uint8_t *uenum = usb_host_reg(h, USB_HOST_UENUM);
	uint8_t saved = *uenum;
	for (uint8_t ep = 1; ep < USB_HOST_MAX_EP; ep++) {
		if (!(v & (1u << ep)) || !usb_host_ep_enabled(h, ep))
			continue;
		*uenum = ep;
		avr_io_addr_t data = (avr_io_addr_t)(h->base + USB_HOST_UEDATX);
		while (h->orig_uebclx.c(avr, (avr_io_addr_t)(h->base + USB_HOST_UEBCLX), h->orig_uebclx.param))
			(void)avr->io[AVR_DATA_TO_IO(data)].r.c(avr, data, avr->io[AVR_DATA_TO_IO(data)].r.param);
		avr_io_addr_t ueintx = (avr_io_addr_t)(h->base + USB_HOST_UEINTX);
		avr->io[AVR_DATA_TO_IO(ueintx)].w.c(avr, ueintx, (uint8_t)~(USB_HOST_RXOUTI | USB_HOST_FIFOCON),
		                                    avr->io[AVR_DATA_TO_IO(ueintx)].w.param);
		avr_io_addr_t cfg1 = (avr_io_addr_t)(h->base + USB_HOST_UECFG1X);
		uint8_t cfg = h->orig_ueconx.c(avr, cfg1, h->orig_ueconx.param);
		h->orig_uecfg1x_w.c(avr, cfg1, cfg, h->orig_uecfg1x_w.param); /* flags as after configuration */
	}
	*uenum = saved;
}

static void usb_host_attach_irq(avr_irq_t *irq, uint32_t value, void *param)
{
	usb_host_t *h = param;
	(void)irq;
	if (!value)
		return;
	if (!h->attach_cycle)
		h->attach_cycle = h->avr->cycle ? h->avr->cycle : 1;
	h->attached = 1;
	if (h->detached || h->step == USB_HOST_E_FAILED) {
		/* re-attached: enumerate again */
		h->detached = 0;
		memset(&h->dev, 0, sizeof h->dev);
		h->ctl.stage = USB_HOST_CTL_IDLE;
		h->ever_ready = 0;
	}
	usb_host_goto(h, USB_HOST_E_WAIT_ATTACH);
}

static void usb_host_udcon_write(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
	usb_host_t *h = param;
	h->orig_udcon.c(avr, addr, v, h->orig_udcon.param);
	if ((v & USB_HOST_DETACH) && h->attached)
		h->detached = 1;
}

/* The firmware looks at its OUT endpoint: if that is empty and nothing waits on IN, it waits for the host. */
static void usb_host_note_poll(usb_host_t *h)
{
	if (h->step != USB_HOST_E_READY || !h->replied || h->ctl.stage != USB_HOST_CTL_IDLE)
		return;
	if (*usb_host_reg(h, USB_HOST_UENUM) != h->dev.out_ep)
		return;
	if (usb_host_peek(h, h->dev.out_ep, USB_HOST_UEBCLX) == 0 &&
	    !(usb_host_peek(h, h->dev.out_ep, USB_HOST_UEINTX) & USB_HOST_RXOUTI) &&
	    usb_host_peek(h, h->dev.in_ep, USB_HOST_UEBCLX) == 0)
		h->waiting = 1;
}

static uint8_t usb_host_ueintx_read(avr_t *avr, avr_io_addr_t addr, void *param)
{
	usb_host_t *h = param;
	uint8_t v = h->orig_ueintx.c(avr, addr, h->orig_ueintx.param);
	usb_host_note_poll(h);
	return v;
}

static uint8_t usb_host_uebclx_read(avr_t *avr, avr_io_addr_t addr, void *param)
{
	usb_host_t *h = param;
	uint8_t v = h->orig_uebclx.c(avr, addr, h->orig_uebclx.param);
	usb_host_note_poll(h);
	return v;
}

static void usb_host_avr_reset(avr_io_t *io)
{
	usb_host_t *h = (usb_host_t *)io;
	usb_host_toggles_reset(h->dtog);
	usb_host_toggles_reset(h->htog);
	/* The device is gone from the bus until the firmware attaches again. */
	if (h->attached)
		h->detached = 1;
	h->attached = 0;
	h->sof_on = 0;
	h->ctl.stage = USB_HOST_CTL_IDLE;
	h->ever_ready = 0;
	memset(&h->dev, 0, sizeof h->dev);
	h->step = USB_HOST_E_WAIT_ATTACH;
	avr_cycle_timer_register(h->avr, h->tick_cycles, usb_host_tick, h);
}

usb_host_t *usb_host_attach(avr_t *avr, const usb_host_line_t *line, char *err, size_t err_len)
{
	avr_usb_t *usb = NULL;
	for (avr_io_t *io = avr->io_port; io; io = io->next)
		if (io->kind && !strcmp(io->kind, "usb"))
			usb = (avr_usb_t *)io;
	avr_irq_t *attach = avr_io_getirq(avr, AVR_IOCTL_USB_GETIRQ(), USB_IRQ_ATTACH);
	if (!usb || !attach) {
		snprintf(err, err_len, "this simavr core has no USB controller");
		return NULL;
	}
	usb_host_t *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	h->avr = avr;
	h->usb = usb;
	h->base = usb->r_usbcon;
	h->line = *line;
	h->tick_cycles = avr->frequency / 8000u;
	h->steps = usb_profile_steps(USB_PROFILE_LINUX);
	for (int i = 0; i < avr->interrupts.vector_count; i++) {
		if (avr->interrupts.vector[i]->vector == usb->usb_gen_vect)
			h->gen_vect = avr->interrupts.vector[i];
		if (avr->interrupts.vector[i]->vector == usb->usb_com_vect)
			h->com_vect = avr->interrupts.vector[i];
	}
	avr_io_addr_t a;
	a = AVR_DATA_TO_IO(h->base + USB_HOST_UEINTX);
	h->orig_ueintx.c = avr->io[a].r.c;
	h->orig_ueintx.param = avr->io[a].r.param;
	avr->io[a].r.c = usb_host_ueintx_read;
	avr->io[a].r.param = h;
	a = AVR_DATA_TO_IO(h->base + USB_HOST_UEBCLX);
	h->orig_uebclx.c = avr->io[a].r.c;
	h->orig_uebclx.param = avr->io[a].r.param;
	avr->io[a].r.c = usb_host_uebclx_read;
	avr->io[a].r.param = h;
	a = AVR_DATA_TO_IO(h->base + USB_HOST_UECONX);
	h->orig_ueconx.c = avr->io[a].r.c;
	h->orig_ueconx.param = avr->io[a].r.param;
	h->orig_ueconx_w.c = avr->io[a].w.c;
	h->orig_ueconx_w.param = avr->io[a].w.param;
	avr->io[a].w.c = usb_host_ueconx_write;
	avr->io[a].w.param = h;
	a = AVR_DATA_TO_IO(h->base + USB_HOST_UECFG1X);
	h->orig_uecfg1x_w.c = avr->io[a].w.c;
	h->orig_uecfg1x_w.param = avr->io[a].w.param;
	a = AVR_DATA_TO_IO(h->base + USB_HOST_UERST);
	avr->io[a].w.c = usb_host_uerst_write;
	avr->io[a].w.param = h;
	a = AVR_DATA_TO_IO(h->base + USB_HOST_UDINT);
	avr->io[a].w.c = usb_host_flags_write;
	avr->io[a].w.param = h;
	a = AVR_DATA_TO_IO(h->base + USB_HOST_USBINT);
	avr->io[a].w.c = usb_host_flags_write;
	avr->io[a].w.param = h;
	a = AVR_DATA_TO_IO(h->base + USB_HOST_UDCON);
	h->orig_udcon.c = avr->io[a].w.c;
	h->orig_udcon.param = avr->io[a].w.param;
	avr->io[a].w.c = usb_host_udcon_write;
	avr->io[a].w.param = h;
	if (!h->orig_ueintx.c || !h->orig_uebclx.c || !h->orig_ueconx.c || !h->orig_udcon.c || !h->gen_vect ||
	    !h->com_vect || !h->orig_ueconx_w.c || !h->orig_uecfg1x_w.c) {
		snprintf(err, err_len, "simavr's USB module lacks the expected register handlers");
		free(h);
		return NULL;
	}
	h->io.kind = "usb-host";
	h->io.reset = usb_host_avr_reset;
	avr_register_io(avr, &h->io);
	avr_irq_register_notify(attach, usb_host_attach_irq, h);
	avr_cycle_timer_register(avr, h->tick_cycles, usb_host_tick, h);
	return h;
}

usb_host_state_t usb_host_state(const usb_host_t *h)
{
	if (h->step == USB_HOST_E_FAILED)
		return USB_HOST_FAILED;
	if (h->detached || h->step == USB_HOST_E_WAIT_ATTACH)
		return USB_HOST_WAIT_ATTACH;
	if (h->ever_ready)
		return USB_HOST_CONFIGURED;
	return USB_HOST_ENUMERATING;
}

const char *usb_host_error(const usb_host_t *h) { return h->error; }
const usb_host_device_t *usb_host_device(const usb_host_t *h) { return &h->dev; }
size_t usb_host_out_free(const usb_host_t *h) { return sizeof h->out.buf - h->out.len; }
size_t usb_host_out_push(usb_host_t *h, const uint8_t *buf, size_t n) { return usb_host_ring_push(&h->out, buf, n); }
size_t usb_host_out_pending(const usb_host_t *h) { return h->out.len; }

size_t usb_host_in_take(usb_host_t *h, uint8_t *buf, size_t max)
{
	size_t n = usb_host_ring_peek(&h->in, buf, max);
	usb_host_ring_drop(&h->in, n);
	return n;
}

int usb_host_device_waiting(const usb_host_t *h)
{
	return h->step == USB_HOST_E_READY && h->ctl.stage == USB_HOST_CTL_IDLE && !h->line_dirty && h->replied &&
	       h->waiting && !h->detached && !h->suspended && !h->nextra && !h->line_pending && !usb_host_events_pending(h);
}

int usb_host_events_pending(const usb_host_t *h)
{
	for (unsigned i = 0; i < h->nsched; i++)
		if (h->sched[i].trigger != USB_EVENT_AT_OUT_BYTES)
			return 1; /* due now or at a simulated time: time has to run */
	return 0;
}

void usb_host_set_ping(usb_host_t *h, unsigned ms) { h->ping_every = usb_host_ms(h, ms); }

void usb_host_set_profile(usb_host_t *h, int profile)
{
	h->profile = (usb_profile_id_t)profile;
	h->steps = usb_profile_steps(h->profile);
}

int usb_host_schedule(usb_host_t *h, const usb_event_t *ev)
{
	if (h->nsched >= USB_HOST_MAX_EVENTS)
		return -1;
	usb_event_t e = *ev;
	if (e.relative && e.trigger == USB_EVENT_AT_OUT_BYTES)
		e.at += (double)h->stats.bytes_out;
	else if (e.relative && e.trigger == USB_EVENT_AT_MS)
		e.at += (double)h->avr->cycle * 1e3 / h->avr->frequency;
	e.relative = 0;
	h->sched[h->nsched++] = e;
	return 0;
}

int usb_host_take_fired(usb_host_t *h, usb_event_t *ev)
{
	if (!h->nfired)
		return 0;
	*ev = h->fired[0];
	memmove(&h->fired[0], &h->fired[1], (h->nfired - 1) * sizeof h->fired[0]);
	h->nfired--;
	return 1;
}

uint64_t usb_host_out_since_event(const usb_host_t *h, avr_cycle_count_t *event, avr_cycle_count_t *first)
{
	*event = h->last_event_cycle;
	*first = h->first_out_after_event;
	return h->out_since_event;
}

unsigned usb_host_conformance_log(const usb_host_t *h, const char *const **lines)
{
	static const char *ptrs[USB_HOST_CONF_LOG];
	for (unsigned i = 0; i < h->conf_logged; i++)
		ptrs[i] = h->conf_log[i];
	*lines = ptrs;
	return h->conf_logged;
}

const char *usb_host_profile_name(const usb_host_t *h) { return usb_profile_name(h->profile); }

void usb_host_set_line(usb_host_t *h, const usb_host_line_t *line)
{
	h->line = *line;
	h->line_dirty = 1;
}

int usb_host_device_detached(const usb_host_t *h) { return h->detached; }
avr_cycle_count_t usb_host_attach_cycle(const usb_host_t *h) { return h->attach_cycle; }
void usb_host_stats(const usb_host_t *h, usb_host_stats_t *s) { *s = h->stats; }

void usb_host_on_suspend(usb_host_t *h, usb_host_suspend_fn fn, void *param)
{
	h->on_suspend = fn;
	h->on_suspend_param = param;
}

int usb_host_suspend_active(const usb_host_t *h, avr_cycle_count_t *since)
{
	if (!h->suspended || h->unplugged)
		return 0;
	*since = h->suspend_start;
	return 1;
}
void usb_host_free(usb_host_t *h) { free(h); }
void usb_host_set_verbose(usb_host_t *h, int verbose) { h->verbose = verbose; }
