#include "kbd_usb.h"

#include <avr/io.h>
#include <avr/pgmspace.h>

#include "kbd_clock.h"
#include "kbd_descriptors.h"
#include "kbd_hid.h"

/* Standard request codes (USB 2.0 table 9-4). */
#define KBD_USB_REQ_GET_STATUS 0x00U
#define KBD_USB_REQ_SET_ADDRESS 0x05U
#define KBD_USB_REQ_GET_DESCRIPTOR 0x06U
#define KBD_USB_REQ_GET_CONFIGURATION 0x08U
#define KBD_USB_REQ_SET_CONFIGURATION 0x09U

#define KBD_USB_MAX_ENDPOINT 4U
#define KBD_USB_PACKET_TIMEOUT_MS 50U
#define KBD_USB_PLL_LOCK_MS 10U
#define KBD_USB_DETACHED_MS 10U /* long enough for a host to see a disconnect before the fresh attach */

/* PLLCSR.PINDIV: the 16 MHz clock is divided by 2 for the PLL's 8 MHz input. PLLFRQ at its reset value:
 * PDIV = 0100 (48 MHz), USB clock = PLL output. */
#define KBD_USB_PLL_INPUT (1 << PINDIV)
#define KBD_USB_PLLFRQ_48MHZ (1 << PDIV2)

/* UECFG0X (type, direction) and UECFG1X (size) values. */
#define KBD_USB_EPCFG_CONTROL 0x00U
#define KBD_USB_EPCFG_INTERRUPT_IN ((1 << EPTYPE1) | (1 << EPTYPE0) | (1 << EPDIR))
#define KBD_USB_EPSIZE_8 0x00U
#define KBD_USB_EPSIZE_64 ((1 << EPSIZE1) | (1 << EPSIZE0))

_Static_assert(KBD_DESCRIPTORS_EP0_SIZE == 64U, "EP0 is configured as 64 bytes");
_Static_assert(KBD_DESCRIPTORS_KEYBOARD_EP_SIZE == 8U, "EP1 is configured as 8 bytes");
_Static_assert(KBD_DESCRIPTORS_KEYBOARD_EP <= KBD_USB_MAX_ENDPOINT, "the simulator has endpoints 0..4 only");
_Static_assert(sizeof(kbd_usb_setup_t) == 8U, "a SETUP packet is 8 bytes");

static uint8_t kbd_usb_configuration;

static void kbd_usb_wait_ms(uint16_t ms)
{
	uint16_t start = kbd_clock_now();
	while (kbd_clock_since(start) < KBD_CLOCK_MS(ms)) {
	}
}

/* Configures the selected-by-number endpoint, single bank; false when the controller refuses it. */
static bool kbd_usb_configure_endpoint(uint8_t ep, uint8_t cfg0, uint8_t size)
{
	UENUM = ep;
	UECONX = (1 << EPEN);
	UECFG0X = cfg0;
	UECFG1X = size | (1 << ALLOC);
	return (UESTA0X & (1 << CFGOK)) != 0;
}

/* Disables and frees endpoints 1..4 (highest first, as the datasheet's allocation scheme asks). */
static void kbd_usb_free_endpoints(void)
{
	for (uint8_t ep = KBD_USB_MAX_ENDPOINT; ep >= 1; ep--) {
		UENUM = ep;
		UEIENX = 0;
		UECONX = 0;
		UECFG1X = 0;
	}
	UENUM = 0;
}

static void kbd_usb_bus_reset(void)
{
	kbd_usb_configuration = 0;
	kbd_usb_free_endpoints();
	UDADDR = 0;
	kbd_usb_configure_endpoint(0, KBD_USB_EPCFG_CONTROL, KBD_USB_EPSIZE_64);
	UEIENX = 0;
	kbd_hid_reset();
}

void kbd_usb_init(void)
{
	/* Whatever ran before: off the bus, no USB interrupts, then USBE = 0, which resets the controller. */
	UDCON = (1 << DETACH);
	UDIEN = 0;
	USBINT = 0;
	USBCON = (1 << FRZCLK);
	USBCON = 0;

	UHWCON = (1 << UVREGE); /* USB pad regulator on */
	PLLCSR = 0;
	PLLFRQ = KBD_USB_PLLFRQ_48MHZ;
	PLLCSR = KBD_USB_PLL_INPUT;
	PLLCSR = KBD_USB_PLL_INPUT | (1 << PLLE);
	uint16_t start = kbd_clock_now();
	while (!(PLLCSR & (1 << PLOCK)) && kbd_clock_since(start) < KBD_CLOCK_MS(KBD_USB_PLL_LOCK_MS)) {
	}

	USBCON = (1 << USBE) | (1 << FRZCLK) | (1 << OTGPADE);
	USBCON = (1 << USBE) | (1 << OTGPADE); /* clock running */
	UDCON = (1 << DETACH);                 /* full speed (LSM = 0), still detached */
	UDINT = 0;
	/* The simulator keeps endpoint state across USBE = 0 (real silicon resets it): clear EP0 too. */
	UENUM = 0;
	UEIENX = 0;
	kbd_usb_bus_reset();
	kbd_usb_wait_ms(KBD_USB_DETACHED_MS);
	UDCON = 0; /* attach: the host resets the bus, then enumerates */
}

bool kbd_usb_configured(void)
{
	return kbd_usb_configuration != 0;
}

/* Waits until the EP0 IN bank is free; false when the host sent OUT (status) or a new SETUP, or went silent. */
static bool kbd_usb_wait_in(void)
{
	uint16_t start = kbd_clock_now();
	for (;;) {
		uint8_t flags = UEINTX;
		if (flags & ((1 << RXSTPI) | (1 << RXOUTI)))
			return false;
		if (flags & (1 << TXINI))
			return true;
		if ((UDINT & (1 << EORSTI)) || kbd_clock_since(start) > KBD_CLOCK_MS(KBD_USB_PACKET_TIMEOUT_MS))
			return false;
	}
}

static bool kbd_usb_send(const uint8_t *data, uint16_t length, uint16_t w_length, bool in_flash)
{
	uint16_t left = length < w_length ? length : w_length;
	bool short_answer = left < w_length; /* the host learns the end from a short (maybe empty) packet */

	for (;;) {
		uint8_t n = left > KBD_DESCRIPTORS_EP0_SIZE ? KBD_DESCRIPTORS_EP0_SIZE : (uint8_t)left;
		if (!kbd_usb_wait_in())
			return false;
		for (uint8_t i = 0; i < n; i++, data++)
			UEDATX = in_flash ? pgm_read_byte(data) : *data;
		UEINTX = (uint8_t)~(1 << TXINI);
		left = (uint16_t)(left - n);
		if (left == 0 && (n < KBD_DESCRIPTORS_EP0_SIZE || !short_answer))
			return true;
	}
}

bool kbd_usb_control_send(const uint8_t *data, uint16_t length, uint16_t w_length)
{
	return kbd_usb_send(data, length, w_length, false);
}

bool kbd_usb_control_send_flash(const uint8_t *data, uint16_t length, uint16_t w_length)
{
	return kbd_usb_send(data, length, w_length, true);
}

bool kbd_usb_control_ack(void)
{
	if (!kbd_usb_wait_in())
		return false;
	UEINTX = (uint8_t)~(1 << TXINI);
	return true;
}

bool kbd_usb_control_receive(uint8_t *data, uint8_t length)
{
	uint16_t start = kbd_clock_now();
	while (!(UEINTX & (1 << RXOUTI))) {
		if ((UEINTX & (1 << RXSTPI)) || (UDINT & (1 << EORSTI)) ||
		    kbd_clock_since(start) > KBD_CLOCK_MS(KBD_USB_PACKET_TIMEOUT_MS))
			return false;
	}
	uint8_t n = UEBCLX;
	for (uint8_t i = 0; i < n; i++) {
		uint8_t b = UEDATX;
		if (i < length)
			data[i] = b;
	}
	UEINTX = (uint8_t)~(1 << RXOUTI);
	bool complete = n >= length;
	return kbd_usb_control_ack() && complete;
}

bool kbd_usb_in_send(uint8_t ep, const uint8_t *data, uint8_t length)
{
	bool sent = false;
	UENUM = ep;
	if (UEINTX & (1 << TXINI)) {
		UEINTX = (uint8_t)~(1 << TXINI);
		for (uint8_t i = 0; i < length; i++)
			UEDATX = data[i];
		UEINTX = (uint8_t)~(1 << FIFOCON); /* hand the bank to the controller */
		sent = true;
	}
	UENUM = 0;
	return sent;
}

static bool kbd_usb_set_configuration(uint8_t value)
{
	if (value > KBD_DESCRIPTORS_CONFIGURATION_VALUE)
		return false;
	kbd_usb_configuration = value;
	kbd_usb_free_endpoints();
	kbd_hid_reset();
	if (value) {
		kbd_usb_configure_endpoint(KBD_DESCRIPTORS_KEYBOARD_EP, KBD_USB_EPCFG_INTERRUPT_IN, KBD_USB_EPSIZE_8);
		UERST = (1 << KBD_DESCRIPTORS_KEYBOARD_EP); /* empty FIFO, data toggle DATA0 */
		UERST = 0;
	}
	UENUM = 0;
	kbd_usb_control_ack();
	return true;
}

/* GET_STATUS: device (bus powered, no remote wakeup), interface, or endpoint (halt bit). */
static bool kbd_usb_get_status(const kbd_usb_setup_t *s)
{
	uint8_t status[2] = { 0, 0 };
	uint8_t recipient = s->bm_request_type & KBD_USB_RECIPIENT_MASK;

	if (recipient == KBD_USB_RECIPIENT_INTERFACE) {
		if (s->w_index != KBD_DESCRIPTORS_KEYBOARD_INTERFACE || !kbd_usb_configured())
			return false;
	} else if (recipient == KBD_USB_RECIPIENT_ENDPOINT) {
		uint8_t ep = (uint8_t)s->w_index & 0x7FU;
		if (ep == KBD_DESCRIPTORS_KEYBOARD_EP && kbd_usb_configured()) {
			UENUM = ep;
			status[0] = (UECONX & (1 << STALLRQ)) ? 1 : 0;
			UENUM = 0;
		} else if (ep != 0) {
			return false;
		}
	} else if (recipient != KBD_USB_RECIPIENT_DEVICE) {
		return false;
	}
	kbd_usb_control_send(status, sizeof status, s->w_length);
	return true;
}

static bool kbd_usb_get_descriptor(const kbd_usb_setup_t *s)
{
	const uint8_t *data;
	uint16_t length;
	uint8_t type = (uint8_t)(s->w_value >> 8);
	bool class_descriptor = type == KBD_DESCRIPTORS_TYPE_HID || type == KBD_DESCRIPTORS_TYPE_REPORT;
	uint8_t recipient = s->bm_request_type & KBD_USB_RECIPIENT_MASK;

	/* Device descriptors go to the device; the HID and report descriptors to the keyboard interface. */
	if (class_descriptor ? (recipient != KBD_USB_RECIPIENT_INTERFACE || s->w_index != KBD_DESCRIPTORS_KEYBOARD_INTERFACE)
	                     : recipient != KBD_USB_RECIPIENT_DEVICE)
		return false;
	if (!kbd_descriptors_find(s->w_value, &data, &length))
		return false;
	kbd_usb_control_send_flash(data, length, s->w_length);
	return true;
}

static bool kbd_usb_standard_request(const kbd_usb_setup_t *s)
{
	bool in = (s->bm_request_type & KBD_USB_DIR_IN) != 0;

	switch (s->b_request) {
	case KBD_USB_REQ_GET_DESCRIPTOR:
		return in && kbd_usb_get_descriptor(s);
	case KBD_USB_REQ_SET_ADDRESS:
		if (s->bm_request_type != 0 || s->w_value > 0x7FU)
			return false;
		UDADDR = (uint8_t)s->w_value; /* the address takes effect after the status stage */
		if (kbd_usb_control_ack() && kbd_usb_wait_in())
			UDADDR = (uint8_t)s->w_value | (1 << ADDEN);
		return true;
	case KBD_USB_REQ_SET_CONFIGURATION:
		return s->bm_request_type == 0 && kbd_usb_set_configuration((uint8_t)s->w_value);
	case KBD_USB_REQ_GET_CONFIGURATION:
		if (s->bm_request_type != KBD_USB_DIR_IN)
			return false;
		kbd_usb_control_send(&kbd_usb_configuration, 1, s->w_length);
		return true;
	case KBD_USB_REQ_GET_STATUS:
		return in && kbd_usb_get_status(s);
	default:
		return false;
	}
}

static void kbd_usb_handle_setup(void)
{
	kbd_usb_setup_t s;
	uint8_t *raw = (uint8_t *)&s;
	bool handled;

	for (uint8_t i = 0; i < sizeof s; i++)
		raw[i] = UEDATX; /* read all 8: a data stage reuses the bank */
	UEINTX = (uint8_t)~(1 << RXSTPI);

	switch (s.bm_request_type & KBD_USB_TYPE_MASK) {
	case KBD_USB_TYPE_STANDARD:
		handled = kbd_usb_standard_request(&s);
		break;
	case KBD_USB_TYPE_CLASS:
		handled = kbd_hid_control_request(&s);
		break;
	default:
		handled = false;
		break;
	}
	UENUM = 0;
	if (!handled)
		UECONX = (1 << STALLRQ) | (1 << EPEN); /* until the next SETUP */
}

void kbd_usb_task(void)
{
	if (UDINT & (1 << EORSTI)) {
		UDINT &= (uint8_t)~(1 << EORSTI);
		kbd_usb_bus_reset();
	}
	UENUM = 0;
	uint8_t flags = UEINTX;
	if (flags & (1 << RXSTPI))
		kbd_usb_handle_setup();
	else if (flags & (1 << RXOUTI))
		UEINTX = (uint8_t)~(1 << RXOUTI); /* the host's status packet after a control read */
}
