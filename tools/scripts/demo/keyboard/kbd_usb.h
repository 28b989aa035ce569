/*
 * kbd_usb.h - the ATmega32U4 USB device controller for the demo keyboard: PLL, attach, endpoint 0 (standard
 * requests, control transfer helpers for the HID class) and the EP1 interrupt IN endpoint. Polled: no USB
 * interrupts are enabled and nothing depends on SOF.
 *
 * Contract:
 * - kbd_usb_init() takes the controller from ANY state to attached and unconfigured: from power-on, and also as
 *   a bootloader may leave it when it jumps to 0 (USBCON = 0x91, clock running, UDCON.DETACH set, endpoints and
 *   endpoint interrupts configured). It detaches, disables the controller (USBE = 0 resets it), restarts the
 *   PLL, re-enables the controller, clears every endpoint 0..4, configures EP0, then attaches. Needs
 *   kbd_clock_init() first and global interrupts off.
 * - kbd_usb_task() must be called often (well within 1 ms while enumerating): it handles bus resets and
 *   endpoint 0. A control transfer is served to its end inside the call (each packet waits at most 50 ms).
 *   Standard requests: GET_DESCRIPTOR, SET_ADDRESS, SET_CONFIGURATION, GET_CONFIGURATION, GET_STATUS; class
 *   requests go to kbd_hid_control_request(); anything else is stalled.
 * - Only endpoints 0..4 exist in the simulator; this device uses 0 and 1. Endpoint 0 stays selected between calls.
 */
#ifndef KBD_USB_H
#define KBD_USB_H

#include <stdbool.h>
#include <stdint.h>

/* A SETUP packet (USB 2.0 section 9.3), little-endian as on the wire and on the AVR. */
typedef struct kbd_usb_setup {
	uint8_t bm_request_type;
	uint8_t b_request;
	uint16_t w_value;
	uint16_t w_index;
	uint16_t w_length;
} kbd_usb_setup_t;

#define KBD_USB_DIR_IN 0x80U
#define KBD_USB_TYPE_MASK 0x60U
#define KBD_USB_TYPE_STANDARD 0x00U
#define KBD_USB_TYPE_CLASS 0x20U
#define KBD_USB_RECIPIENT_MASK 0x1FU
#define KBD_USB_RECIPIENT_DEVICE 0x00U
#define KBD_USB_RECIPIENT_INTERFACE 0x01U
#define KBD_USB_RECIPIENT_ENDPOINT 0x02U

void kbd_usb_init(void);
void kbd_usb_task(void);
/* SET_CONFIGURATION(1) was received since the last bus reset. */
bool kbd_usb_configured(void);

/*
 * For request handlers, inside kbd_usb_task(). Each returns false when the host ended the transfer early (a new
 * SETUP, a bus reset) or stayed silent; the handler then simply returns true (the request was understood).
 * kbd_usb_control_send: IN data stage of min(length, w_length) bytes from RAM, with a zero-length packet when
 * the answer is shorter than w_length and fills the last packet. The host's status packet is taken by
 * kbd_usb_task() afterwards.
 * kbd_usb_control_send_flash: the same from flash (PROGMEM).
 * kbd_usb_control_receive: OUT data stage of one packet (length <= EP0 size) into data, then the status stage;
 *   false also when the packet was shorter than length.
 * kbd_usb_control_ack: the status stage of a request without data (a zero-length IN packet).
 */
bool kbd_usb_control_send(const uint8_t *data, uint16_t length, uint16_t w_length);
bool kbd_usb_control_send_flash(const uint8_t *data, uint16_t length, uint16_t w_length);
bool kbd_usb_control_receive(uint8_t *data, uint8_t length);
bool kbd_usb_control_ack(void);

/* Queues one packet on an IN endpoint when its bank is free (the host took the previous one); else false. */
bool kbd_usb_in_send(uint8_t ep, const uint8_t *data, uint8_t length);

#endif /* KBD_USB_H */
