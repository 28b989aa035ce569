/*
 * usb_event: mid-session host events (what real hosts do to a configured device) and when they happen.
 * Spec: KIND[:ARG][@out:N | @ms:T]. Kinds: reset (bus reset + re-enumeration on the same port), set-config
 * (SET_CONFIGURATION again), set-interface (SET_INTERFACE(alt 0) on the data interface), clear-halt:in|out|notify
 * (CLEAR_FEATURE(ENDPOINT_HALT)), suspend:MS (no SOF for MS ms, then resume), unplug (the bus goes away for
 * 100 ms, then attach + reset + enumeration), probe (chapter 9 requests a strict host checks: unknown endpoints,
 * interfaces and features, in the Configured state), ping (GET_STATUS(device) and GET_DESCRIPTOR(device): what a
 * host's stack may ask at any time; not a link event). Triggers: after N bulk OUT bytes in total (@out:N), at T
 * simulated ms (@ms:T), or once the target has started its Nth write of any kind (@write:N: inside a long ISP
 * operation); none = now. '+N' counts from when the event was scheduled.
 */
#ifndef USB_EVENT_H
#define USB_EVENT_H
#include <stddef.h>
#include <stdint.h>

typedef enum usb_event_kind {
	USB_EVENT_RESET = 0,
	USB_EVENT_SET_CONFIG,
	USB_EVENT_SET_INTERFACE,
	USB_EVENT_CLEAR_HALT_IN,
	USB_EVENT_CLEAR_HALT_OUT,
	USB_EVENT_CLEAR_HALT_NOTIFY,
	USB_EVENT_SUSPEND,
	USB_EVENT_UNPLUG,
	USB_EVENT_PROBE,
	USB_EVENT_PING,
} usb_event_kind_t;

typedef enum usb_event_trigger {
	USB_EVENT_NOW = 0,
	USB_EVENT_AT_OUT_BYTES,
	USB_EVENT_AT_MS,
	USB_EVENT_AT_WRITES,
	USB_EVENT_AT_SPI_BYTES, /* programmer SPI bytes completed: lands inside a block transfer */
} usb_event_trigger_t;

typedef struct usb_event {
	usb_event_kind_t kind;
	uint32_t arg;                 /* suspend: ms */
	usb_event_trigger_t trigger;
	double at;                    /* bytes, ms, writes or SPI bytes */
	int relative;                 /* '+N': counted from when it was scheduled */
	char spec[48];                /* as given, for reports */
	double fired_ms;              /* filled in when it runs */
	uint64_t fired_bytes_out;
} usb_event_t;

/* Parses a spec; 0 or -1 with a one-line err. */
int usb_event_parse(const char *spec, usb_event_t *ev, char *err, size_t err_len);
const char *usb_event_kind_name(usb_event_kind_t kind);

#endif
