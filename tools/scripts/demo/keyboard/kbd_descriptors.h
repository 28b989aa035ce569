/*
 * kbd_descriptors.h - the demo keyboard's USB descriptors, as const data in flash (PROGMEM).
 *
 * A full-speed USB 2.0 device 1209:0001 (the pid.codes test PID) with one configuration holding one interface:
 * a HID boot keyboard (class 3, subclass 1, protocol 1) with one interrupt IN endpoint (EP1, 8 bytes, every
 * 10 ms) carrying the 8-byte boot report (modifiers, reserved, six key codes) and a 1-byte LED output report
 * received on EP0 (SET_REPORT). Strings: manufacturer "ispkit", product "ispkit demo keyboard", a serial.
 *
 * Contract: kbd_descriptors_find() maps a GET_DESCRIPTOR wValue (type << 8 | index) to the descriptor's flash
 * address and length, or returns false for one this device does not have (the request is then stalled; a
 * full-speed-only device stalls DEVICE_QUALIFIER). HID (0x21) and report (0x22) descriptors are found too.
 */
#ifndef KBD_DESCRIPTORS_H
#define KBD_DESCRIPTORS_H

#include <stdbool.h>
#include <stdint.h>

#define KBD_DESCRIPTORS_EP0_SIZE 64U
#define KBD_DESCRIPTORS_KEYBOARD_INTERFACE 0U
#define KBD_DESCRIPTORS_KEYBOARD_EP 1U
#define KBD_DESCRIPTORS_KEYBOARD_EP_SIZE 8U
#define KBD_DESCRIPTORS_KEYBOARD_INTERVAL_MS 10U
#define KBD_DESCRIPTORS_CONFIGURATION_VALUE 1U

/* Descriptor types (USB 2.0 table 9-5; HID 1.11 section 7.1). */
#define KBD_DESCRIPTORS_TYPE_DEVICE 0x01U
#define KBD_DESCRIPTORS_TYPE_CONFIGURATION 0x02U
#define KBD_DESCRIPTORS_TYPE_STRING 0x03U
#define KBD_DESCRIPTORS_TYPE_HID 0x21U
#define KBD_DESCRIPTORS_TYPE_REPORT 0x22U

bool kbd_descriptors_find(uint16_t w_value, const uint8_t **data, uint16_t *length);

#endif /* KBD_DESCRIPTORS_H */
