/*
 * usb_std.h - USB device framework (chapter 9): bus reset, the control endpoint and standard requests.
 *
 * The stack is polled: usb_std_task() must be called often (the main loop, and every wait loop that may last
 * longer than a millisecond, e.g. inside an ISP RDY/BSY wait while a command is half done).
 *
 * Contract of usb_std_task(), because it runs INSIDE other code (isp_idle, send waits):
 * - It may touch: endpoint 0 (one pending SETUP, answered completely: standard requests here, class requests in
 *   cdc_acm, which only records line settings), the device registers (address, suspend/wake clock freezing),
 *   the hardware configuration of the data endpoints when a request asks for it (enable, data toggle reset,
 *   FIFO reset), and the link-event flag below.
 * - It may NOT touch: the CDC receive ring, the send queue, or any state of the command that is running. It never
 *   calls back into the programmer. It saves and restores the endpoint selection.
 * - Link events (bus reset, SET_CONFIGURATION, SET_INTERFACE on the data interface, CLEAR_FEATURE(ENDPOINT_HALT)
 *   on a data endpoint) only set usb_std_link_pending(). From then on everything the host sent before is void:
 *   the running command must stop at its next check (isp_should_stop()), send nothing, and the main loop acts on
 *   the event between commands (drops the receive ring and the send state, leaves programming mode) and then
 *   calls usb_std_link_clear().
 * - Suspend (SUSPI): the USB clock is frozen and usb_std_suspended() is true until the host resumes (WAKEUPI);
 *   nothing is lost, a session continues after resume.
 *
 * Control transfers are answered completely inside usb_std_task(); every wait is bounded
 * (USB_STD_CONTROL_TIMEOUT_MS), after which the request is abandoned and the host retries.
 */
#ifndef USB_STD_H
#define USB_STD_H

#include <stdbool.h>
#include <stdint.h>

#define USB_STD_CONTROL_TIMEOUT_MS 50U

struct usb_std_setup {
	uint8_t bmRequestType;
	uint8_t bRequest;
	uint16_t wValue;
	uint16_t wIndex;
	uint16_t wLength;
};

/* bmRequestType fields. */
#define USB_STD_DIR_IN 0x80U
#define USB_STD_TYPE_MASK 0x60U
#define USB_STD_TYPE_STANDARD 0x00U
#define USB_STD_TYPE_CLASS 0x20U
#define USB_STD_RECIPIENT_MASK 0x1FU
#define USB_STD_RECIPIENT_DEVICE 0x00U
#define USB_STD_RECIPIENT_INTERFACE 0x01U
#define USB_STD_RECIPIENT_ENDPOINT 0x02U

void usb_std_init(void);
void usb_std_task(void);
/* True once the host has selected our configuration (and no bus reset happened since). */
bool usb_std_configured(void);
/* A link event happened and the main loop has not yet acted on it (see the contract above). Inline: the
 * streaming loops check it once per byte. */
extern bool usb_std_link_event;
static inline bool usb_std_link_pending(void) { return usb_std_link_event; }
void usb_std_link_clear(void);
/* usb_std_link_pending(), after servicing a bus reset or SETUP the hardware has just flagged (so a command checking
 * right before a target write never writes after a link event it could have seen). Same contract as usb_std_task. */
bool usb_std_link_check(void);
/* The host suspended the bus (no SOF for 3 ms) and has not resumed it yet. */
bool usb_std_suspended(void);

/*
 * Helpers for class request handlers (run inside usb_std_task with endpoint 0 selected, SETUP already
 * acknowledged). Each returns false when the host went away or timed out.
 */
bool usb_std_control_send(const uint8_t *data, uint16_t length, uint16_t w_length); /* RAM source */
bool usb_std_control_receive(uint8_t *data, uint16_t length);                    /* then status IN */
bool usb_std_control_status_in(void);                                            /* zero-length IN */

#endif /* USB_STD_H */
