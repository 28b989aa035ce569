#include "board.h"

#include <avr/pgmspace.h>
#include <stdbool.h>
#include <stdint.h>

#include "cdc_acm.h"
#include "clock.h"
#include "isp.h"
#include "isp_lines.h"
#include "isp_spi.h"
#include "led.h"
#include "stk500.h"

#define STK500_SIGN_ON "AVR ISP"
#define STK500_DEFAULT_PAGE_BYTES 128U
#define STK500_DEFAULT_EEPROM_BYTES 1024U
#define STK500_DATA_FILL 0xFFU

_Static_assert(STK500_MAX_BLOCK + 5U <= CDC_ACM_RX_SIZE - 1U, "a whole STK_PROG_PAGE must fit the receive ring");
_Static_assert(STK500_MAX_BLOCK % 64U == 0 && STK500_MAX_BLOCK / 64U <= 255U, "max block is reported in 64-byte units");

/* Values reported by STK_GET_PARAMETER that never change. Unknown parameters read 0 (STK_OK), as in ArduinoISP. */
struct stk500_param {
	uint8_t id;
	uint8_t value;
};
static const struct stk500_param stk500_params[] PROGMEM = {
	{ PARM_STK_HW_VER, STK_VERSION_HW },
	{ PARM_STK_SW_MAJOR, STK_VERSION_SW_MAJOR },
	{ PARM_STK_SW_MINOR, STK_VERSION_SW_MINOR },
	{ PARM_STK_PROGMODE, 'S' }, /* serial programmer */
	{ ISPKIT_EXT_VERSION, STK500_EXT_VERSION },
	{ ISPKIT_MAX_BLOCK_64, (uint8_t)(STK500_MAX_BLOCK / 64U) },
	{ ISPKIT_BOARD, BOARD_CODE },
};

static uint16_t stk500_here;           /* STK_LOAD_ADDRESS: words for flash, bytes for EEPROM */
static uint16_t stk500_page_bytes;     /* flash page size from STK_SET_DEVICE (0: not paged) */
static uint16_t stk500_eeprom_bytes;   /* EEPROM size from STK_SET_DEVICE */
static uint8_t stk500_eeprom_page;     /* EEPROM page size from STK_SET_DEVICE_EXT */
static bool stk500_waiting;            /* a request is incomplete */
static uint16_t stk500_wait_start;
static uint16_t stk500_discard;        /* bytes of an oversized block still to drop */
static uint16_t stk500_taken;          /* data bytes of the current STK_PROG_PAGE consumed so far */
static uint16_t stk500_take_limit;     /* data bytes the current STK_PROG_PAGE carries */
static bool stk500_ispkit_host;        /* this session's host asked for the ispkit extension */
static bool stk500_eeprom_words;       /* this session's host loads EEPROM addresses in words (-c arduino) */
static bool stk500_sck_set;            /* this session's host chose the SCK duration (avrdude -B, ispkit) */

void stk500_init(void)
{
	stk500_here = 0;
	stk500_page_bytes = STK500_DEFAULT_PAGE_BYTES;
	stk500_eeprom_bytes = STK500_DEFAULT_EEPROM_BYTES;
	stk500_eeprom_page = 0;
	stk500_waiting = false;
	stk500_discard = 0;
	stk500_ispkit_host = false;
	stk500_eeprom_words = false;
	stk500_sck_set = false;
}

static void stk500_reply(uint8_t status)
{
	cdc_acm_tx(STK_INSYNC);
	cdc_acm_tx(status);
}

static void stk500_reply_byte(uint8_t value, uint8_t status)
{
	cdc_acm_tx(STK_INSYNC);
	cdc_acm_tx(value);
	cdc_acm_tx(status);
}

/* Total request length including the command byte and CRC_EOP; 0 when more header bytes are needed. */
static uint16_t stk500_request_length(uint8_t cmd, uint16_t avail)
{
	switch (cmd) {
	case CRC_EOP:
		return 1;
	case STK_GET_SYNC:
	case STK_GET_SIGN_ON:
	case STK_ENTER_PROGMODE:
	case STK_LEAVE_PROGMODE:
	case STK_CHIP_ERASE:
	case STK_READ_SIGN:
		return 2;
	case STK_GET_PARAMETER:
	case STK_PROG_DATA:
		return 3;
	case STK_SET_PARAMETER:
	case STK_LOAD_ADDRESS:
	case STK_PROG_FLASH:
		return 4;
	case STK_READ_PAGE:
		return 5;
	case STK_UNIVERSAL:
		return 6;
	case STK_SET_DEVICE_EXT:
		return 7;
	case STK_SET_DEVICE:
		return 22;
	case STK_PROG_PAGE: {
		if (avail < 3)
			return 0;
		uint16_t length = (uint16_t)(cdc_acm_rx_peek(1) << 8) | cdc_acm_rx_peek(2);
		if (length > STK500_MAX_BLOCK)
			return 0xFFFFU; /* handled by the caller */
		return (uint16_t)(length + 5U);
	}
	default:
		return 2; /* unknown command: STK_UNKNOWN if the next byte is CRC_EOP */
	}
}

static uint8_t stk500_param_value(uint8_t id)
{
	if (id == PARM_STK_SCK_DURATION)
		return isp_spi_duration();
	if (id == ISPKIT_LAST_ERROR)
		return isp_last_error();
	if (id == ISPKIT_LAST_ECHO)
		return isp_last_echo();
	if (id == ISPKIT_LINES)
		return isp_active() ? ISPKIT_LINE_NOT_MEASURED : isp_lines_measure();
	for (uint8_t i = 0; i < sizeof(stk500_params) / sizeof(stk500_params[0]); i++)
		if (pgm_read_byte(&stk500_params[i].id) == id)
			return pgm_read_byte(&stk500_params[i].value);
	return 0;
}

static void stk500_set_device(void)
{
	/* Request bytes after the command: page size at 13..14, EEPROM size at 15..16 (big-endian). */
	uint16_t page = (uint16_t)(cdc_acm_rx_peek(13) << 8) | cdc_acm_rx_peek(14);
	uint16_t eeprom = (uint16_t)(cdc_acm_rx_peek(15) << 8) | cdc_acm_rx_peek(16);
	stk500_page_bytes = (page >= 2 && page <= 256 && (page & (page - 1U)) == 0) ? page : 0;
	stk500_eeprom_bytes = eeprom;
}

static void stk500_set_device_ext(void)
{
	/* Request bytes: command size, EEPROM page size, ... */
	uint8_t page = cdc_acm_rx_peek(2);
	stk500_eeprom_page = (page >= 2 && (page & (page - 1U)) == 0) ? page : 0;
}

/* Programming mode is on and the target is not stuck busy. */
static bool stk500_need_target(void)
{
	if (!isp_active()) {
		isp_set_error(ISP_ERROR_NOT_ACTIVE);
		return false;
	}
	return isp_ready_for_command();
}

static void stk500_fail(void)
{
	led_show_error();
}

/* EEPROM byte address of the loaded address (see stk500.h: bytes, or words for -c arduino). */
static uint16_t stk500_eeprom_address(void)
{
	return stk500_eeprom_words ? (uint16_t)(stk500_here * 2U) : stk500_here;
}

/* Source for the ISP block writes: never more than the request holds (the ring cannot underflow either). */
static uint8_t stk500_take(void)
{
	if (stk500_taken >= stk500_take_limit)
		return STK500_DATA_FILL;
	stk500_taken++;
	return cdc_acm_rx_take();
}

/* The same in contiguous runs, for the burst path. */
static uint8_t stk500_take_span(const uint8_t **data, uint8_t max)
{
	uint16_t left = (uint16_t)(stk500_take_limit - stk500_taken);
	if (max > left)
		max = (uint8_t)left;
	uint8_t n = cdc_acm_rx_take_span(data, max);
	stk500_taken = (uint16_t)(stk500_taken + n);
	return n;
}

static const struct isp_fifo stk500_reply_fifo = { cdc_acm_tx_direct_room, cdc_acm_tx_direct_stored };

static void stk500_prog_page(void)
{
	uint16_t length = (uint16_t)(cdc_acm_rx_peek(1) << 8) | cdc_acm_rx_peek(2);
	uint8_t memtype = cdc_acm_rx_peek(3);
	bool ok = false;

	cdc_acm_rx_discard(4);
	stk500_taken = 0;
	stk500_take_limit = length;
	if (memtype == STK_MEMTYPE_FLASH && stk500_page_bytes != 0 && stk500_need_target()) {
		ok = isp_write_flash(stk500_here, length, stk500_page_bytes / 2U, stk500_take, stk500_take_span);
		stk500_here += length / 2U;
	} else if (memtype == STK_MEMTYPE_EEPROM && length <= stk500_eeprom_bytes && stk500_need_target()) {
		ok = isp_write_eeprom(stk500_eeprom_address(), length, stk500_eeprom_page, stk500_take);
		stk500_here += stk500_eeprom_words ? length / 2U : length;
	}
	/* Whatever was not consumed (failure part-way, refused request) and the CRC_EOP. */
	cdc_acm_rx_discard((uint16_t)(length - stk500_taken + 1U));
	if (!ok)
		stk500_fail();
	stk500_reply(ok ? STK_OK : STK_FAILED);
}

static void stk500_fill(uint16_t length)
{
	while (length--)
		cdc_acm_tx(STK500_DATA_FILL);
}

static void stk500_read_page(void)
{
	uint16_t length = (uint16_t)(cdc_acm_rx_peek(1) << 8) | cdc_acm_rx_peek(2);
	uint8_t memtype = cdc_acm_rx_peek(3);

	cdc_acm_tx(STK_INSYNC);
	if (memtype != STK_MEMTYPE_FLASH && memtype != STK_MEMTYPE_EEPROM) {
		cdc_acm_tx(STK_FAILED);
		return;
	}
	if (!stk500_need_target()) {
		stk500_fill(length);
		cdc_acm_tx(STK_FAILED);
		return;
	}
	if (memtype == STK_MEMTYPE_FLASH) {
		isp_read_flash(stk500_here, length, cdc_acm_tx, &stk500_reply_fifo);
		stk500_here += length / 2U;
	} else {
		isp_read_eeprom(stk500_eeprom_address(), length, cdc_acm_tx);
		stk500_here += stk500_eeprom_words ? length / 2U : length;
	}
	cdc_acm_tx(STK_OK);
}

static void stk500_universal(void)
{
	uint8_t cmd[4];
	bool ok = false;
	uint8_t result = 0;
	for (uint8_t i = 0; i < 4; i++)
		cmd[i] = cdc_acm_rx_peek(1U + i);
	if (stk500_need_target())
		result = isp_universal(cmd, &ok);
	if (!ok)
		stk500_fail();
	stk500_reply_byte(result, ok ? STK_OK : STK_FAILED);
}

static void stk500_read_sign(void)
{
	uint8_t sig[3] = { 0, 0, 0 };
	bool ok = stk500_need_target();
	if (ok)
		isp_read_signature(sig);
	cdc_acm_tx(STK_INSYNC);
	for (uint8_t i = 0; i < 3; i++)
		cdc_acm_tx(sig[i]);
	cdc_acm_tx(ok ? STK_OK : STK_FAILED);
}

/*
 * A host that leaves the clock to the programmer (stock avrdude without -B) gets the safe default for the
 * entry, raised from there when the target's fuses allow (isp_raise_clock); a host that set it keeps its choice.
 */
static void stk500_enter_progmode(void)
{
	bool fresh = !isp_active();
	bool auto_clock = fresh && !stk500_sck_set && !stk500_ispkit_host;
	if (auto_clock)
		isp_spi_set_duration(ISP_SPI_DEFAULT_DURATION);
	bool ok = !fresh || isp_enter();
	if (ok && auto_clock)
		(void)isp_raise_clock();
	led_set_programming(ok);
	if (!ok)
		stk500_fail();
	stk500_reply(ok ? STK_OK : STK_FAILED);
}

static void stk500_chip_erase(void)
{
	bool ok = false;
	if (stk500_need_target()) {
		const uint8_t cmd[4] = { ISP_CHIP_ERASE_0, ISP_CHIP_ERASE_1, ISP_CHIP_ERASE_2, ISP_CHIP_ERASE_3 };
		(void)isp_universal(cmd, &ok);
	}
	if (!ok)
		stk500_fail();
	stk500_reply(ok ? STK_OK : STK_FAILED);
}

/* Runs a complete request of `length` bytes (CRC_EOP checked) and removes it from the ring. */
static void stk500_execute(uint8_t cmd, uint16_t length)
{
	led_set_activity(true);
	switch (cmd) {
	case STK_GET_SYNC:
		if (!isp_active()) {
			/* A new session starts with a sync outside programming mode. */
			stk500_ispkit_host = false;
			stk500_eeprom_words = false;
			stk500_sck_set = false;
		}
		stk500_reply(STK_OK);
		break;
	case STK_GET_SIGN_ON: {
		static const char sign_on[] PROGMEM = STK500_SIGN_ON;
		cdc_acm_tx(STK_INSYNC);
		for (uint8_t i = 0; i < sizeof(sign_on) - 1U; i++)
			cdc_acm_tx(pgm_read_byte(&sign_on[i]));
		cdc_acm_tx(STK_OK);
		break;
	}
	case STK_GET_PARAMETER:
		if (cdc_acm_rx_peek(1) == ISPKIT_EXT_VERSION)
			stk500_ispkit_host = true;
		stk500_reply_byte(stk500_param_value(cdc_acm_rx_peek(1)), STK_OK);
		break;
	case STK_SET_PARAMETER:
		if (cdc_acm_rx_peek(1) == PARM_STK_SCK_DURATION) {
			isp_spi_set_duration(cdc_acm_rx_peek(2));
			stk500_sck_set = true;
		}
		stk500_reply(STK_OK);
		break;
	case STK_SET_DEVICE:
		stk500_set_device();
		stk500_reply(STK_OK);
		break;
	case STK_SET_DEVICE_EXT:
		stk500_set_device_ext();
		stk500_reply(STK_OK);
		break;
	case STK_ENTER_PROGMODE:
		stk500_enter_progmode();
		break;
	case STK_LEAVE_PROGMODE:
		isp_leave();
		led_set_programming(false);
		stk500_reply(STK_OK);
		break;
	case STK_CHIP_ERASE:
		stk500_chip_erase();
		break;
	case STK_LOAD_ADDRESS:
		stk500_here = (uint16_t)cdc_acm_rx_peek(1) | (uint16_t)(cdc_acm_rx_peek(2) << 8);
		stk500_reply(STK_OK);
		break;
	case STK_PROG_FLASH:
	case STK_PROG_DATA:
		stk500_reply(STK_OK); /* accepted and ignored, as ArduinoISP does */
		break;
	case STK_PROG_PAGE:
		stk500_prog_page(); /* consumes the request itself */
		led_set_activity(false);
		return;
	case STK_READ_PAGE:
		stk500_read_page();
		break;
	case STK_UNIVERSAL:
		stk500_universal();
		break;
	case STK_READ_SIGN:
		/* avrdude -c arduino (and only it) reads the signature with 'u' and sends EEPROM word addresses. */
		if (!stk500_ispkit_host)
			stk500_eeprom_words = true;
		stk500_read_sign();
		break;
	default:
		cdc_acm_tx(STK_UNKNOWN);
		break;
	}
	cdc_acm_rx_discard(length);
	led_set_activity(false);
}

/* Drops an oversized STK_PROG_PAGE (data + CRC_EOP) as it arrives; answers once its last byte is seen. */
static void stk500_discard_task(void)
{
	uint16_t avail = cdc_acm_rx_count();
	if (avail > 0 && stk500_discard > 1) {
		uint16_t n = avail < stk500_discard - 1U ? avail : (uint16_t)(stk500_discard - 1U);
		cdc_acm_rx_discard(n);
		stk500_discard -= n;
		stk500_wait_start = clock_ms();
		avail -= n;
	}
	if (avail > 0 && stk500_discard == 1) {
		stk500_discard = 0;
		if (cdc_acm_rx_take() == CRC_EOP)
			stk500_reply(STK_FAILED);
		else
			cdc_acm_tx(STK_NOSYNC);
		cdc_acm_tx_flush();
	} else if (clock_elapsed_ms(stk500_wait_start) > STK500_PARTIAL_TIMEOUT_MS) {
		stk500_discard = 0;
		cdc_acm_tx(STK_NOSYNC);
		cdc_acm_tx_flush();
	}
}

void stk500_task(void)
{
	if (stk500_discard) {
		stk500_discard_task();
		return;
	}
	uint16_t avail = cdc_acm_rx_count();
	if (avail == 0) {
		stk500_waiting = false;
		return;
	}

	uint8_t cmd = cdc_acm_rx_peek(0);
	uint16_t length = stk500_request_length(cmd, avail);
	if (length == 0xFFFFU) {
		/* Oversized block: drop header + data + EOP as they arrive, then answer STK_FAILED. */
		uint16_t data = (uint16_t)(cdc_acm_rx_peek(1) << 8) | cdc_acm_rx_peek(2);
		cdc_acm_rx_discard(4);
		stk500_discard = (uint16_t)(data + 1U);
		stk500_wait_start = clock_ms();
		stk500_fail();
		return;
	}
	if (length == 0 || avail < length) {
		if (!stk500_waiting) {
			stk500_waiting = true;
			stk500_wait_start = clock_ms();
		} else if (clock_elapsed_ms(stk500_wait_start) > STK500_PARTIAL_TIMEOUT_MS) {
			/* The host stopped in the middle of a request: forget it. */
			cdc_acm_rx_discard(avail);
			stk500_waiting = false;
			cdc_acm_tx(STK_NOSYNC);
			cdc_acm_tx_flush();
		}
		return;
	}
	stk500_waiting = false;

	if (cmd == CRC_EOP) {
		cdc_acm_rx_discard(1);
		cdc_acm_tx(STK_NOSYNC);
	} else if (cdc_acm_rx_peek(length - 1U) != CRC_EOP) {
		cdc_acm_rx_discard(length);
		cdc_acm_tx(STK_NOSYNC);
	} else {
		stk500_execute(cmd, length);
	}
	cdc_acm_tx_flush();
}
