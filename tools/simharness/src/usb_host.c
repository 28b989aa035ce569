/*
 * usb_host: USB host side for simavr 1.6's avr_usb module.
 *
 * Timing: one host tick every 125 µs of simulated time; every 8th tick starts a 1 ms frame (SOF: UDFNUM + 1,
 * UDINT.SOFI, the USB general interrupt when UDIEN.SOFE is set). Control transfers advance one stage per tick
 * (retrying NAKs), bulk OUT sends the bytes queued before the frame started, at most 19 packets per frame, and bulk
 * IN is read once per tick.
 * Enumeration: attach → 1 ms → bus reset → 10 ms → GET_DESCRIPTOR(device, 8) → SET_ADDRESS → 2 ms →
 * GET_DESCRIPTOR(device) → GET_DESCRIPTOR(configuration) → GET_DESCRIPTOR(iProduct) → SET_CONFIGURATION →
 * SET_LINE_CODING → SET_CONTROL_LINE_STATE (STALLs of the last two are tolerated: Caterina stalls one).
 * Leaves out: real bus timing (100 ms attach debounce, 10-20 ms reset), suspend/resume, interrupt (notification)
 * endpoints, data toggles and CRC errors, more than one configuration, composite devices beyond the first CDC
 * data interface, and IN-side frame budgets (IN is polled every tick). simavr itself has no dual-bank endpoints
 * and only endpoints 0-4; a bulk IN NAK and a zero-length packet both read as "no data".
 */
#include "usb_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avr_usb.h"

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
};
#define USB_HOST_USBE 0x80
#define USB_HOST_FRZCLK 0x20
#define USB_HOST_VBUS 0x01
#define USB_HOST_DETACH 0x01
#define USB_HOST_SOFI 0x04
#define USB_HOST_SOFE 0x04
#define USB_HOST_RXSTPI 0x08
#define USB_HOST_RXOUTI 0x04
#define USB_HOST_EPEN 0x01

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
	USB_HOST_E_WAIT_RESET,
	USB_HOST_E_AFTER_RESET,
	USB_HOST_E_DEVICE8,
	USB_HOST_E_ADDRESS,
	USB_HOST_E_ADDRESS_WAIT,
	USB_HOST_E_DEVICE,
	USB_HOST_E_CONFIG9,
	USB_HOST_E_CONFIG,
	USB_HOST_E_PRODUCT,
	USB_HOST_E_SET_CONFIG,
	USB_HOST_E_WAIT_ENDPOINTS,
	USB_HOST_E_LINE_CODING,
	USB_HOST_E_LINE_STATE,
	USB_HOST_E_READY,
	USB_HOST_E_FAILED,
} usb_host_enum_step_t;

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
}

static void usb_host_ctl_step(usb_host_t *h)
{
	usb_host_ctl_t *c = &h->ctl;
	uint32_t sz;
	int rc;
	if (c->stage == USB_HOST_CTL_IDLE || c->stage >= USB_HOST_CTL_DONE)
		return;
	if (h->avr->cycle > c->deadline) {
		c->stage = USB_HOST_CTL_TIMEOUT;
		return;
	}
	if (!usb_host_ep_enabled(h, 0))
		return;
	switch (c->stage) {
	case USB_HOST_CTL_SETUP:
		sz = 8;
		if (usb_host_xfer(h, AVR_IOCTL_USB_SETUP, 0, c->setup, &sz) == AVR_IOCTL_USB_OK)
			c->stage = USB_HOST_CTL_SETUP_TAKEN;
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
			uint8_t ep0 = h->dev.ep0_size ? h->dev.ep0_size : 8;
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
	uint8_t any_in = 0, any_out = 0;
	uint16_t any_in_size = 0, any_out_size = 0;
	dev->config_value = len > 5 ? d[5] : 1;
	for (uint16_t i = 0; i + 1 < len && d[i] >= 2; i = (uint16_t)(i + d[i])) {
		uint8_t type = d[i + 1];
		if (type == 4 && i + 6 < len) { /* interface */
			iface_class = d[i + 5];
			if (iface_class == 0x02)
				dev->comm_interface = d[i + 2];
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

static void usb_host_send_line(usb_host_t *h)
{
	uint8_t lc[7] = { (uint8_t)h->line.baud, (uint8_t)(h->line.baud >> 8), (uint8_t)(h->line.baud >> 16),
		          (uint8_t)(h->line.baud >> 24), 0, 0, 8 }; /* 1 stop bit, no parity, 8 data bits */
	usb_host_ctl_start(h, 0x21, 0x20, 0, h->dev.comm_interface, 7, lc);
}

static void usb_host_send_line_state(usb_host_t *h)
{
	uint16_t v = (uint16_t)((h->line.dtr ? 1 : 0) | (h->line.rts ? 2 : 0));
	usb_host_ctl_start(h, 0x21, 0x22, v, h->dev.comm_interface, 0, NULL);
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

static void usb_host_enumerate(usb_host_t *h)
{
	avr_cycle_count_t since = h->avr->cycle - h->step_cycle;
	usb_host_ctl_t *c = &h->ctl;
	int ctl_done = c->stage == USB_HOST_CTL_DONE;
	int ctl_end = c->stage >= USB_HOST_CTL_DONE;
	if (ctl_end && h->step != USB_HOST_E_READY)
		usb_host_trace(h, "control transfer ended");
	switch (h->step) {
	case USB_HOST_E_WAIT_ATTACH:
		if (h->attached && !h->detached)
			usb_host_goto(h, USB_HOST_E_WAIT_RESET);
		break;
	case USB_HOST_E_WAIT_RESET:
		if (since >= usb_host_ms(h, 1)) {
			uint32_t sz = 0;
			usb_host_xfer(h, AVR_IOCTL_USB_RESET, 0, NULL, &sz);
			h->sof_on = 1;
			usb_host_goto(h, USB_HOST_E_AFTER_RESET);
		}
		break;
	case USB_HOST_E_AFTER_RESET:
		if (since >= usb_host_ms(h, 10)) {
			usb_host_ctl_start(h, 0x80, 6, 0x0100, 0, 8, NULL);
			usb_host_goto(h, USB_HOST_E_DEVICE8);
		}
		break;
	case USB_HOST_E_DEVICE8:
		if (!ctl_end)
			break;
		if (!ctl_done || c->done < 8 || c->data[1] != 1)
			return usb_host_fail(h, "GET_DESCRIPTOR(device)");
		h->dev.ep0_size = c->data[7];
		usb_host_ctl_start(h, 0x00, 5, 1, 0, 0, NULL);
		usb_host_goto(h, USB_HOST_E_ADDRESS);
		break;
	case USB_HOST_E_ADDRESS:
		if (!ctl_end)
			break;
		if (!ctl_done)
			return usb_host_fail(h, "SET_ADDRESS");
		c->stage = USB_HOST_CTL_IDLE;
		usb_host_goto(h, USB_HOST_E_ADDRESS_WAIT);
		break;
	case USB_HOST_E_ADDRESS_WAIT:
		if (since >= usb_host_ms(h, 2)) {
			usb_host_ctl_start(h, 0x80, 6, 0x0100, 0, 18, NULL);
			usb_host_goto(h, USB_HOST_E_DEVICE);
		}
		break;
	case USB_HOST_E_DEVICE:
		if (!ctl_end)
			break;
		if (!ctl_done || c->done < 18)
			return usb_host_fail(h, "GET_DESCRIPTOR(device)");
		h->dev.vid = (uint16_t)(c->data[8] | c->data[9] << 8);
		h->dev.pid = (uint16_t)(c->data[10] | c->data[11] << 8);
		h->dev.product[0] = (char)c->data[15]; /* iProduct, kept until the string is read */
		usb_host_ctl_start(h, 0x80, 6, 0x0200, 0, 9, NULL);
		usb_host_goto(h, USB_HOST_E_CONFIG9);
		break;
	case USB_HOST_E_CONFIG9:
		if (!ctl_end)
			break;
		if (!ctl_done || c->done < 9 || c->data[1] != 2)
			return usb_host_fail(h, "GET_DESCRIPTOR(configuration)");
		usb_host_ctl_start(h, 0x80, 6, 0x0200, 0, (uint16_t)(c->data[2] | c->data[3] << 8), NULL);
		usb_host_goto(h, USB_HOST_E_CONFIG);
		break;
	case USB_HOST_E_CONFIG: {
		if (!ctl_end)
			break;
		if (!ctl_done)
			return usb_host_fail(h, "GET_DESCRIPTOR(configuration)");
		usb_host_parse_config(h, c->data, c->done);
		uint8_t iproduct = (uint8_t)h->dev.product[0];
		h->dev.product[0] = 0;
		usb_host_ctl_start(h, 0x80, 6, (uint16_t)(0x0300 | iproduct), 0x0409, 255, NULL);
		if (!iproduct)
			c->stage = USB_HOST_CTL_STALLED; /* no string: skip the request */
		usb_host_goto(h, USB_HOST_E_PRODUCT);
		break;
	}
	case USB_HOST_E_PRODUCT:
		if (!ctl_end)
			break;
		if (ctl_done && c->done >= 2) {
			size_t n = 0;
			for (uint16_t i = 2; i + 1 < c->done && i + 1 < c->data[0] && n + 1 < sizeof h->dev.product; i += 2)
				h->dev.product[n++] = (c->data[i] >= 0x20 && c->data[i] < 0x7F && !c->data[i + 1]) ? (char)c->data[i] : '?';
			h->dev.product[n] = 0;
		}
		if (!h->dev.in_ep || !h->dev.out_ep) {
			snprintf(h->error, sizeof h->error,
			         "USB device %04x:%04x has no bulk IN and OUT endpoints: not a CDC serial device", h->dev.vid,
			         h->dev.pid);
			h->step = USB_HOST_E_FAILED;
			c->stage = USB_HOST_CTL_IDLE;
			return;
		}
		usb_host_ctl_start(h, 0x00, 9, h->dev.config_value, 0, 0, NULL);
		usb_host_goto(h, USB_HOST_E_SET_CONFIG);
		break;
	case USB_HOST_E_SET_CONFIG:
		if (!ctl_end)
			break;
		if (!ctl_done)
			return usb_host_fail(h, "SET_CONFIGURATION");
		c->stage = USB_HOST_CTL_IDLE;
		usb_host_goto(h, USB_HOST_E_WAIT_ENDPOINTS);
		break;
	case USB_HOST_E_WAIT_ENDPOINTS:
		if (usb_host_ep_enabled(h, h->dev.in_ep) && usb_host_ep_enabled(h, h->dev.out_ep)) {
			usb_host_send_line(h);
			usb_host_goto(h, USB_HOST_E_LINE_CODING);
		} else if (since >= usb_host_ms(h, 500)) {
			snprintf(h->error, sizeof h->error,
			         "USB device configured but its bulk endpoints %u/%u were never enabled", h->dev.in_ep,
			         h->dev.out_ep);
			h->step = USB_HOST_E_FAILED;
		}
		break;
	case USB_HOST_E_LINE_CODING:
		if (!ctl_end)
			break;
		usb_host_send_line_state(h);
		usb_host_goto(h, USB_HOST_E_LINE_STATE);
		break;
	case USB_HOST_E_LINE_STATE:
		if (!ctl_end)
			break;
		c->stage = USB_HOST_CTL_IDLE;
		h->line_dirty = 0;
		if (!h->ever_ready)
			h->replied = 1; /* the host owes the first write */
		h->ever_ready = 1;
		usb_host_goto(h, USB_HOST_E_READY);
		break;
	case USB_HOST_E_READY:
		if (h->line_dirty && (c->stage == USB_HOST_CTL_IDLE || ctl_end)) {
			h->line_dirty = 0;
			usb_host_send_line(h);
			usb_host_goto(h, USB_HOST_E_LINE_CODING);
		} else if (ctl_end) {
			c->stage = USB_HOST_CTL_IDLE;
		}
		break;
	case USB_HOST_E_FAILED:
		break;
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
	while (h->out_eligible && h->out_budget) {
		uint8_t pkt[512];
		size_t n = h->out_eligible < d->out_size ? h->out_eligible : d->out_size;
		if (n > sizeof pkt)
			n = sizeof pkt;
		usb_host_ring_peek(&h->out, pkt, n);
		uint32_t sz = (uint32_t)n;
		if (usb_host_xfer(h, AVR_IOCTL_USB_WRITE, d->out_ep, pkt, &sz) != AVR_IOCTL_USB_OK)
			break; /* NAK: the firmware still holds the bank */
		usb_host_ring_drop(&h->out, n);
		if (h->verbose)
			fprintf(stderr, "usb-host %.3f ms: OUT %zu bytes\n", (double)h->avr->cycle * 1e3 / h->avr->frequency, n);
		h->out_eligible -= n;
		h->out_budget--;
		h->stats.bytes_out += n;
		h->replied = 0;
		h->waiting = 0;
	}
	if (sizeof h->in.buf - h->in.len >= 512) {
		uint8_t pkt[512];
		uint32_t sz = sizeof pkt;
		if (usb_host_xfer(h, AVR_IOCTL_USB_READ, d->in_ep, pkt, &sz) == AVR_IOCTL_USB_OK && sz) {
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

static avr_cycle_count_t usb_host_tick(avr_t *avr, avr_cycle_count_t when, void *param)
{
	usb_host_t *h = param;
	*usb_host_reg(h, USB_HOST_USBSTA) |= USB_HOST_VBUS; /* VBUS is powered; simavr has no VBUS ioctl */
	int frame_start = (h->tick++ % USB_HOST_TICKS_PER_FRAME) == 0;
	uint8_t usbcon = *usb_host_reg(h, 0);
	int running = (usbcon & USB_HOST_USBE) && !(usbcon & USB_HOST_FRZCLK) &&
	              !(*usb_host_reg(h, USB_HOST_UDCON) & USB_HOST_DETACH);
	if (h->attached && !running && !h->detached && h->step != USB_HOST_E_WAIT_ATTACH) {
		h->detached = 1; /* USB macro disabled or clock frozen after attach */
	}
	if (frame_start && h->sof_on && running) {
		h->frame = (uint16_t)((h->frame + 1) & 0x7FF);
		*usb_host_reg(h, USB_HOST_UDFNUML) = (uint8_t)h->frame;
		*usb_host_reg(h, USB_HOST_UDFNUMH) = (uint8_t)(h->frame >> 8);
		*usb_host_reg(h, USB_HOST_UDINT) |= USB_HOST_SOFI;
		if (*usb_host_reg(h, USB_HOST_UDIEN) & USB_HOST_SOFE)
			avr_raise_interrupt(avr, h->gen_vect);
		h->stats.frames++;
	}
	if (running && !h->detached) {
		usb_host_ctl_step(h);
		usb_host_enumerate(h);
		if (h->step == USB_HOST_E_READY)
			usb_host_bulk(h, frame_start);
	}
	return when + h->tick_cycles;
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
	for (int i = 0; i < avr->interrupts.vector_count; i++)
		if (avr->interrupts.vector[i]->vector == usb->usb_gen_vect)
			h->gen_vect = avr->interrupts.vector[i];
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
	a = AVR_DATA_TO_IO(h->base + USB_HOST_UDCON);
	h->orig_udcon.c = avr->io[a].w.c;
	h->orig_udcon.param = avr->io[a].w.param;
	avr->io[a].w.c = usb_host_udcon_write;
	avr->io[a].w.param = h;
	if (!h->orig_ueintx.c || !h->orig_uebclx.c || !h->orig_ueconx.c || !h->orig_udcon.c || !h->gen_vect) {
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
	       h->waiting && !h->detached;
}

void usb_host_set_line(usb_host_t *h, const usb_host_line_t *line)
{
	h->line = *line;
	h->line_dirty = 1;
}

int usb_host_device_detached(const usb_host_t *h) { return h->detached; }
avr_cycle_count_t usb_host_attach_cycle(const usb_host_t *h) { return h->attach_cycle; }
void usb_host_stats(const usb_host_t *h, usb_host_stats_t *s) { *s = h->stats; }
void usb_host_free(usb_host_t *h) { free(h); }
void usb_host_set_verbose(usb_host_t *h, int verbose) { h->verbose = verbose; }
