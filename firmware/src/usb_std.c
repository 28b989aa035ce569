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
bool usb_std_link_event; /* see usb_std.h: set here, cleared by the main loop */
static bool usb_std_is_suspended;

void usb_std_init(void)
{
	usb_std_configuration = 0;
	usb_hw_configure_endpoint(0, USB_HW_EPTYPE_CONTROL, USB_HW_EPSIZE_64);
}

bool usb_std_configured(void)
{
	return usb_std_configuration != 0;
}

bool usb_std_link_check(void)
{
	uint8_t saved = usb_hw_selected();
	usb_hw_select(0);
	bool flagged = (UDINT & (1 << EORSTI)) || (USBINT & (1 << VBUSTI)) || usb_hw_setup_received();
	usb_hw_select(saved);
	if (flagged)
		usb_std_task();
	return usb_std_link_event;
}

void usb_std_link_clear(void)
{
	usb_std_link_event = false;
}

bool usb_std_suspended(void)
{
	return usb_std_is_suspended;
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

/* Endpoint addresses (with direction) that exist now: endpoint 0 always, the data endpoints once configured. */
static bool usb_std_endpoint_exists(uint16_t w_index)
{
	uint8_t address = (uint8_t)w_index;
	if ((w_index & 0xFF70U) != 0)
		return false;
	if ((address & 0x0FU) == 0)
		return true;
	if (!usb_std_configured())
		return false;
	return address == (0x80U | DESCRIPTORS_NOTIFY_EP) || address == DESCRIPTORS_OUT_EP
	       || address == (0x80U | DESCRIPTORS_IN_EP);
}

static bool usb_std_interface_exists(uint16_t w_index)
{
	return usb_std_configured() && w_index < DESCRIPTORS_INTERFACE_COUNT;
}

/* DATA0 on the next packet of `ep`, its FIFO emptied, any halt cleared. */
static void usb_std_reset_endpoint(uint8_t ep)
{
	usb_hw_select(ep);
	UECONX = (1 << STALLRQC) | (1 << RSTDT) | (1 << EPEN);
	UERST = (uint8_t)(1 << ep);
	UERST = 0;
}

static void usb_std_configure(uint8_t value)
{
	static const uint8_t data_eps[] = { DESCRIPTORS_NOTIFY_EP, DESCRIPTORS_OUT_EP, DESCRIPTORS_IN_EP };
	usb_std_configuration = value;
	usb_std_link_event = true;
	/* Every SET_CONFIGURATION starts the data endpoints afresh: disabling one (EPEN 1 -> 0) resets its data
	 * toggle to DATA0 (chapter 9: after SET_CONFIGURATION every toggle is DATA0); configuration 0 leaves them off. */
	for (uint8_t i = 0; i < sizeof data_eps; i++) {
		usb_hw_select(data_eps[i]);
		UECONX = 0;
	}
	if (value == 0)
		return;
	usb_hw_configure_endpoint(DESCRIPTORS_NOTIFY_EP, USB_HW_EPTYPE_INTERRUPT_IN, USB_HW_EPSIZE_16);
	usb_hw_configure_endpoint(DESCRIPTORS_OUT_EP, USB_HW_EPTYPE_BULK_OUT, USB_HW_EPSIZE_64);
	usb_hw_configure_endpoint(DESCRIPTORS_IN_EP, USB_HW_EPTYPE_BULK_IN, USB_HW_EPSIZE_64);
	for (uint8_t i = 0; i < sizeof data_eps; i++)
		usb_std_reset_endpoint(data_eps[i]);
}

static bool usb_std_status(const struct usb_std_setup *s, uint8_t recipient)
{
	uint8_t status[2] = { 0, 0 }; /* device: bus powered, no remote wakeup */
	if (recipient == USB_STD_RECIPIENT_ENDPOINT) {
		if (!usb_std_endpoint_exists(s->wIndex))
			return false;
		usb_hw_select((uint8_t)s->wIndex & 0x0FU);
		status[0] = (UECONX & (1 << STALLRQ)) ? 1 : 0;
		usb_hw_select(0);
	} else if (recipient == USB_STD_RECIPIENT_INTERFACE) {
		if (!usb_std_interface_exists(s->wIndex))
			return false;
	} else if (recipient != USB_STD_RECIPIENT_DEVICE) {
		return false;
	}
	usb_std_control_send(status, 2, s->wLength);
	return true;
}

/* SET_FEATURE / CLEAR_FEATURE: only ENDPOINT_HALT exists here (no remote wakeup, full speed has no test mode). */
static bool usb_std_feature(const struct usb_std_setup *s, uint8_t recipient)
{
	if (recipient != USB_STD_RECIPIENT_ENDPOINT || s->wValue != USB_FEATURE_ENDPOINT_HALT
	    || !usb_std_endpoint_exists(s->wIndex))
		return false;
	uint8_t ep = (uint8_t)s->wIndex & 0x0FU;
	if (ep != 0) {
		if (s->bRequest == USB_REQ_SET_FEATURE) {
			usb_hw_select(ep);
			UECONX = (1 << STALLRQ) | (1 << EPEN);
		} else {
			usb_std_reset_endpoint(ep);
			if (ep != DESCRIPTORS_NOTIFY_EP)
				usb_std_link_event = true; /* the host reset its data pipe: the byte stream restarts */
		}
		usb_hw_select(0);
	}
	usb_std_control_status_in();
	return true;
}

/* Standard requests; returns false to stall (Request Error). */
static bool usb_std_standard(const struct usb_std_setup *s)
{
	uint8_t recipient = s->bmRequestType & USB_STD_RECIPIENT_MASK;

	switch (s->bRequest) {
	case USB_REQ_GET_DESCRIPTOR: {
		const uint8_t *data;
		uint16_t length;
		enum descriptors_memory where = descriptors_find(s->wValue, &data, &length);
		if (where == DESCRIPTORS_NONE || recipient != USB_STD_RECIPIENT_DEVICE)
			return false;
		usb_std_send(data, length, s->wLength, where == DESCRIPTORS_FLASH);
		return true;
	}
	case USB_REQ_SET_ADDRESS: {
		if (s->wValue > 0x7FU || recipient != USB_STD_RECIPIENT_DEVICE)
			return false;
		uint8_t address = (uint8_t)s->wValue;
		UDADDR = address;
		if (usb_std_control_status_in())
			usb_std_wait_in(); /* the address takes effect after the status stage */
		UDADDR = address | (1 << ADDEN);
		return true;
	}
	case USB_REQ_SET_CONFIGURATION:
		if (s->wValue > DESCRIPTORS_CONFIGURATION_VALUE || recipient != USB_STD_RECIPIENT_DEVICE)
			return false;
		usb_std_configure((uint8_t)s->wValue);
		usb_hw_select(0);
		usb_std_control_status_in();
		return true;
	case USB_REQ_GET_CONFIGURATION:
		usb_std_control_send(&usb_std_configuration, 1, s->wLength);
		return true;
	case USB_REQ_GET_STATUS:
		return usb_std_status(s, recipient);
	case USB_REQ_CLEAR_FEATURE:
	case USB_REQ_SET_FEATURE:
		return usb_std_feature(s, recipient);
	case USB_REQ_GET_INTERFACE: {
		uint8_t alternate = 0;
		if (recipient != USB_STD_RECIPIENT_INTERFACE || !usb_std_interface_exists(s->wIndex))
			return false;
		usb_std_control_send(&alternate, 1, s->wLength);
		return true;
	}
	case USB_REQ_SET_INTERFACE:
		if (recipient != USB_STD_RECIPIENT_INTERFACE || !usb_std_interface_exists(s->wIndex) || s->wValue != 0)
			return false;
		/* Chapter 9: the interface's endpoints restart at DATA0. */
		if (s->wIndex == DESCRIPTORS_INTERFACE_DATA) {
			usb_std_reset_endpoint(DESCRIPTORS_OUT_EP);
			usb_std_reset_endpoint(DESCRIPTORS_IN_EP);
			usb_std_link_event = true;
		} else {
			usb_std_reset_endpoint(DESCRIPTORS_NOTIFY_EP);
		}
		usb_hw_select(0);
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

/* SUSPI: freeze the USB clock (the controller then draws almost nothing); WAKEUPI: run it again. */
static void usb_std_power(void)
{
	uint8_t flags = UDINT;
	if (!usb_std_is_suspended && (flags & (1 << SUSPI))) {
		UDINT = (uint8_t)~((1 << SUSPI) | (1 << WAKEUPI));
		usb_std_is_suspended = true;
		USBCON |= (1 << FRZCLK);
	} else if (usb_std_is_suspended && (flags & ((1 << WAKEUPI) | (1 << EORSTI)))) {
		USBCON &= (uint8_t)~(1 << FRZCLK);
		UDINT = (uint8_t)~((1 << WAKEUPI) | (1 << SUSPI));
		usb_std_is_suspended = false;
	}
}

/* VBUS went away (unplugged from a hub that keeps us powered, or the host cut the port): the session is over. */
static void usb_std_vbus(void)
{
	if (!(USBINT & (1 << VBUSTI)))
		return;
	USBINT = (uint8_t)~(1 << VBUSTI);
	if (!(USBSTA & (1 << VBUS)))
		usb_std_link_event = true;
}

void usb_std_task(void)
{
	uint8_t saved = usb_hw_selected();

	usb_std_vbus();
	usb_std_power();
	if (usb_std_is_suspended)
		return;
	if (UDINT & (1 << EORSTI)) {
		UDINT = (uint8_t)~(1 << EORSTI);
		usb_std_init();
		usb_std_link_event = true; /* endpoints 1..4 are gone; whatever the host sent before is void */
		saved = 0;
	}

	usb_hw_select(0);
	if (usb_hw_setup_received())
		usb_std_handle_setup();
	else if (usb_hw_out_received())
		usb_hw_ack_out(); /* status stage of a control read */

	usb_hw_select(saved);
}
