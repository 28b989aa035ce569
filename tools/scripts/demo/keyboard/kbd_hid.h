/*
 * kbd_hid.h - the HID boot keyboard class on top of kbd_usb: class requests on EP0 and input reports on EP1.
 *
 * Contract:
 * - kbd_hid_reset() returns the class state to its defaults (report protocol, idle 500 ms, LEDs off, an
 *   all-zero report); kbd_usb calls it on bus reset and SET_CONFIGURATION.
 * - kbd_hid_control_request() serves a class request to the keyboard interface: GET_REPORT (input: the last
 *   report; output: the LED byte), GET_IDLE, GET_PROTOCOL, SET_REPORT (the 1-byte LED output report), SET_IDLE,
 *   SET_PROTOCOL. Returns false (kbd_usb then stalls) for anything else.
 * - kbd_hid_send_report() queues an 8-byte boot report (modifiers, reserved, six key codes) on EP1 when the host
 *   has taken the previous one; false (report dropped) otherwise. Call only while configured. The report layout
 *   is the boot layout in both protocols, so SET_PROTOCOL changes nothing on the wire.
 * - The idle rate is stored for GET_IDLE only: the main loop decides when to send.
 */
#ifndef KBD_HID_H
#define KBD_HID_H

#include <stdbool.h>
#include <stdint.h>

#include "kbd_usb.h"

#define KBD_HID_REPORT_SIZE 8U

/* LED output report bits (HID usage tables, LED page 0x08, usages 1..5). */
#define KBD_HID_LED_NUM_LOCK 0x01U
#define KBD_HID_LED_CAPS_LOCK 0x02U
#define KBD_HID_LED_SCROLL_LOCK 0x04U
#define KBD_HID_LED_COMPOSE 0x08U
#define KBD_HID_LED_KANA 0x10U

void kbd_hid_reset(void);
bool kbd_hid_control_request(const kbd_usb_setup_t *s);
bool kbd_hid_send_report(const uint8_t report[KBD_HID_REPORT_SIZE]);
/* The LED bits the host last sent (SET_REPORT). */
uint8_t kbd_hid_leds(void);

#endif /* KBD_HID_H */
