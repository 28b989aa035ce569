#include "board.h"

#include <avr/io.h>
#include <string.h>

#include "cdc_acm.h"
#include "clock.h"
#include "descriptors.h"
#include "usb_hw.h"
#include "usb_std.h"

#define CDC_REQ_SET_LINE_CODING 0x20U
#define CDC_REQ_GET_LINE_CODING 0x21U
#define CDC_REQ_SET_CONTROL_LINE_STATE 0x22U
#define CDC_REQ_SEND_BREAK 0x23U
#define CDC_LINE_DTR 0x01U

_Static_assert((CDC_ACM_RX_SIZE & (CDC_ACM_RX_SIZE - 1U)) == 0, "ring size must be a power of two");
_Static_assert((CDC_ACM_TX_QUEUE & (CDC_ACM_TX_QUEUE - 1U)) == 0 && CDC_ACM_TX_QUEUE <= 128U, "tx queue: power of two, <= 128");

struct __attribute__((packed)) cdc_acm_line_coding {
	uint32_t dwDTERate;
	uint8_t bCharFormat;
	uint8_t bParityType;
	uint8_t bDataBits;
};

static struct cdc_acm_line_coding cdc_acm_coding = { 115200UL, 0, 0, 8 };
static uint8_t cdc_acm_line_state;
static bool cdc_acm_reboot_armed_flag;
static uint16_t cdc_acm_reboot_since;

static uint8_t cdc_acm_ring[CDC_ACM_RX_SIZE];
static uint16_t cdc_acm_head; /* next write */
static uint16_t cdc_acm_tail; /* next read */

static bool cdc_acm_tx_open;     /* we own the IN bank and are filling it */
static uint8_t cdc_acm_tx_fill;  /* bytes in the open bank */
static bool cdc_acm_tx_zlp;      /* the last packet sent was full: a flush must end the transfer */
static bool cdc_acm_tx_dropping; /* host stopped reading: drop until the next flush */
/* Bytes waiting while the host has not yet read the IN bank. */
static uint8_t cdc_acm_tx_ring[CDC_ACM_TX_QUEUE];
static uint8_t cdc_acm_tx_head;
static uint8_t cdc_acm_tx_tail;
static uint8_t cdc_acm_tx_queued;

void cdc_acm_link_reset(void)
{
	cdc_acm_head = cdc_acm_tail = 0;
	cdc_acm_tx_open = false;
	cdc_acm_tx_fill = 0;
	cdc_acm_tx_zlp = false;
	cdc_acm_tx_dropping = false;
	cdc_acm_tx_queued = 0;
	cdc_acm_tx_head = cdc_acm_tx_tail = 0;
}

uint16_t cdc_acm_rx_count(void)
{
	return (uint16_t)(cdc_acm_head - cdc_acm_tail) & (CDC_ACM_RX_SIZE - 1U);
}

uint8_t cdc_acm_rx_peek(uint16_t offset)
{
	return cdc_acm_ring[(cdc_acm_tail + offset) & (CDC_ACM_RX_SIZE - 1U)];
}

uint8_t cdc_acm_rx_take(void)
{
	if (cdc_acm_head == cdc_acm_tail)
		return 0xFFU;
	uint8_t b = cdc_acm_ring[cdc_acm_tail];
	cdc_acm_tail = (cdc_acm_tail + 1U) & (CDC_ACM_RX_SIZE - 1U);
	return b;
}

uint8_t cdc_acm_rx_take_span(const uint8_t **data, uint8_t max)
{
	uint16_t n = cdc_acm_rx_count();
	uint16_t to_end = CDC_ACM_RX_SIZE - cdc_acm_tail;
	if (n > to_end)
		n = to_end;
	if (n > max)
		n = max;
	*data = &cdc_acm_ring[cdc_acm_tail];
	cdc_acm_tail = (cdc_acm_tail + n) & (CDC_ACM_RX_SIZE - 1U);
	return (uint8_t)n;
}

void cdc_acm_rx_discard(uint16_t count)
{
	uint16_t have = cdc_acm_rx_count();
	if (count > have)
		count = have;
	cdc_acm_tail = (cdc_acm_tail + count) & (CDC_ACM_RX_SIZE - 1U);
}

void cdc_acm_poll_out(void)
{
	if (usb_std_link_pending() || !usb_std_configured() || usb_std_suspended())
		return;
	uint8_t saved = usb_hw_selected();
	usb_hw_select(DESCRIPTORS_OUT_EP);
	if (!usb_hw_out_received()) {
		usb_hw_select(saved);
		return;
	}
	uint8_t n = usb_hw_byte_count();
	/* One slot stays free so that head == tail means empty. */
	if ((uint16_t)(CDC_ACM_RX_SIZE - 1U - cdc_acm_rx_count()) >= n) {
		usb_hw_ack_out();
		while (n--) {
			cdc_acm_ring[cdc_acm_head] = usb_hw_read();
			cdc_acm_head = (cdc_acm_head + 1U) & (CDC_ACM_RX_SIZE - 1U);
		}
		usb_hw_release_bank();
	}
	usb_hw_select(saved);
}

/* Takes the IN bank for filling when the controller has it free; false when it is still being sent. */
static bool cdc_acm_open_bank(void)
{
	if (cdc_acm_tx_open)
		return true;
	usb_hw_select(DESCRIPTORS_IN_EP);
	if (!usb_hw_in_ready())
		return false;
	UEINTX = (uint8_t)~(1 << TXINI);
	cdc_acm_tx_open = true;
	cdc_acm_tx_fill = 0;
	return true;
}

static void cdc_acm_send_bank(void)
{
	usb_hw_select(DESCRIPTORS_IN_EP);
	usb_hw_release_bank();
	cdc_acm_tx_zlp = (cdc_acm_tx_fill == DESCRIPTORS_IN_EP_SIZE);
	cdc_acm_tx_open = false;
	cdc_acm_tx_fill = 0;
}

/* `count` more bytes are in the open IN bank: a full bank goes to the host. */
static inline void cdc_acm_bank_filled(uint8_t count)
{
	cdc_acm_tx_fill = (uint8_t)(cdc_acm_tx_fill + count);
	if (cdc_acm_tx_fill == DESCRIPTORS_IN_EP_SIZE)
		cdc_acm_send_bank();
}

static void cdc_acm_bank_write(uint8_t byte)
{
	usb_hw_select(DESCRIPTORS_IN_EP);
	usb_hw_write(byte);
	cdc_acm_bank_filled(1);
}

/* Moves queued bytes into the IN bank while it is free; never waits. */
static void cdc_acm_tx_pump(void)
{
	while (cdc_acm_tx_queued && cdc_acm_open_bank()) {
		cdc_acm_bank_write(cdc_acm_tx_ring[cdc_acm_tx_tail]);
		cdc_acm_tx_tail = (uint8_t)((cdc_acm_tx_tail + 1U) & (CDC_ACM_TX_QUEUE - 1U));
		cdc_acm_tx_queued--;
	}
}

/* Waits until `done` holds, servicing the device; false (and the reply dropped) after the timeout. */
static bool cdc_acm_tx_wait(bool (*done)(void))
{
	uint16_t start = clock_ms();
	for (;;) {
		if (!usb_std_configured() || usb_std_link_pending())
			return false;
		cdc_acm_tx_pump();
		if (done())
			return true;
		if (clock_elapsed_ms(start) > CDC_ACM_TX_TIMEOUT_MS)
			return false;
		usb_std_task();
	}
}

static bool cdc_acm_queue_has_room(void)
{
	return cdc_acm_tx_queued < CDC_ACM_TX_QUEUE;
}

static bool cdc_acm_queue_empty(void)
{
	return cdc_acm_tx_queued == 0;
}

static bool cdc_acm_bank_free(void)
{
	return cdc_acm_open_bank();
}

void cdc_acm_tx(uint8_t byte)
{
	if (usb_std_link_pending())
		return; /* the request this answers was voided by a link event */
	/* Fast path (streamed replies): the bank is open and nothing is queued ahead of this byte. */
	if (cdc_acm_tx_open && cdc_acm_tx_queued == 0) {
		UENUM = DESCRIPTORS_IN_EP;
		UEDATX = byte;
		cdc_acm_bank_filled(1);
		return;
	}
	if (cdc_acm_tx_dropping || !usb_std_configured())
		return;
	if (cdc_acm_tx_queued == 0 && cdc_acm_open_bank()) {
		cdc_acm_bank_write(byte);
		return;
	}
	/* The host has not read the last packet yet: queue, so the caller (e.g. an SPI read loop) keeps going. */
	if (!cdc_acm_queue_has_room() && !cdc_acm_tx_wait(cdc_acm_queue_has_room)) {
		cdc_acm_tx_dropping = true;
		return;
	}
	cdc_acm_tx_ring[cdc_acm_tx_head] = byte;
	cdc_acm_tx_head = (uint8_t)((cdc_acm_tx_head + 1U) & (CDC_ACM_TX_QUEUE - 1U));
	cdc_acm_tx_queued++;
	cdc_acm_tx_pump();
}

uint8_t cdc_acm_tx_direct_room(void)
{
	if (usb_std_link_pending() || cdc_acm_tx_dropping || !usb_std_configured() || cdc_acm_tx_queued)
		return 0;
	if (!cdc_acm_open_bank())
		return 0;
	usb_hw_select(DESCRIPTORS_IN_EP);
	return (uint8_t)(DESCRIPTORS_IN_EP_SIZE - cdc_acm_tx_fill);
}

void cdc_acm_tx_direct_stored(uint8_t count)
{
	cdc_acm_bank_filled(count);
}

void cdc_acm_tx_flush(void)
{
	if (usb_std_link_pending())
		return; /* cdc_acm_link_reset() clears the send state */
	if (!cdc_acm_tx_dropping && usb_std_configured() && cdc_acm_tx_wait(cdc_acm_queue_empty)) {
		if (cdc_acm_tx_open)
			cdc_acm_send_bank();
		else if (cdc_acm_tx_zlp && cdc_acm_tx_wait(cdc_acm_bank_free))
			cdc_acm_send_bank(); /* zero-length packet ends a transfer of full packets */
	}
	cdc_acm_tx_dropping = false;
	cdc_acm_tx_zlp = false;
	cdc_acm_tx_queued = 0;
	cdc_acm_tx_head = cdc_acm_tx_tail = 0;
}

bool cdc_acm_reboot_armed(void)
{
	return cdc_acm_reboot_armed_flag;
}

bool cdc_acm_reboot_due(void)
{
	return cdc_acm_reboot_armed_flag && clock_elapsed_ms(cdc_acm_reboot_since) >= CDC_ACM_REBOOT_DELAY_MS;
}

void cdc_acm_reboot_cancel(void)
{
	cdc_acm_reboot_armed_flag = false;
}

/* Arms the reboot timer when the line settings ask for the bootloader, cancels it when they no longer do. */
static void cdc_acm_check_reboot(void)
{
#if BOARD_BOOTLOADER_CATERINA
	bool wanted = cdc_acm_coding.dwDTERate == BOARD_REBOOT_BAUD && !(cdc_acm_line_state & CDC_LINE_DTR);
#elif BOARD_BOOTLOADER_HALFKAY
	bool wanted = cdc_acm_coding.dwDTERate == BOARD_REBOOT_BAUD;
#else
	bool wanted = false;
#endif
	if (wanted) {
		cdc_acm_reboot_armed_flag = true;
		cdc_acm_reboot_since = clock_ms();
	} else {
		cdc_acm_reboot_armed_flag = false;
	}
}

bool cdc_acm_control_request(const struct usb_std_setup *s)
{
	if ((s->bmRequestType & USB_STD_RECIPIENT_MASK) != USB_STD_RECIPIENT_INTERFACE)
		return false;
	switch (s->bRequest) {
	case CDC_REQ_SET_LINE_CODING: {
		struct cdc_acm_line_coding coding;
		if (s->wLength != sizeof(coding))
			return false;
		if (usb_std_control_receive((uint8_t *)&coding, sizeof(coding))) {
			memcpy(&cdc_acm_coding, &coding, sizeof(coding));
			cdc_acm_check_reboot();
		}
		return true;
	}
	case CDC_REQ_GET_LINE_CODING:
		usb_std_control_send((const uint8_t *)&cdc_acm_coding, sizeof(cdc_acm_coding), s->wLength);
		return true;
	case CDC_REQ_SET_CONTROL_LINE_STATE:
		cdc_acm_line_state = (uint8_t)s->wValue;
		usb_std_control_status_in();
		cdc_acm_check_reboot();
		return true;
	case CDC_REQ_SEND_BREAK:
		usb_std_control_status_in();
		return true;
	default:
		return false;
	}
}
