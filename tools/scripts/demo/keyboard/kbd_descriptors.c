#include "kbd_descriptors.h"

#include <avr/pgmspace.h>

#define KBD_DESCRIPTORS_VID 0x1209U /* pid.codes */
#define KBD_DESCRIPTORS_PID 0x0001U /* pid.codes test PID: for testing and demos, never for shipped products */
#define KBD_DESCRIPTORS_BCD_USB 0x0200U
#define KBD_DESCRIPTORS_BCD_HID 0x0111U
#define KBD_DESCRIPTORS_BCD_DEVICE 0x0100U
#define KBD_DESCRIPTORS_LANGUAGE_EN_US 0x0409U
#define KBD_DESCRIPTORS_TYPE_INTERFACE 0x04U
#define KBD_DESCRIPTORS_TYPE_ENDPOINT 0x05U
#define KBD_DESCRIPTORS_CLASS_HID 0x03U
#define KBD_DESCRIPTORS_SUBCLASS_BOOT 0x01U
#define KBD_DESCRIPTORS_PROTOCOL_KEYBOARD 0x01U
#define KBD_DESCRIPTORS_EP_IN 0x80U
#define KBD_DESCRIPTORS_EP_INTERRUPT 0x03U
#define KBD_DESCRIPTORS_ATTR_BUS_POWERED 0x80U /* bit 7 is reserved as one; no self power, no remote wakeup */
#define KBD_DESCRIPTORS_MAX_POWER_2MA 50U      /* 100 mA */

#define KBD_DESCRIPTORS_LE16(v) (uint8_t)((v) & 0xFFU), (uint8_t)((v) >> 8)

enum kbd_descriptors_string {
	KBD_DESCRIPTORS_STRING_LANGUAGE = 0,
	KBD_DESCRIPTORS_STRING_MANUFACTURER = 1,
	KBD_DESCRIPTORS_STRING_PRODUCT = 2,
	KBD_DESCRIPTORS_STRING_SERIAL = 3,
	KBD_DESCRIPTORS_STRING_COUNT = 4,
};

/* The boot keyboard report layout of HID 1.11 appendix B.1, written as items (HID 1.11 section 6.2.2). */
static const uint8_t kbd_descriptors_report[] PROGMEM = {
	0x05, 0x01, /* usage page: generic desktop */
	0x09, 0x06, /* usage: keyboard */
	0xA1, 0x01, /* collection: application */
	/* byte 0: eight modifier bits, usages 0xE0 (left control) .. 0xE7 (right GUI) */
	0x05, 0x07, /*   usage page: keyboard/keypad */
	0x19, 0xE0, /*   usage minimum */
	0x29, 0xE7, /*   usage maximum */
	0x15, 0x00, /*   logical minimum 0 */
	0x25, 0x01, /*   logical maximum 1 */
	0x75, 0x01, /*   report size 1 */
	0x95, 0x08, /*   report count 8 */
	0x81, 0x02, /*   input: data, variable, absolute */
	/* byte 1: reserved */
	0x95, 0x01, /*   report count 1 */
	0x75, 0x08, /*   report size 8 */
	0x81, 0x01, /*   input: constant */
	/* output byte: five LEDs (num lock .. kana), three bits padding */
	0x95, 0x05, /*   report count 5 */
	0x75, 0x01, /*   report size 1 */
	0x05, 0x08, /*   usage page: LEDs */
	0x19, 0x01, /*   usage minimum */
	0x29, 0x05, /*   usage maximum */
	0x91, 0x02, /*   output: data, variable, absolute */
	0x95, 0x01, /*   report count 1 */
	0x75, 0x03, /*   report size 3 */
	0x91, 0x01, /*   output: constant */
	/* bytes 2..7: up to six key codes, 0 .. 101 */
	0x95, 0x06, /*   report count 6 */
	0x75, 0x08, /*   report size 8 */
	0x15, 0x00, /*   logical minimum 0 */
	0x25, 0x65, /*   logical maximum 101 */
	0x05, 0x07, /*   usage page: keyboard/keypad */
	0x19, 0x00, /*   usage minimum */
	0x29, 0x65, /*   usage maximum */
	0x81, 0x00, /*   input: data, array, absolute */
	0xC0,       /* end collection */
};

static const uint8_t kbd_descriptors_device[18] PROGMEM = {
	18, KBD_DESCRIPTORS_TYPE_DEVICE,
	KBD_DESCRIPTORS_LE16(KBD_DESCRIPTORS_BCD_USB),
	0, 0, 0, /* class, subclass, protocol: defined per interface */
	KBD_DESCRIPTORS_EP0_SIZE,
	KBD_DESCRIPTORS_LE16(KBD_DESCRIPTORS_VID),
	KBD_DESCRIPTORS_LE16(KBD_DESCRIPTORS_PID),
	KBD_DESCRIPTORS_LE16(KBD_DESCRIPTORS_BCD_DEVICE),
	KBD_DESCRIPTORS_STRING_MANUFACTURER, KBD_DESCRIPTORS_STRING_PRODUCT, KBD_DESCRIPTORS_STRING_SERIAL,
	1, /* configurations */
};

/* The configuration and what follows it, in the order GET_DESCRIPTOR(configuration) returns them. */
static const struct {
	uint8_t configuration[9];
	uint8_t interface[9];
	uint8_t hid[9];
	uint8_t endpoint[7];
} kbd_descriptors_configuration PROGMEM = {
	.configuration = { 9, KBD_DESCRIPTORS_TYPE_CONFIGURATION, KBD_DESCRIPTORS_LE16(sizeof kbd_descriptors_configuration),
	                   1, /* interfaces */
	                   KBD_DESCRIPTORS_CONFIGURATION_VALUE, 0, KBD_DESCRIPTORS_ATTR_BUS_POWERED,
	                   KBD_DESCRIPTORS_MAX_POWER_2MA },
	.interface = { 9, KBD_DESCRIPTORS_TYPE_INTERFACE, KBD_DESCRIPTORS_KEYBOARD_INTERFACE, 0, /* alternate */
	               1, /* endpoints */
	               KBD_DESCRIPTORS_CLASS_HID, KBD_DESCRIPTORS_SUBCLASS_BOOT, KBD_DESCRIPTORS_PROTOCOL_KEYBOARD, 0 },
	.hid = { 9, KBD_DESCRIPTORS_TYPE_HID, KBD_DESCRIPTORS_LE16(KBD_DESCRIPTORS_BCD_HID), 0, /* country: none */
	         1, /* class descriptors */
	         KBD_DESCRIPTORS_TYPE_REPORT, KBD_DESCRIPTORS_LE16(sizeof kbd_descriptors_report) },
	.endpoint = { 7, KBD_DESCRIPTORS_TYPE_ENDPOINT, KBD_DESCRIPTORS_EP_IN | KBD_DESCRIPTORS_KEYBOARD_EP,
	              KBD_DESCRIPTORS_EP_INTERRUPT, KBD_DESCRIPTORS_LE16(KBD_DESCRIPTORS_KEYBOARD_EP_SIZE),
	              KBD_DESCRIPTORS_KEYBOARD_INTERVAL_MS },
};

/* A string descriptor: length, type, then the UTF-16LE text without its terminating zero. */
#define KBD_DESCRIPTORS_STRING(name, text)                                                                     \
	static const struct {                                                                                  \
		uint8_t b_length, b_descriptor_type;                                                           \
		__CHAR16_TYPE__ text_utf16[sizeof(text) / 2U - 1U];                                            \
	} name PROGMEM = { sizeof(name), KBD_DESCRIPTORS_TYPE_STRING, text }

static const uint8_t kbd_descriptors_language[4] PROGMEM = {
	4, KBD_DESCRIPTORS_TYPE_STRING, KBD_DESCRIPTORS_LE16(KBD_DESCRIPTORS_LANGUAGE_EN_US),
};
KBD_DESCRIPTORS_STRING(kbd_descriptors_manufacturer, u"ispkit");
KBD_DESCRIPTORS_STRING(kbd_descriptors_product, u"ispkit demo keyboard");
KBD_DESCRIPTORS_STRING(kbd_descriptors_serial, u"DEMO0001");

static const uint8_t *const kbd_descriptors_strings[KBD_DESCRIPTORS_STRING_COUNT] PROGMEM = {
	[KBD_DESCRIPTORS_STRING_LANGUAGE] = kbd_descriptors_language,
	[KBD_DESCRIPTORS_STRING_MANUFACTURER] = (const uint8_t *)&kbd_descriptors_manufacturer,
	[KBD_DESCRIPTORS_STRING_PRODUCT] = (const uint8_t *)&kbd_descriptors_product,
	[KBD_DESCRIPTORS_STRING_SERIAL] = (const uint8_t *)&kbd_descriptors_serial,
};

bool kbd_descriptors_find(uint16_t w_value, const uint8_t **data, uint16_t *length)
{
	uint8_t index = (uint8_t)w_value;

	switch ((uint8_t)(w_value >> 8)) {
	case KBD_DESCRIPTORS_TYPE_DEVICE:
		*data = kbd_descriptors_device;
		*length = sizeof kbd_descriptors_device;
		return index == 0;
	case KBD_DESCRIPTORS_TYPE_CONFIGURATION:
		*data = (const uint8_t *)&kbd_descriptors_configuration;
		*length = sizeof kbd_descriptors_configuration;
		return index == 0;
	case KBD_DESCRIPTORS_TYPE_STRING:
		if (index >= KBD_DESCRIPTORS_STRING_COUNT)
			return false;
		*data = (const uint8_t *)pgm_read_ptr(&kbd_descriptors_strings[index]);
		*length = pgm_read_byte(*data);
		return true;
	case KBD_DESCRIPTORS_TYPE_HID:
		*data = kbd_descriptors_configuration.hid;
		*length = sizeof kbd_descriptors_configuration.hid;
		return index == 0;
	case KBD_DESCRIPTORS_TYPE_REPORT:
		*data = kbd_descriptors_report;
		*length = sizeof kbd_descriptors_report;
		return index == 0;
	default:
		return false;
	}
}
