/* usb_profile: the enumeration scripts (see usb_profile.h). Orders from what each host's stack sends. */
#include "usb_profile.h"

#include <string.h>

#define REQ(t, r, v, i, l, e, ess, n) { USB_STEP_REQUEST, t, r, v, i, l, e, ess, n }
#define GET_DESC(v, l, e, ess, n) REQ(0x80, 6, v, 0, l, e, ess, n)
#define GET_STRING(v, l, n) REQ(0x80, 6, v, 0x0409, l, USB_EXPECT_ANSWER, 0, n)

/* Linux: 64-byte device read at address 0, SET_ADDRESS, device, configuration header then whole, strings,
 * SET_CONFIGURATION; cdc_acm then sets the line coding and raises DTR/RTS on open. */
static const usb_step_t usb_profile_linux[] = {
	{ USB_STEP_RESET, 0, 0, 0, 0, 0, 0, 0, "bus reset" },
	GET_DESC(0x0100, 64, USB_EXPECT_ANSWER, 1, "GET_DESCRIPTOR(device, 64)"),
	REQ(0x00, 5, 1, 0, 0, USB_EXPECT_ANSWER, 1, "SET_ADDRESS"),
	{ USB_STEP_WAIT_MS, 0, 0, 2, 0, 0, 0, 0, "address recovery" },
	GET_DESC(0x0100, 18, USB_EXPECT_ANSWER, 1, "GET_DESCRIPTOR(device)"),
	GET_DESC(0x0200, 9, USB_EXPECT_ANSWER, 1, "GET_DESCRIPTOR(configuration, 9)"),
	GET_DESC(0x0200, USB_ARG_TOTAL_LENGTH, USB_EXPECT_ANSWER, 1, "GET_DESCRIPTOR(configuration)"),
	GET_STRING(0x0300, 255, "GET_DESCRIPTOR(string 0)"),
	GET_STRING(USB_ARG_IPRODUCT, 255, "GET_DESCRIPTOR(product string)"),
	GET_STRING(USB_ARG_IMANUFACTURER, 255, "GET_DESCRIPTOR(manufacturer string)"),
	GET_STRING(USB_ARG_ISERIAL, 255, "GET_DESCRIPTOR(serial string)"),
	REQ(0x00, 9, USB_ARG_CONFIG_VALUE, 0, 0, USB_EXPECT_ANSWER, 1, "SET_CONFIGURATION"),
	REQ(0x21, 0x20, 0, USB_ARG_COMM_INTERFACE, 7, USB_EXPECT_ANSWER, 0, "SET_LINE_CODING"),
	REQ(0x21, 0x22, USB_ARG_LINE_STATE, USB_ARG_COMM_INTERFACE, 0, USB_EXPECT_ANSWER, 0, "SET_CONTROL_LINE_STATE"),
	{ USB_STEP_END, 0, 0, 0, 0, 0, 0, 0, NULL },
};

/* Windows 10/11: 64-byte device read at address 0 without waiting for its status stage, a second port reset,
 * SET_ADDRESS, device, configuration 9 then 255, string 0, serial (the COM number is keyed on it), product,
 * device qualifier (a full-speed-only device must stall it), Microsoft OS string 0xEE, GET_STATUS(device),
 * SET_CONFIGURATION, then usbser's GET_LINE_CODING, SET_LINE_CODING, SET_CONTROL_LINE_STATE. */
static const usb_step_t usb_profile_windows[] = {
	{ USB_STEP_RESET, 0, 0, 0, 0, 0, 0, 0, "bus reset" },
	{ USB_STEP_REQUEST_ABORT, 0x80, 6, 0x0100, 0, 64, USB_EXPECT_ANSWER, 1, "GET_DESCRIPTOR(device, 64)" },
	{ USB_STEP_RESET, 0, 0, 0, 0, 0, 0, 0, "second bus reset" },
	REQ(0x00, 5, 1, 0, 0, USB_EXPECT_ANSWER, 1, "SET_ADDRESS"),
	{ USB_STEP_WAIT_MS, 0, 0, 2, 0, 0, 0, 0, "address recovery" },
	GET_DESC(0x0100, 18, USB_EXPECT_ANSWER, 1, "GET_DESCRIPTOR(device)"),
	GET_DESC(0x0200, 9, USB_EXPECT_ANSWER, 1, "GET_DESCRIPTOR(configuration, 9)"),
	GET_DESC(0x0200, 255, USB_EXPECT_ANSWER, 1, "GET_DESCRIPTOR(configuration, 255)"),
	GET_STRING(0x0300, 255, "GET_DESCRIPTOR(string 0)"),
	GET_STRING(USB_ARG_ISERIAL, 255, "GET_DESCRIPTOR(serial string)"),
	GET_STRING(USB_ARG_IPRODUCT, 255, "GET_DESCRIPTOR(product string)"),
	GET_DESC(0x0600, 10, USB_EXPECT_STALL, 0, "GET_DESCRIPTOR(device qualifier)"),
	REQ(0x80, 6, 0x03EE, 0, 18, USB_EXPECT_EITHER, 0, "GET_DESCRIPTOR(Microsoft OS string 0xEE)"),
	REQ(0x80, 0, 0, 0, 2, USB_EXPECT_ANSWER, 0, "GET_STATUS(device)"),
	REQ(0x00, 9, USB_ARG_CONFIG_VALUE, 0, 0, USB_EXPECT_ANSWER, 1, "SET_CONFIGURATION"),
	REQ(0xA1, 0x21, 0, USB_ARG_COMM_INTERFACE, 7, USB_EXPECT_ANSWER, 0, "GET_LINE_CODING"),
	REQ(0x21, 0x20, 0, USB_ARG_COMM_INTERFACE, 7, USB_EXPECT_ANSWER, 0, "SET_LINE_CODING"),
	REQ(0x21, 0x22, USB_ARG_LINE_STATE, USB_ARG_COMM_INTERFACE, 0, USB_EXPECT_ANSWER, 0, "SET_CONTROL_LINE_STATE"),
	{ USB_STEP_END, 0, 0, 0, 0, 0, 0, 0, NULL },
};

/* macOS: 8-byte device read at address 0, SET_ADDRESS, device, configuration 9 then whole, string 0, each string
 * first with wLength 2 (its length) then whole, SET_CONFIGURATION, GET_STATUS(device), then the CDC driver's
 * line coding and control lines. */
static const usb_step_t usb_profile_macos[] = {
	{ USB_STEP_RESET, 0, 0, 0, 0, 0, 0, 0, "bus reset" },
	GET_DESC(0x0100, 8, USB_EXPECT_ANSWER, 1, "GET_DESCRIPTOR(device, 8)"),
	REQ(0x00, 5, 1, 0, 0, USB_EXPECT_ANSWER, 1, "SET_ADDRESS"),
	{ USB_STEP_WAIT_MS, 0, 0, 2, 0, 0, 0, 0, "address recovery" },
	GET_DESC(0x0100, 18, USB_EXPECT_ANSWER, 1, "GET_DESCRIPTOR(device)"),
	GET_DESC(0x0200, 9, USB_EXPECT_ANSWER, 1, "GET_DESCRIPTOR(configuration, 9)"),
	GET_DESC(0x0200, USB_ARG_TOTAL_LENGTH, USB_EXPECT_ANSWER, 1, "GET_DESCRIPTOR(configuration)"),
	GET_STRING(0x0300, 2, "GET_DESCRIPTOR(string 0, 2)"),
	GET_STRING(0x0300, 255, "GET_DESCRIPTOR(string 0)"),
	GET_STRING(USB_ARG_IPRODUCT, 2, "GET_DESCRIPTOR(product string, 2)"),
	GET_STRING(USB_ARG_IPRODUCT, 255, "GET_DESCRIPTOR(product string)"),
	GET_STRING(USB_ARG_IMANUFACTURER, 2, "GET_DESCRIPTOR(manufacturer string, 2)"),
	GET_STRING(USB_ARG_IMANUFACTURER, 255, "GET_DESCRIPTOR(manufacturer string)"),
	GET_STRING(USB_ARG_ISERIAL, 2, "GET_DESCRIPTOR(serial string, 2)"),
	GET_STRING(USB_ARG_ISERIAL, 255, "GET_DESCRIPTOR(serial string)"),
	REQ(0x00, 9, USB_ARG_CONFIG_VALUE, 0, 0, USB_EXPECT_ANSWER, 1, "SET_CONFIGURATION"),
	REQ(0x80, 0, 0, 0, 2, USB_EXPECT_ANSWER, 0, "GET_STATUS(device)"),
	REQ(0x21, 0x20, 0, USB_ARG_COMM_INTERFACE, 7, USB_EXPECT_ANSWER, 0, "SET_LINE_CODING"),
	REQ(0x21, 0x22, USB_ARG_LINE_STATE, USB_ARG_COMM_INTERFACE, 0, USB_EXPECT_ANSWER, 0, "SET_CONTROL_LINE_STATE"),
	{ USB_STEP_END, 0, 0, 0, 0, 0, 0, 0, NULL },
};

static const char *const usb_profile_names[USB_PROFILE_COUNT] = { "linux", "windows", "macos" };

const usb_step_t *usb_profile_steps(usb_profile_id_t id)
{
	return id == USB_PROFILE_WINDOWS ? usb_profile_windows : id == USB_PROFILE_MACOS ? usb_profile_macos : usb_profile_linux;
}

const char *usb_profile_name(usb_profile_id_t id) { return usb_profile_names[id < USB_PROFILE_COUNT ? id : 0]; }

int usb_profile_parse(const char *name)
{
	for (int i = 0; i < USB_PROFILE_COUNT; i++)
		if (!strcmp(name, usb_profile_names[i]))
			return i;
	return -1;
}
