#include "board.h"

#include <avr/boot.h>
#include <avr/pgmspace.h>
#include <stddef.h>
typedef __CHAR16_TYPE__ descriptors_char16;

#include "descriptors.h"

#define DESC_DEVICE 0x01U
#define DESC_CONFIGURATION 0x02U
#define DESC_STRING 0x03U
#define DESC_INTERFACE 0x04U
#define DESC_ENDPOINT 0x05U
#define DESC_CS_INTERFACE 0x24U

#define CDC_CLASS_COMM 0x02U
#define CDC_SUBCLASS_ACM 0x02U
/* Interface protocol 0: no AT commands. ModemManager then leaves the port alone (it probes protocol 1, V.25ter),
 * as it does for Arduino's core, which also declares 0. */
#define CDC_PROTOCOL_NONE 0x00U
#define CDC_CLASS_DATA 0x0AU
#define CDC_FD_HEADER 0x00U
#define CDC_FD_CALL_MANAGEMENT 0x01U
#define CDC_FD_ACM 0x02U
#define CDC_FD_UNION 0x06U
/* ACM capabilities: line coding + control line state (bit 1), send break (bit 2). */
#define CDC_ACM_CAPABILITIES 0x06U

#define EP_IN 0x80U
#define EP_ATTR_BULK 0x02U
#define EP_ATTR_INTERRUPT 0x03U

struct __attribute__((packed)) descriptors_device {
	uint8_t bLength, bDescriptorType;
	uint16_t bcdUSB;
	uint8_t bDeviceClass, bDeviceSubClass, bDeviceProtocol, bMaxPacketSize0;
	uint16_t idVendor, idProduct, bcdDevice;
	uint8_t iManufacturer, iProduct, iSerialNumber, bNumConfigurations;
};

struct __attribute__((packed)) descriptors_config_header {
	uint8_t bLength, bDescriptorType;
	uint16_t wTotalLength;
	uint8_t bNumInterfaces, bConfigurationValue, iConfiguration, bmAttributes, bMaxPower;
};

struct __attribute__((packed)) descriptors_iface {
	uint8_t bLength, bDescriptorType, bInterfaceNumber, bAlternateSetting, bNumEndpoints;
	uint8_t bInterfaceClass, bInterfaceSubClass, bInterfaceProtocol, iInterface;
};

struct __attribute__((packed)) descriptors_endpoint {
	uint8_t bLength, bDescriptorType, bEndpointAddress, bmAttributes;
	uint16_t wMaxPacketSize;
	uint8_t bInterval;
};

struct __attribute__((packed)) descriptors_cdc_header {
	uint8_t bFunctionLength, bDescriptorType, bDescriptorSubtype;
	uint16_t bcdCDC;
};

struct __attribute__((packed)) descriptors_cdc_call_management {
	uint8_t bFunctionLength, bDescriptorType, bDescriptorSubtype, bmCapabilities, bDataInterface;
};

struct __attribute__((packed)) descriptors_cdc_acm {
	uint8_t bFunctionLength, bDescriptorType, bDescriptorSubtype, bmCapabilities;
};

struct __attribute__((packed)) descriptors_cdc_union {
	uint8_t bFunctionLength, bDescriptorType, bDescriptorSubtype, bMasterInterface, bSlaveInterface0;
};

/* The whole configuration as one struct, so wTotalLength is its sizeof. */
struct __attribute__((packed)) descriptors_configuration {
	struct descriptors_config_header config;
	struct descriptors_iface comm;
	struct descriptors_cdc_header cdc_header;
	struct descriptors_cdc_call_management cdc_call;
	struct descriptors_cdc_acm cdc_acm;
	struct descriptors_cdc_union cdc_union;
	struct descriptors_endpoint notify;
	struct descriptors_iface data;
	struct descriptors_endpoint out;
	struct descriptors_endpoint in;
};

static const struct descriptors_device descriptors_device PROGMEM = {
	.bLength = sizeof(struct descriptors_device),
	.bDescriptorType = DESC_DEVICE,
	.bcdUSB = 0x0200,
	.bDeviceClass = CDC_CLASS_COMM,
	.bDeviceSubClass = 0,
	.bDeviceProtocol = 0,
	.bMaxPacketSize0 = 64,
	.idVendor = BOARD_USB_VID,
	.idProduct = BOARD_USB_PID,
	.bcdDevice = 0x0100,
	.iManufacturer = DESCRIPTORS_STRING_MANUFACTURER,
	.iProduct = DESCRIPTORS_STRING_PRODUCT,
	.iSerialNumber = DESCRIPTORS_STRING_SERIAL,
	.bNumConfigurations = 1,
};

static const struct descriptors_configuration descriptors_configuration PROGMEM = {
	.config = {
		.bLength = sizeof(struct descriptors_config_header),
		.bDescriptorType = DESC_CONFIGURATION,
		.wTotalLength = sizeof(struct descriptors_configuration),
		.bNumInterfaces = DESCRIPTORS_INTERFACE_COUNT,
		.bConfigurationValue = DESCRIPTORS_CONFIGURATION_VALUE,
		.iConfiguration = 0,
		.bmAttributes = 0x80, /* bus powered */
		.bMaxPower = 50,      /* 100 mA */
	},
	.comm = {
		.bLength = sizeof(struct descriptors_iface),
		.bDescriptorType = DESC_INTERFACE,
		.bInterfaceNumber = DESCRIPTORS_INTERFACE_COMM,
		.bAlternateSetting = 0,
		.bNumEndpoints = 1,
		.bInterfaceClass = CDC_CLASS_COMM,
		.bInterfaceSubClass = CDC_SUBCLASS_ACM,
		.bInterfaceProtocol = CDC_PROTOCOL_NONE,
		.iInterface = 0,
	},
	.cdc_header = {
		.bFunctionLength = sizeof(struct descriptors_cdc_header),
		.bDescriptorType = DESC_CS_INTERFACE,
		.bDescriptorSubtype = CDC_FD_HEADER,
		.bcdCDC = 0x0110,
	},
	.cdc_call = {
		.bFunctionLength = sizeof(struct descriptors_cdc_call_management),
		.bDescriptorType = DESC_CS_INTERFACE,
		.bDescriptorSubtype = CDC_FD_CALL_MANAGEMENT,
		.bmCapabilities = 0,
		.bDataInterface = DESCRIPTORS_INTERFACE_DATA,
	},
	.cdc_acm = {
		.bFunctionLength = sizeof(struct descriptors_cdc_acm),
		.bDescriptorType = DESC_CS_INTERFACE,
		.bDescriptorSubtype = CDC_FD_ACM,
		.bmCapabilities = CDC_ACM_CAPABILITIES,
	},
	.cdc_union = {
		.bFunctionLength = sizeof(struct descriptors_cdc_union),
		.bDescriptorType = DESC_CS_INTERFACE,
		.bDescriptorSubtype = CDC_FD_UNION,
		.bMasterInterface = DESCRIPTORS_INTERFACE_COMM,
		.bSlaveInterface0 = DESCRIPTORS_INTERFACE_DATA,
	},
	.notify = {
		.bLength = sizeof(struct descriptors_endpoint),
		.bDescriptorType = DESC_ENDPOINT,
		.bEndpointAddress = EP_IN | DESCRIPTORS_NOTIFY_EP,
		.bmAttributes = EP_ATTR_INTERRUPT,
		.wMaxPacketSize = DESCRIPTORS_NOTIFY_EP_SIZE,
		.bInterval = 64,
	},
	.data = {
		.bLength = sizeof(struct descriptors_iface),
		.bDescriptorType = DESC_INTERFACE,
		.bInterfaceNumber = DESCRIPTORS_INTERFACE_DATA,
		.bAlternateSetting = 0,
		.bNumEndpoints = 2,
		.bInterfaceClass = CDC_CLASS_DATA,
		.bInterfaceSubClass = 0,
		.bInterfaceProtocol = 0,
		.iInterface = 0,
	},
	.out = {
		.bLength = sizeof(struct descriptors_endpoint),
		.bDescriptorType = DESC_ENDPOINT,
		.bEndpointAddress = DESCRIPTORS_OUT_EP,
		.bmAttributes = EP_ATTR_BULK,
		.wMaxPacketSize = DESCRIPTORS_OUT_EP_SIZE,
		.bInterval = 0,
	},
	.in = {
		.bLength = sizeof(struct descriptors_endpoint),
		.bDescriptorType = DESC_ENDPOINT,
		.bEndpointAddress = EP_IN | DESCRIPTORS_IN_EP,
		.bmAttributes = EP_ATTR_BULK,
		.wMaxPacketSize = DESCRIPTORS_IN_EP_SIZE,
		.bInterval = 0,
	},
};

/* A string descriptor sized exactly for its UTF-16 text (no terminating zero on the wire). */
#define DESCRIPTORS_STRING(name, text)                                                                        \
	static const struct __attribute__((packed)) {                                                         \
		uint8_t bLength, bDescriptorType;                                                             \
		descriptors_char16 text_utf16[sizeof(text) / sizeof(descriptors_char16) - 1U];                                    \
	} name PROGMEM = { sizeof(text), DESC_STRING, text }

static const uint8_t descriptors_language[4] PROGMEM = { 4, DESC_STRING, 0x09, 0x04 }; /* en-US */
DESCRIPTORS_STRING(descriptors_manufacturer, BOARD_USB_MANUFACTURER);
DESCRIPTORS_STRING(descriptors_product, BOARD_USB_PRODUCT);
DESCRIPTORS_STRING(descriptors_fixed_serial, BOARD_USB_SERIAL);

#define DESCRIPTORS_SERIAL_ROW_START 0x0EU /* signature row: ten serial bytes from here */
#define DESCRIPTORS_SERIAL_LENGTH (2U + DESCRIPTORS_SERIAL_BYTES * 2U * 2U)

static uint8_t descriptors_serial[DESCRIPTORS_SERIAL_LENGTH]; /* RAM: bLength, type, 20 UTF-16 hex digits */
static bool descriptors_serial_from_chip;

void descriptors_init(void)
{
	static const char hex[] PROGMEM = "0123456789ABCDEF";
	uint8_t ones = 0xFFU, zeros = 0;
	descriptors_serial[0] = DESCRIPTORS_SERIAL_LENGTH;
	descriptors_serial[1] = DESC_STRING;
	for (uint8_t i = 0; i < DESCRIPTORS_SERIAL_BYTES; i++) {
		uint8_t b = boot_signature_byte_get(DESCRIPTORS_SERIAL_ROW_START + i);
		ones &= b;
		zeros |= b;
		descriptors_serial[2U + i * 4U] = pgm_read_byte(&hex[b >> 4]);
		descriptors_serial[3U + i * 4U] = 0;
		descriptors_serial[4U + i * 4U] = pgm_read_byte(&hex[b & 0x0FU]);
		descriptors_serial[5U + i * 4U] = 0;
	}
	descriptors_serial_from_chip = ones != 0xFFU && zeros != 0;
}

_Static_assert(sizeof(struct descriptors_configuration) == 67, "CDC-ACM configuration is 67 bytes");
_Static_assert(sizeof(BOARD_USB_PRODUCT) <= 254, "USB product string too long for a descriptor");

enum descriptors_memory descriptors_find(uint16_t w_value, const uint8_t **data, uint16_t *length)
{
	uint8_t type = (uint8_t)(w_value >> 8);
	uint8_t index = (uint8_t)w_value;

	switch (type) {
	case DESC_DEVICE:
		*data = (const uint8_t *)&descriptors_device;
		*length = sizeof(descriptors_device);
		return index == 0 ? DESCRIPTORS_FLASH : DESCRIPTORS_NONE;
	case DESC_CONFIGURATION:
		*data = (const uint8_t *)&descriptors_configuration;
		*length = sizeof(descriptors_configuration);
		return index == 0 ? DESCRIPTORS_FLASH : DESCRIPTORS_NONE;
	case DESC_STRING:
		switch (index) {
		case DESCRIPTORS_STRING_LANGUAGE:
			*data = descriptors_language;
			*length = sizeof(descriptors_language);
			return DESCRIPTORS_FLASH;
		case DESCRIPTORS_STRING_MANUFACTURER:
			*data = (const uint8_t *)&descriptors_manufacturer;
			*length = sizeof(descriptors_manufacturer);
			return DESCRIPTORS_FLASH;
		case DESCRIPTORS_STRING_PRODUCT:
			*data = (const uint8_t *)&descriptors_product;
			*length = sizeof(descriptors_product);
			return DESCRIPTORS_FLASH;
		case DESCRIPTORS_STRING_SERIAL:
			if (descriptors_serial_from_chip) {
				*data = descriptors_serial;
				*length = sizeof(descriptors_serial);
				return DESCRIPTORS_RAM;
			}
			*data = (const uint8_t *)&descriptors_fixed_serial;
			*length = sizeof(descriptors_fixed_serial);
			return DESCRIPTORS_FLASH;
		default:
			return DESCRIPTORS_NONE;
		}
	default:
		return DESCRIPTORS_NONE;
	}
}
