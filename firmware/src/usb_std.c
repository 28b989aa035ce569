#include "board.h"

#include <avr/io.h>
#include <avr/pgmspace.h>

#include "cdc_acm.h"
#include "clock.h"
#include "descriptors.h"
#include "usb_hw.h"
#include "usb_std.h"

#define USB_REQ_GET_STATUS 0x00U
#define USB_REQ_CLEAR_FEATURE 0x01U
#define USB_REQ_SET_FEATURE 0x03U
#define USB_REQ_SET_ADDRESS 0x05U
#define USB_REQ_GET_DESCRIPTOR 0x06U
#define USB_REQ_GET_CONFIGURATION 0x08U
#define USB_REQ_SET_CONFIGURATION 0x09U
#define USB_REQ_GET_INTERFACE 0x0AU
#define USB_REQ_SET_INTERFACE 0x0BU
#define USB_FEATURE_ENDPOINT_HALT 0x00U

static uint8_t usb_std_configuration;

void usb_std_init(void)
{
	usb_std_configuration = 0;
	usb_hw_configure_endpoint(0, USB_HW_EPTYPE_CONTROL, USB_HW_EPSIZE_64);
}

bool usb_std_configured(void)
{
	return usb_std_configuration != 0;
}

/* Waits until the control IN bank is free; false when the host sent OUT (status) or a new SETUP instead. */
static bool usb_std_wait_in(void)
{
	uint16_t start = clock_ms();
	for (;;) {
		uint8_t flags = UEINTX;
		if (flags & ((1 << RXOUTI) | (1 << RXSTPI)))
			return false;
		if (flags & (1 << TXINI))
			return true;
		if (clock_elapsed_ms(start) > USB_STD_CONTROL_TIMEOUT_MS)
			return false;
	}
}

/* Sends a control IN data stage from flash (progmem) or RAM; adds a zero-length packet when needed. */
static bool usb_std_send(const uint8_t *data, uint16_t length, uint16_t w_length, bool progmem)
{
	uint16_t remaining = length < w_length ? length : w_length;
	bool short_of_request = remaining < w_length; /* a full last packet then needs a zero-length one */

	for (;;) {
		uint8_t n = remaining > USB_HW_EP0_SIZE ? USB_HW_EP0_SIZE : (uint8_t)remaining;
		if (!usb_std_wait_in())
			return false;
		for (uint8_t i = 0; i < n; i++)
			usb_hw_write(progmem ? pgm_read_byte(data++) : *data++);
		usb_hw_send_control_in();
		remaining -= n;
		if (remaining == 0 && (n < USB_HW_EP0_SIZE || !short_of_request))
			return true;
	}
}

bool usb_std_control_send(const uint8_t *data, uint16_t length, uint16_t w_length)
{
	return usb_std_send(data, length, w_length, false);
}

bool usb_std_control_status_in(void)
{
	if (!usb_std_wait_in())
		return false;
	usb_hw_send_control_in();
	return true;
}

bool usb_std_control_receive(uint8_t *data, uint16_t length)
{
	uint16_t start = clock_ms();
	uint16_t got = 0;
	while (got < length) {
		uint8_t flags = UEINTX;
		if (flags & (1 << RXSTPI))
			return false;
		if (flags & (1 << RXOUTI)) {
			uint8_t n = usb_hw_byte_count();
			for (uint8_t i = 0; i < n; i++) {
				uint8_t b = usb_hw_read();
				if (got < length)
					data[got++] = b;
			}
			usb_hw_ack_out();
			start = clock_ms();
			if (n < USB_HW_EP0_SIZE)
				break;
		} else if (clock_elapsed_ms(start) > USB_STD_CONTROL_TIMEOUT_MS) {
			return false;
		}
	}
	if (got < length)
		return false;
	return usb_std_control_status_in();
}

static bool usb_std_valid_endpoint(uint8_t address)
{
	uint8_t ep = address & 0x7FU;
	return ep >= 1 && ep <= USB_HW_MAX_ENDPOINT;
}

static void usb_std_configure(uint8_t value)
{
	usb_std_configuration = value;
	cdc_acm_bus_reset();
	if (value == 0)
		return;
	usb_hw_configure_endpoint(DESCRIPTORS_NOTIFY_EP, USB_HW_EPTYPE_INTERRUPT_IN, USB_HW_EPSIZE_16);
	usb_hw_configure_endpoint(DESCRIPTORS_OUT_EP, USB_HW_EPTYPE_BULK_OUT, USB_HW_EPSIZE_64);
	usb_hw_configure_endpoint(DESCRIPTORS_IN_EP, USB_HW_EPTYPE_BULK_IN, USB_HW_EPSIZE_64);
	UERST = (1 << DESCRIPTORS_NOTIFY_EP) | (1 << DESCRIPTORS_OUT_EP) | (1 << DESCRIPTORS_IN_EP);
	UERST = 0;
	cdc_acm_configured();
}

/* Standard requests; returns false to stall. */
static bool usb_std_standard(const struct usb_std_setup *s)
{
	uint8_t recipient = s->bmRequestType & USB_STD_RECIPIENT_MASK;
	uint8_t status[2] = { 0, 0 };

	switch (s->bRequest) {
	case USB_REQ_GET_DESCRIPTOR: {
		const uint8_t *data;
		uint16_t length;
		if (!descriptors_find(s->wValue, &data, &length))
			return false;
		usb_std_send(data, length, s->wLength, true);
		return true;
	}
	case USB_REQ_SET_ADDRESS: {
		uint8_t address = (uint8_t)(s->wValue & 0x7FU);
		UDADDR = address;
		if (usb_std_control_status_in())
			usb_std_wait_in(); /* the address takes effect after the status stage */
		UDADDR = address | (1 << ADDEN);
		return true;
	}
	case USB_REQ_SET_CONFIGURATION:
		if (s->wValue > DESCRIPTORS_CONFIGURATION_VALUE)
			return false;
		usb_std_configure((uint8_t)s->wValue);
		usb_hw_select(0);
		usb_std_control_status_in();
		return true;
	case USB_REQ_GET_CONFIGURATION:
		usb_std_control_send(&usb_std_configuration, 1, s->wLength);
		return true;
	case USB_REQ_GET_STATUS:
		if (recipient == USB_STD_RECIPIENT_ENDPOINT) {
			uint8_t ep = (uint8_t)s->wIndex & 0x7FU;
			if (ep > USB_HW_MAX_ENDPOINT)
				return false;
			usb_hw_select(ep);
			status[0] = (UECONX & (1 << STALLRQ)) ? 1 : 0;
			usb_hw_select(0);
		}
		usb_std_control_send(status, 2, s->wLength);
		return true;
	case USB_REQ_CLEAR_FEATURE:
	case USB_REQ_SET_FEATURE:
		if (recipient != USB_STD_RECIPIENT_ENDPOINT || s->wValue != USB_FEATURE_ENDPOINT_HALT
		    || !usb_std_valid_endpoint((uint8_t)s->wIndex) || !usb_std_configured())
			return recipient == USB_STD_RECIPIENT_DEVICE ? (usb_std_control_status_in(), true) : false;
		usb_hw_select((uint8_t)s->wIndex & 0x7FU);
		if (s->bRequest == USB_REQ_SET_FEATURE) {
			UECONX = (1 << STALLRQ) | (1 << EPEN);
		} else {
			UECONX = (1 << STALLRQC) | (1 << RSTDT) | (1 << EPEN);
			UERST = (uint8_t)(1 << (s->wIndex & 0x07U));
			UERST = 0;
		}
		usb_hw_select(0);
		usb_std_control_status_in();
		return true;
	case USB_REQ_GET_INTERFACE:
		if (s->wIndex >= DESCRIPTORS_INTERFACE_COUNT)
			return false;
		usb_std_control_send(status, 1, s->wLength);
		return true;
	case USB_REQ_SET_INTERFACE:
		if (s->wIndex >= DESCRIPTORS_INTERFACE_COUNT || s->wValue != 0)
			return false;
		usb_std_control_status_in();
		return true;
	default:
		return false;
	}
}

static void usb_std_handle_setup(void)
{
	struct usb_std_setup s;
	uint8_t *raw = (uint8_t *)&s;
	bool handled;

	for (uint8_t i = 0; i < sizeof(s); i++)
		raw[i] = usb_hw_read();
	usb_hw_ack_setup();

	if ((s.bmRequestType & USB_STD_TYPE_MASK) == USB_STD_TYPE_STANDARD)
		handled = usb_std_standard(&s);
	else if ((s.bmRequestType & USB_STD_TYPE_MASK) == USB_STD_TYPE_CLASS)
		handled = cdc_acm_control_request(&s);
	else
		handled = false;

	usb_hw_select(0);
	if (!handled)
		usb_hw_stall();
}

void usb_std_task(void)
{
	uint8_t saved = usb_hw_selected();

	if (UDINT & (1 << EORSTI)) {
		UDINT = (uint8_t)~(1 << EORSTI);
		usb_std_init();
		cdc_acm_bus_reset();
		saved = 0;
	}

	usb_hw_select(0);
	if (usb_hw_setup_received())
		usb_std_handle_setup();
	else if (usb_hw_out_received())
		usb_hw_ack_out(); /* status stage of a control read */

	if (usb_std_configured())
		cdc_acm_poll_out();

	usb_hw_select(saved);
}
