/*
 * usb_std.h - USB device framework (chapter 9): bus reset, the control endpoint and standard requests.
 *
 * The stack is polled: usb_std_task() must be called often (the main loop, and every wait loop that may last
 * longer than a millisecond). It handles a bus reset, one pending SETUP on endpoint 0 (standard requests here,
 * class requests in cdc_acm) and lets the CDC class drain its OUT endpoint. It saves and restores the endpoint
 * selection, so it can run in the middle of another endpoint's transfer. It never calls back into the
 * programmer, so any code may call it.
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

/*
 * Helpers for class request handlers (run inside usb_std_task with endpoint 0 selected, SETUP already
 * acknowledged). Each returns false when the host went away or timed out.
 */
bool usb_std_control_send(const uint8_t *data, uint16_t length, uint16_t w_length); /* RAM source */
bool usb_std_control_receive(uint8_t *data, uint16_t length);                    /* then status IN */
bool usb_std_control_status_in(void);                                            /* zero-length IN */

#endif /* USB_STD_H */
