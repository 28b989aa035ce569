/*
 * descriptors.h - the USB descriptors of the CDC-ACM programmer, as const data in flash.
 *
 * One configuration: interface 0 (CDC communications, ACM) with an interrupt IN notification endpoint,
 * interface 1 (CDC data) with one bulk OUT and one bulk IN endpoint. Endpoint numbers stay within 1..4.
 * descriptors_find() returns where a descriptor lives (flash, or RAM for the serial number) and its length, or
 * DESCRIPTORS_NONE for an unknown one (the control request is then stalled).
 * The serial number string is built once by descriptors_init() from the ten serial bytes of the ATmega32U4
 * signature row (0x0E..0x17) as 20 hex digits, so every board has its own (Windows keys the COM number on
 * VID/PID/serial, Linux names /dev/serial/by-id after it). A chip whose serial bytes are all 0xFF or all 0x00
 * gets the board table's fixed serial instead. Call it with interrupts disabled (the signature row is read with
 * SPM/LPM, which must not be interrupted).
 */
#ifndef DESCRIPTORS_H
#define DESCRIPTORS_H

#include <stdbool.h>
#include <stdint.h>

#define DESCRIPTORS_NOTIFY_EP 1U
#define DESCRIPTORS_NOTIFY_EP_SIZE 16U
#define DESCRIPTORS_OUT_EP 2U
#define DESCRIPTORS_OUT_EP_SIZE 64U
#define DESCRIPTORS_IN_EP 3U
#define DESCRIPTORS_IN_EP_SIZE 64U

enum descriptors_interface {
	DESCRIPTORS_INTERFACE_COMM = 0,
	DESCRIPTORS_INTERFACE_DATA = 1,
	DESCRIPTORS_INTERFACE_COUNT = 2,
};

enum descriptors_string {
	DESCRIPTORS_STRING_LANGUAGE = 0,
	DESCRIPTORS_STRING_MANUFACTURER = 1,
	DESCRIPTORS_STRING_PRODUCT = 2,
	DESCRIPTORS_STRING_SERIAL = 3,
};

#define DESCRIPTORS_CONFIGURATION_VALUE 1U

enum descriptors_memory { DESCRIPTORS_NONE = 0, DESCRIPTORS_FLASH, DESCRIPTORS_RAM };

/* Number of serial bytes in the signature row, and the length of the serial string descriptor. */
#define DESCRIPTORS_SERIAL_BYTES 10U

void descriptors_init(void);
/* wValue of GET_DESCRIPTOR (type << 8 | index) → address and length, and where that address is. */
enum descriptors_memory descriptors_find(uint16_t w_value, const uint8_t **data, uint16_t *length);

#endif /* DESCRIPTORS_H */
