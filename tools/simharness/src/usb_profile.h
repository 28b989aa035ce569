/*
 * usb_profile: how each host operating system enumerates a device, as a list of steps the usb_host runs after a
 * bus reset (request orders from the hosts' behaviour: Linux cdc_acm, Windows usbser.sys, macOS IOUSBHost), and
 * what answer chapter 9 / CDC requires for each, so the host can record every request the device answers wrongly.
 */
#ifndef USB_PROFILE_H
#define USB_PROFILE_H
#include <stdint.h>

typedef enum usb_profile_id { USB_PROFILE_LINUX = 0, USB_PROFILE_WINDOWS, USB_PROFILE_MACOS, USB_PROFILE_COUNT } usb_profile_id_t;

typedef enum usb_step_op {
	USB_STEP_END = 0,
	USB_STEP_RESET,        /* bus reset, then 10 ms reset recovery */
	USB_STEP_REQUEST,      /* one control transfer */
	USB_STEP_REQUEST_ABORT,/* data stage read, then the host moves on without a status stage (Windows' first read) */
	USB_STEP_WAIT_MS,      /* value = milliseconds */
} usb_step_op_t;

/* What the device must do with a request. */
typedef enum usb_expect {
	USB_EXPECT_ANSWER = 0, /* complete it; IN data of exactly the length chapter 9 / CDC gives */
	USB_EXPECT_STALL,      /* Request Error required */
	USB_EXPECT_EITHER,     /* both are correct (e.g. Microsoft OS string descriptor) */
} usb_expect_t;

/* Placeholders the host fills in from what it has learnt. */
enum {
	USB_ARG_IPRODUCT = 0x10000,
	USB_ARG_IMANUFACTURER,
	USB_ARG_ISERIAL,
	USB_ARG_TOTAL_LENGTH,  /* wTotalLength of the configuration */
	USB_ARG_CONFIG_VALUE,
	USB_ARG_COMM_INTERFACE,
	USB_ARG_LINE_CODING,   /* OUT data: the host's line coding */
	USB_ARG_LINE_STATE,    /* wValue: the host's DTR/RTS */
};

typedef struct usb_step {
	usb_step_op_t op;
	uint8_t type, request;
	uint32_t value, index, length; /* or USB_ARG_* */
	usb_expect_t expect;
	int essential;                 /* enumeration cannot go on without it */
	const char *name;
} usb_step_t;

const usb_step_t *usb_profile_steps(usb_profile_id_t id);
const char *usb_profile_name(usb_profile_id_t id);
/* -1 when unknown */
int usb_profile_parse(const char *name);

#endif
