#include "board.h"

#include <avr/io.h>
#include <string.h>
#include <util/delay.h>

#include "clock.h"
#include "isp.h"
#include "isp_burst.h"
#include "isp_spi.h"

_Static_assert(ISP_BURST_READ_LOW == ISP_READ_FLASH_LOW_0 &&
                   ISP_BURST_READ_LOW + ISP_BURST_HIGH_BIT == ISP_READ_FLASH_HIGH_0,
               "isp_burst.S sends the board table's Read Program Memory opcodes");
_Static_assert(ISP_BURST_LOAD_LOW == ISP_LOAD_FLASH_LOW_0 &&
                   ISP_BURST_LOAD_LOW + ISP_BURST_HIGH_BIT == ISP_LOAD_FLASH_HIGH_0,
               "isp_burst.S sends the board table's Load Program Memory Page opcodes");

#define ISP_RESET_PULSE_US 100U
#define ISP_BUSY_BIT 0x01U
/* Block loops look at the clock (and so at USB) every 8 bytes: 8 x 4 SPI bytes take at most 2 ms even at the
 * slowest hardware SCK, and the check stays out of the SPI byte it overlaps at the fastest. */
#define ISP_CHECK_EVERY_MASK 7U

static bool isp_is_active;
/*
 * Cycle-timed bursts (isp_burst.h): the slack this programmer's SPI has needed so far. A collision adds a cycle;
 * past ISP_BURST_SLACK_MAX bursts are off until power-up (the SPI's timing is the chip's, not the target's).
 */
static uint8_t isp_burst_slack;
static uint8_t isp_error;
static uint8_t isp_echo; /* third reply byte of the last programming enable sent */
static bool isp_busy_stuck; /* the last RDY/BSY wait timed out: the target may still be busy */

static void isp_reset_drive(bool high)
{
	if (high)
		BOARD_RESET_PORT |= (1 << BOARD_RESET_BIT);
	else
		BOARD_RESET_PORT &= (uint8_t)~(1 << BOARD_RESET_BIT);
	BOARD_RESET_DDR |= (1 << BOARD_RESET_BIT);
}

static void isp_reset_release(void)
{
	BOARD_RESET_DDR &= (uint8_t)~(1 << BOARD_RESET_BIT);
	BOARD_RESET_PORT &= (uint8_t)~(1 << BOARD_RESET_BIT);
}

/* Waits `ms` milliseconds while the application keeps USB alive; false when told to stop. */
static bool isp_wait_ms(uint16_t ms)
{
	uint16_t start = clock_ms();
	while (clock_elapsed_ms(start) <= ms) {
		if (isp_should_stop())
			return false;
		isp_idle();
	}
	return true;
}

static uint8_t isp_last_service;
static bool isp_stopped; /* isp_should_stop() said so during the current operation */

/* Calls isp_idle() when a millisecond has passed since the last call from here. */
static void isp_service(void)
{
	uint8_t now = clock_ms8();
	if (now != isp_last_service) {
		isp_last_service = now;
		isp_idle();
	}
}

/*
 * Between units of work in block loops: once per millisecond keep USB serviced and ask whether to stop (link
 * events can only be noticed by that service, so checking more often would find nothing new); cheap otherwise.
 */
static bool isp_keep_going(void)
{
	uint8_t now = clock_ms8();
	if (now != isp_last_service) {
		isp_last_service = now;
		isp_idle();
		if (isp_should_stop())
			isp_stopped = true;
	}
	if (!isp_stopped)
		return true;
	isp_error = ISP_ERROR_STOPPED;
	return false;
}

/* Right before an instruction that writes the target: a link event that has just arrived stops it. */
static bool isp_may_write(void)
{
	if (isp_should_stop())
		isp_stopped = true;
	if (!isp_stopped)
		return true;
	isp_error = ISP_ERROR_STOPPED;
	return false;
}

void isp_init(void)
{
	isp_spi_set_duration(ISP_SPI_DEFAULT_DURATION);
	isp_spi_end();
	isp_reset_release();
#if BOARD_SS_IS_DRIVE_HIGH
	BOARD_SPI_SS_PORT |= (1 << BOARD_SPI_SS_BIT);
	BOARD_SPI_SS_DDR |= (1 << BOARD_SPI_SS_BIT);
#elif BOARD_SS_IS_PULL_UP
	BOARD_SPI_SS_DDR &= (uint8_t)~(1 << BOARD_SPI_SS_BIT);
	BOARD_SPI_SS_PORT |= (1 << BOARD_SPI_SS_BIT);
#endif
	isp_is_active = false;
}

bool isp_active(void)
{
	return isp_is_active;
}

uint8_t isp_last_error(void)
{
	return isp_error;
}

uint8_t isp_last_echo(void)
{
	return isp_echo;
}

void isp_set_error(uint8_t error)
{
	isp_error = error;
}

static uint8_t isp_command4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	isp_service();
	isp_spi_put(a);
	isp_spi_put(b);
	isp_spi_put(c);
	isp_spi_put(d);
	return isp_spi_get();
}

bool isp_enter(void)
{
	/* RESET low first: on boards where RESET is PB0 this also makes SS an output before SPI master. */
	isp_reset_drive(false);
	isp_spi_begin();
	for (uint8_t attempt = 0; attempt < ISP_ENTER_TRIES; attempt++) {
		/* Positive RESET pulse with SCK low, then let the target settle in reset. */
		isp_reset_drive(true);
		_delay_us(ISP_RESET_PULSE_US);
		isp_reset_drive(false);
		if (!isp_wait_ms(ISP_ENTER_SETTLE_MS))
			break;
		isp_spi_put(ISP_PROGRAM_ENABLE_0);
		isp_spi_put(ISP_PROGRAM_ENABLE_1);
		uint8_t echo = isp_spi_transfer(ISP_PROGRAM_ENABLE_2);
		(void)isp_spi_transfer(ISP_PROGRAM_ENABLE_3);
		isp_echo = echo;
		if (echo == ISP_PROGRAM_ENABLE_1) {
			isp_is_active = true;
			isp_busy_stuck = false;
			isp_error = ISP_ERROR_NONE;
			return true;
		}
	}
	isp_leave();
	isp_error = isp_should_stop() ? ISP_ERROR_STOPPED : ISP_ERROR_NO_ECHO;
	return false;
}

void isp_leave(void)
{
	isp_spi_end();
	isp_reset_release();
	isp_is_active = false;
}

/* One RDY/BSY poll: true while the target reports busy. */
static bool isp_poll_busy(void)
{
	return isp_command4(ISP_POLL_READY_0, ISP_POLL_READY_1, ISP_POLL_READY_2, ISP_POLL_READY_3) & ISP_BUSY_BIT;
}

bool isp_wait_ready(void)
{
	uint16_t start = clock_ms();
	for (;;) {
		if (!isp_poll_busy()) {
			isp_busy_stuck = false;
			return true;
		}
		if (clock_elapsed_ms(start) > ISP_READY_TIMEOUT_MS) {
			isp_error = ISP_ERROR_BUSY;
			isp_busy_stuck = true;
			return false;
		}
		if (isp_should_stop()) {
			/* The target finishes its write on its own; poll first before the next instruction. */
			isp_error = ISP_ERROR_STOPPED;
			isp_busy_stuck = true;
			return false;
		}
		isp_idle();
	}
}

bool isp_ready_for_command(void)
{
	if (!isp_busy_stuck)
		return true;
	/* One poll, no waiting: a target that stays busy makes every command fail at once. */
	if (isp_poll_busy())
		return false;
	isp_busy_stuck = false;
	return true;
}

/*
 * Sends an instruction that makes the target write (flash page, EEPROM, erase, fuse, lock): USB is serviced first,
 * then the link is checked before the first byte and again before the 4th, the one that starts the write, with no
 * USB service between that check and the byte. A link event that arrives before the 4th byte goes out stops the
 * instruction there (false, nothing written; the target is left mid-instruction, which the session's end clears by
 * releasing RESET). Stores the 4th reply byte in *reply when `reply` is not NULL.
 */
static bool isp_write_command4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t *reply)
{
	isp_service();
	if (!isp_may_write())
		return false;
	isp_spi_put(a);
	isp_spi_put(b);
	isp_spi_put(c);
	(void)isp_spi_get();
	if (!isp_may_write())
		return false;
	isp_spi_put(d);
	uint8_t r = isp_spi_get();
	if (reply)
		*reply = r;
	return true;
}

/* Instructions after which the target is busy: writes, erase, fuse and lock programming. */
static bool isp_starts_write(const uint8_t cmd[4])
{
	if (cmd[0] == ISP_PROGRAM_ENABLE_0)
		return cmd[1] != ISP_PROGRAM_ENABLE_1; /* AC 80 erase, AC A0/A8/A4 fuses, AC E0 lock */
	return cmd[0] == ISP_WRITE_FLASH_PAGE_0 || cmd[0] == ISP_WRITE_EEPROM_0 || cmd[0] == ISP_WRITE_EEPROM_PAGE_0;
}

uint8_t isp_universal(const uint8_t cmd[4], bool *ok)
{
	isp_stopped = false;
	bool writes = isp_starts_write(cmd);
	if ((writes && !isp_may_write()) || (cmd[0] != ISP_POLL_READY_0 && !isp_ready_for_command())) {
		*ok = false;
		return 0;
	}
	if (!writes) {
		*ok = true;
		return isp_command4(cmd[0], cmd[1], cmd[2], cmd[3]);
	}
	uint8_t r = 0;
	*ok = isp_write_command4(cmd[0], cmd[1], cmd[2], cmd[3], &r) && isp_wait_ready();
	return r;
}

static bool isp_commit_flash_page(uint16_t page_word)
{
	return isp_write_command4(ISP_WRITE_FLASH_PAGE_0, (uint8_t)(page_word >> 8), (uint8_t)page_word,
	                          ISP_WRITE_FLASH_PAGE_3, NULL) &&
	       isp_wait_ready();
}

static bool isp_burst_ready(void)
{
	return isp_burst_slack <= ISP_BURST_SLACK_MAX && isp_spi_divider() == ISP_BURST_DIVIDER;
}

/* SPI byte `j` of the instruction stream that starts at byte `i` (word `word`, low byte first): instruction
 * j / 4 reads or loads byte i + j / 4; its data slot holds data[j / 4], or 0 without data. */
static uint8_t isp_stream_byte(uint8_t op_low, uint16_t word, uint16_t i, uint16_t j, const uint8_t *data)
{
	uint16_t at = i + j / 4U;
	uint16_t w = word + (at >> 1);
	switch (j & 3U) {
	case 0:
		return (at & 1U) ? (uint8_t)(op_low | ISP_BURST_HIGH_BIT) : op_low;
	case 1:
		return (uint8_t)(w >> 8);
	case 2:
		return (uint8_t)w;
	default:
		return data ? data[j / 4U] : 0;
	}
}

/*
 * After a burst of `n` instructions from byte `i` collided at SPI byte `sent`: waits out the byte in flight,
 * sends the rest polled (each read's reply to `sink`) and gives later bursts a cycle more per byte. A read whose
 * data byte was the last one out before the collision gets the settled reply.
 */
static void isp_burst_recover(uint8_t op_low, uint16_t word, uint16_t i, uint8_t n, uint16_t sent,
                              const uint8_t *data, isp_sink sink)
{
	uint8_t reply = isp_spi_hw_settle();
	isp_burst_slack++;
	if (sink && sent != 0 && (sent & 3U) == 0)
		sink(reply);
	for (uint16_t j = sent; j < 4U * n; j++) {
		reply = isp_spi_transfer(isp_stream_byte(op_low, word, i, j, data));
		if (sink && (j & 3U) == 3U)
			sink(reply);
	}
}

/*
 * The burst path of isp_write_flash(): one burst per flash page (at most ISP_BURST_MAX bytes, and no further than
 * the source's bytes lie contiguous), USB serviced between them. Returns the number of bytes loaded, with *page the
 * page in the target's buffer; stops early (for the byte loop to go on) when the source has no span or bursts were
 * given up; sets *ok false when a link event stopped it or a page write failed.
 */
static uint16_t isp_write_flash_bursts(uint16_t word, uint16_t length, uint16_t page_words, uint16_t *page,
                                       isp_span span, bool *ok)
{
	uint16_t page_mask = (uint16_t)~(page_words - 1U);
	uint16_t i = 0;
	while (i < length) {
		if (!isp_keep_going()) {
			*ok = false;
			break;
		}
		uint16_t w = word + (i >> 1);
		if ((w & page_mask) != *page) {
			if (!isp_commit_flash_page(*page)) {
				*ok = false;
				break;
			}
			*page = w & page_mask;
		}
		uint16_t left = (uint16_t)((*page + page_words - w) * 2U - (i & 1U));
		if (left > length - i)
			left = (uint16_t)(length - i);
		const uint8_t *data;
		uint8_t n = span(&data, left > ISP_BURST_MAX ? ISP_BURST_MAX : (uint8_t)left);
		if (n == 0)
			break;
		uint16_t sent = isp_burst_load(w, (uint8_t)(i & 1U), data, n, isp_burst_slack);
		if (sent != 4U * n)
			isp_burst_recover(ISP_LOAD_FLASH_LOW_0, word, i, n, sent, data, NULL);
		i = (uint16_t)(i + n);
		if (!isp_burst_ready())
			break;
	}
	return i;
}

bool isp_write_flash(uint16_t word, uint16_t length, uint16_t page_words, isp_source source, isp_span span)
{
	uint16_t page_mask = (uint16_t)~(page_words - 1U);
	uint16_t page = word & page_mask;
	bool inflight = false; /* hardware path: a byte is shifting */
	uint16_t i = 0;

	isp_stopped = false;
	(void)isp_spi_get();
	if (span && isp_burst_ready()) {
		bool ok = true;
		i = isp_write_flash_bursts(word, length, page_words, &page, span, &ok);
		if (!ok)
			return false; /* a page write failed, or nothing more is loaded and the page is not written */
	}
	for (; i < length; i++) {
		uint16_t w = word + (i >> 1);
		uint8_t op = (i & 1U) ? ISP_LOAD_FLASH_HIGH_0 : ISP_LOAD_FLASH_LOW_0;
		if ((i & ISP_CHECK_EVERY_MASK) == 0 && !isp_keep_going()) {
			/* Nothing more is loaded and no page is written: the page buffer holds only part of it. */
			if (inflight)
				(void)isp_spi_hw_finish();
			return false;
		}
		if ((w & page_mask) != page) {
			if (inflight)
				(void)isp_spi_hw_finish();
			inflight = false;
			if (!isp_commit_flash_page(page))
				return false;
			page = w & page_mask;
		}
		if (isp_spi_soft) {
			isp_command4(op, (uint8_t)(w >> 8), (uint8_t)w, source());
			continue;
		}
		/* Each byte starts as soon as the previous one is out; the next data byte is fetched meanwhile. */
		if (inflight)
			isp_spi_hw_next(op);
		else
			isp_spi_hw_start(op);
		isp_spi_hw_next((uint8_t)(w >> 8));
		isp_spi_hw_next((uint8_t)w);
		uint8_t data = source();
		isp_spi_hw_next(data);
		inflight = true;
	}
	if (inflight)
		(void)isp_spi_hw_finish();
	return length == 0 || isp_commit_flash_page(page);
}

bool isp_write_eeprom(uint16_t address, uint16_t length, uint8_t page_bytes, isp_source source)
{
	bool paged = page_bytes >= 2;
	uint16_t in_page = paged ? (uint16_t)(page_bytes - 1U) : 0;
	isp_stopped = false;
	for (uint16_t i = 0; i < length; i++) {
		uint16_t a = address + i;
		if (!isp_keep_going())
			return false; /* the bytes loaded for this page are never written */
		uint8_t b = source();
		if (!paged) {
			if (!isp_write_command4(ISP_WRITE_EEPROM_0, (uint8_t)(a >> 8), (uint8_t)a, b, NULL) || !isp_wait_ready())
				return false;
			continue;
		}
		isp_command4(ISP_LOAD_EEPROM_PAGE_0, ISP_LOAD_EEPROM_PAGE_1, (uint8_t)(a & in_page), b);
		if ((a & in_page) == in_page || i + 1U == length) {
			uint16_t p = a & (uint16_t)~in_page;
			if (!isp_write_command4(ISP_WRITE_EEPROM_PAGE_0, (uint8_t)(p >> 8), (uint8_t)p, ISP_WRITE_EEPROM_PAGE_3, NULL) ||
			    !isp_wait_ready())
				return false;
		}
	}
	return true;
}

static void isp_start_flash_read(uint16_t word, uint16_t i)
{
	uint16_t w = word + (i >> 1);
	isp_spi_put((i & 1U) ? ISP_READ_FLASH_HIGH_0 : ISP_READ_FLASH_LOW_0);
	isp_spi_put((uint8_t)(w >> 8));
	isp_spi_put((uint8_t)w);
	isp_spi_put(0);
}

/* Hardware SPI, polled: reads bytes first..first+count-1 into `sink`; false when a link event stopped it. */
static bool isp_read_flash_polled(uint16_t word, uint16_t first, uint16_t count, isp_sink sink)
{
	/*
	 * The link never idles longer than it takes to notice SPIF. The work between bytes is spread so that each
	 * piece overlaps an SPI byte of its own: the byte just read goes to the sink while the next instruction's
	 * address high byte shifts, and the once-per-millisecond check runs during its address low byte.
	 */
	uint16_t end = first + count;
	isp_spi_hw_start((first & 1U) ? ISP_READ_FLASH_HIGH_0 : ISP_READ_FLASH_LOW_0);
	uint8_t b = 0;
	for (uint16_t i = first;;) {
		uint16_t w = word + (i >> 1);
		isp_spi_hw_next((uint8_t)(w >> 8));
		if (i != first)
			sink(b);
		isp_spi_hw_next((uint8_t)w);
		if ((i & ISP_CHECK_EVERY_MASK) == 0 && !isp_keep_going()) {
			(void)isp_spi_hw_finish();
			return false; /* stopped by a link event: nothing more is sent */
		}
		isp_spi_hw_next(0);
		b = isp_spi_hw_finish();
		if (++i == end)
			break;
		isp_spi_hw_start((i & 1U) ? ISP_READ_FLASH_HIGH_0 : ISP_READ_FLASH_LOW_0);
	}
	sink(b);
	return true; /* the last byte read cleared SPIF: the link is idle */
}

void isp_read_flash(uint16_t word, uint16_t length, isp_sink sink, const struct isp_fifo *fifo)
{
	isp_stopped = false;
	if (length == 0)
		return;
	if (isp_spi_soft) {
		for (uint16_t i = 0; i < length && isp_keep_going(); i++) {
			isp_start_flash_read(word, i);
			sink(isp_spi_get());
		}
		return;
	}
	(void)isp_spi_get(); /* idle link, isp_spi_busy false */
	for (uint16_t i = 0; i < length;) {
		uint16_t n = (uint16_t)(length - i);
		if (fifo && isp_burst_ready()) {
			if (!isp_keep_going())
				return;
			uint8_t room = fifo->room();
			if (room != 0) {
				if (n > room)
					n = room;
				uint16_t sent = isp_burst_read(word + (i >> 1), (uint8_t)(i & 1U), (uint8_t)n, isp_burst_slack);
				if (sent == 4U * n) {
					fifo->stored((uint8_t)n);
				} else {
					fifo->stored(sent != 0 ? (uint8_t)((sent - 1U) / 4U) : 0);
					isp_burst_recover(ISP_READ_FLASH_LOW_0, word, i, (uint8_t)n, sent, NULL, sink);
				}
				i = (uint16_t)(i + n);
				continue;
			}
			/* The host has not taken the last packet: a few bytes through the sink's queue meanwhile. */
			if (n > ISP_CHECK_EVERY_MASK + 1U)
				n = ISP_CHECK_EVERY_MASK + 1U;
		}
		if (!isp_read_flash_polled(word, i, n, sink))
			return;
		i = (uint16_t)(i + n);
	}
}

void isp_read_eeprom(uint16_t address, uint16_t length, isp_sink sink)
{
	isp_stopped = false;
	for (uint16_t i = 0; i < length && isp_keep_going(); i++) {
		uint16_t a = address + i;
		sink(isp_command4(ISP_READ_EEPROM_0, (uint8_t)(a >> 8), (uint8_t)a, 0));
	}
}

/* Low fuse fields (the same on every classic AVR with a CKDIV8 fuse). */
#define ISP_LOW_FUSE_CKDIV8 0x80U
#define ISP_LOW_FUSE_CKSEL 0x0FU
#define ISP_CKSEL_XTAL_8MHZ_UP 0x0EU /* CKSEL3..1 = 111: low-power crystal, 8 to 16 MHz */
#define ISP_CKSEL_RC_8MHZ 0x02U      /* calibrated internal RC, 8 MHz */

static uint8_t isp_read_low_fuse(void)
{
	return isp_command4(ISP_READ_LOW_FUSE_0, ISP_READ_LOW_FUSE_1, ISP_READ_LOW_FUSE_2, ISP_READ_LOW_FUSE_3);
}

bool isp_raise_clock(void)
{
	uint8_t low = isp_read_low_fuse();
	uint8_t cksel = low & ISP_LOW_FUSE_CKSEL;
	if (!(low & ISP_LOW_FUSE_CKDIV8) ||
	    ((cksel & ISP_CKSEL_XTAL_8MHZ_UP) != ISP_CKSEL_XTAL_8MHZ_UP && cksel != ISP_CKSEL_RC_8MHZ))
		return false;
	uint8_t slow_sig[3], fast_sig[3];
	isp_read_signature(slow_sig);
	uint8_t slow = isp_spi_duration();
	isp_spi_set_duration(ISP_SPI_8MHZ_DURATION);
	isp_read_signature(fast_sig);
	if (isp_read_low_fuse() == low && memcmp(slow_sig, fast_sig, sizeof slow_sig) == 0)
		return true;
	isp_spi_set_duration(slow);
	return false;
}

void isp_read_signature(uint8_t sig[3])
{
	for (uint8_t i = 0; i < 3; i++)
		sig[i] = isp_command4(ISP_READ_SIGNATURE_0, ISP_READ_SIGNATURE_1, i, 0);
}
