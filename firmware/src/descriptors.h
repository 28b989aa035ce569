/*
 * descriptors.h - the USB descriptors of the CDC-ACM programmer, as const data in flash.
 *
 * One configuration: interface 0 (CDC communications, ACM) with an interrupt IN notification endpoint,
 * interface 1 (CDC data) with one bulk OUT and one bulk IN endpoint. Endpoint numbers stay within 1..4.
 * descriptors_find() returns where a descriptor lives in flash and its length, or false for an unknown one
 * (the control request is then stalled).
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

/* wValue of GET_DESCRIPTOR (type << 8 | index) → flash address and length. */
bool descriptors_find(uint16_t w_value, const uint8_t **data, uint16_t *length);

#endif /* DESCRIPTORS_H */
