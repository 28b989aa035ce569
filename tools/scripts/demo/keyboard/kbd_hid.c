#include "kbd_hid.h"

#include <string.h>

#include "kbd_descriptors.h"

/* HID class requests (HID 1.11 section 7.2) and report types (wValue high byte). */
#define KBD_HID_REQ_GET_REPORT 0x01U
#define KBD_HID_REQ_GET_IDLE 0x02U
#define KBD_HID_REQ_GET_PROTOCOL 0x03U
#define KBD_HID_REQ_SET_REPORT 0x09U
#define KBD_HID_REQ_SET_IDLE 0x0AU
#define KBD_HID_REQ_SET_PROTOCOL 0x0BU
#define KBD_HID_REPORT_INPUT 0x01U
#define KBD_HID_REPORT_OUTPUT 0x02U
#define KBD_HID_PROTOCOL_BOOT 0x00U
#define KBD_HID_PROTOCOL_REPORT 0x01U
#define KBD_HID_IDLE_DEFAULT 125U /* x 4 ms = 500 ms, the recommended keyboard default (section 7.2.4) */
#define KBD_HID_REQUEST_IN (KBD_USB_DIR_IN | KBD_USB_TYPE_CLASS | KBD_USB_RECIPIENT_INTERFACE)
#define KBD_HID_REQUEST_OUT (KBD_USB_TYPE_CLASS | KBD_USB_RECIPIENT_INTERFACE)

static uint8_t kbd_hid_report[KBD_HID_REPORT_SIZE];
static uint8_t kbd_hid_led_state;
static uint8_t kbd_hid_idle;
static uint8_t kbd_hid_protocol;

void kbd_hid_reset(void)
{
	memset(kbd_hid_report, 0, sizeof kbd_hid_report);
	kbd_hid_led_state = 0;
	kbd_hid_idle = KBD_HID_IDLE_DEFAULT;
	kbd_hid_protocol = KBD_HID_PROTOCOL_REPORT;
}

static bool kbd_hid_get_report(const kbd_usb_setup_t *s)
{
	/* No report IDs: the low byte of wValue must be 0. */
	if ((uint8_t)s->w_value != 0)
		return false;
	switch ((uint8_t)(s->w_value >> 8)) {
	case KBD_HID_REPORT_INPUT:
		kbd_usb_control_send(kbd_hid_report, sizeof kbd_hid_report, s->w_length);
		return true;
	case KBD_HID_REPORT_OUTPUT:
		kbd_usb_control_send(&kbd_hid_led_state, 1, s->w_length);
		return true;
	default:
		return false;
	}
}

static bool kbd_hid_set_report(const kbd_usb_setup_t *s)
{
	uint8_t leds;
	if (s->w_value != (KBD_HID_REPORT_OUTPUT << 8) || s->w_length != 1)
		return false;
	if (kbd_usb_control_receive(&leds, 1))
		kbd_hid_led_state = leds;
	return true;
}

bool kbd_hid_control_request(const kbd_usb_setup_t *s)
{
	if (s->w_index != KBD_DESCRIPTORS_KEYBOARD_INTERFACE)
		return false;
	if (s->bm_request_type == KBD_HID_REQUEST_IN) {
		switch (s->b_request) {
		case KBD_HID_REQ_GET_REPORT:
			return kbd_hid_get_report(s);
		case KBD_HID_REQ_GET_IDLE:
			kbd_usb_control_send(&kbd_hid_idle, 1, s->w_length);
			return true;
		case KBD_HID_REQ_GET_PROTOCOL:
			kbd_usb_control_send(&kbd_hid_protocol, 1, s->w_length);
			return true;
		default:
			return false;
		}
	}
	if (s->bm_request_type == KBD_HID_REQUEST_OUT) {
		switch (s->b_request) {
		case KBD_HID_REQ_SET_REPORT:
			return kbd_hid_set_report(s);
		case KBD_HID_REQ_SET_IDLE:
			kbd_hid_idle = (uint8_t)(s->w_value >> 8); /* low byte: report ID, 0 = all */
			kbd_usb_control_ack();
			return true;
		case KBD_HID_REQ_SET_PROTOCOL:
			if (s->w_value > KBD_HID_PROTOCOL_REPORT)
				return false;
			kbd_hid_protocol = (uint8_t)s->w_value;
			kbd_usb_control_ack();
			return true;
		default:
			return false;
		}
	}
	return false;
}

bool kbd_hid_send_report(const uint8_t report[KBD_HID_REPORT_SIZE])
{
	memcpy(kbd_hid_report, report, sizeof kbd_hid_report);
	return kbd_usb_in_send(KBD_DESCRIPTORS_KEYBOARD_EP, kbd_hid_report, sizeof kbd_hid_report);
}

uint8_t kbd_hid_leds(void)
{
	return kbd_hid_led_state;
}
