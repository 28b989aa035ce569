/*
 * isp.h - the target AVR's serial-programming interface: RESET, programming enable and memory access.
 *
 * Contract:
 * - Outside programming mode the target's RESET and the SPI lines are released (inputs, no pull-ups), so the
 *   wired keyboard runs normally. isp_init() puts them there and sets up PB0 (SS) as the board table says.
 * - isp_enter(): RESET low (RESET pin made an output before SPI master is enabled: on a Teensy it IS SS),
 *   SCK low, then up to ISP_ENTER_TRIES attempts of [positive RESET pulse, >= 20 ms, AC 53 00 00] until the
 *   target echoes 0x53 in the third byte. Returns false (and releases the target) when none answered.
 * - Every operation that starts a write in the target (page write, EEPROM write, erase, fuse/lock write)
 *   is followed by RDY/BSY polling (F0) before anything else is sent; a target still busy after
 *   ISP_READY_TIMEOUT_MS makes the operation fail. While waiting, isp_idle() runs (the application services
 *   USB there), so the host can keep streaming data into the receive buffer.
 * - Long operations call isp_idle() about once per millisecond (between SPI instructions, and between bytes of
 *   block transfers), so USB control requests and bus resets are serviced during them at any SCK rate; at the
 *   fastest SCK block transfers go in cycle-timed bursts (isp_burst.h) of up to one flash page (2.1 ms at 16 MHz)
 *   or one USB packet of reads, and USB is serviced between bursts.
 * - Every wait and every block loop checks isp_should_stop(): once it is true the operation returns at once
 *   (false, ISP_ERROR_STOPPED), loads nothing more from its source and gives its sink nothing more.
 * - An instruction that starts a write is checked against isp_should_stop() right before its first byte and again
 *   right before its 4th (the byte that starts the write), with no isp_idle() in between: a link event that came
 *   before the 4th byte went out leaves the target unwritten (mid-instruction; releasing RESET clears that).
 * - Addresses: flash in words, EEPROM in bytes.
 */
#ifndef ISP_H
#define ISP_H

#include <stdbool.h>
#include <stdint.h>

#define ISP_ENTER_TRIES 10U
#define ISP_ENTER_SETTLE_MS 20U
#define ISP_READY_TIMEOUT_MS 100U

/* isp_last_error() values (reported through the ISPKIT_LAST_ERROR parameter). */
enum isp_error {
	ISP_ERROR_NONE = 0,
	ISP_ERROR_NO_ECHO = 1,   /* programming enable never echoed 0x53 */
	ISP_ERROR_BUSY = 2,      /* the target stayed busy after a write */
	ISP_ERROR_NOT_ACTIVE = 3, /* a command needed programming mode */
	ISP_ERROR_STOPPED = 4     /* the application stopped the operation (USB link event) */
};

/* Provided by the application: called while waiting on the target and about once per millisecond during long
 * operations. It runs in the middle of an operation, so it must not change anything the operation reads (see
 * main.c for what it does). */
void isp_idle(void);
/* Provided by the application: true when the operation in progress must stop now (its request is void). */
bool isp_should_stop(void);

void isp_init(void);
bool isp_enter(void);
void isp_leave(void);
bool isp_active(void);
uint8_t isp_last_error(void);
/* The third reply byte of the last programming enable sent (0x53 when it was accepted; 0 before any). */
uint8_t isp_last_echo(void);
void isp_set_error(uint8_t error);

/* One 4-byte instruction; returns the 4th reply byte. Polls RDY/BSY after instructions that write. */
uint8_t isp_universal(const uint8_t cmd[4], bool *ok);
bool isp_wait_ready(void);
/*
 * True when the target may be sent an instruction: after a RDY/BSY timeout every further instruction (except
 * polling itself) is preceded by one RDY/BSY poll and not sent (the command fails at once) while the target
 * still reports busy.
 */
bool isp_ready_for_command(void);
/*
 * Right after isp_enter() at a clock safe for the slowest target: raises SCK to ISP_SPI_8MHZ_DURATION when the
 * target's low fuse guarantees it runs at 8 MHz or more (CKDIV8 unprogrammed and CKSEL a crystal of 8 MHz and up,
 * or the internal 8 MHz RC), and keeps it only when the low fuse and the signature read the same at the new
 * rate. Returns true when the clock was raised.
 */
bool isp_raise_clock(void);

/* Source and sink for the block transfers below. */
typedef uint8_t (*isp_source)(void);
typedef void (*isp_sink)(uint8_t byte);
/* A source's bulk form: takes up to `max` bytes that lie contiguous in memory, points *data at them and returns
 * how many (0: use the byte source). They must stay unchanged until isp_idle() runs. */
typedef uint8_t (*isp_span)(const uint8_t **data, uint8_t max);
/* A sink's bulk form: room() is how many bytes may be stored straight into the USB IN FIFO (UEDATX, selected)
 * now, 0 to use the byte sink; stored(count) accounts for them. */
struct isp_fifo {
	uint8_t (*room)(void);
	void (*stored)(uint8_t count);
};

/*
 * Loads `length` bytes from `source` at word address `word`, writing each page (page_words words) as it
 * completes and the last one at the end. With `span` (may be NULL) and the fastest SCK, the loads go out in
 * cycle-timed bursts (isp_burst.h).
 */
bool isp_write_flash(uint16_t word, uint16_t length, uint16_t page_words, isp_source source, isp_span span);
/* EEPROM from byte address `address`: page mode when page_bytes >= 2, byte writes otherwise. */
bool isp_write_eeprom(uint16_t address, uint16_t length, uint8_t page_bytes, isp_source source);
/* Flash reads into `sink`; with `fifo` (may be NULL) and the fastest SCK, in cycle-timed bursts. */
void isp_read_flash(uint16_t word, uint16_t length, isp_sink sink, const struct isp_fifo *fifo);
void isp_read_eeprom(uint16_t address, uint16_t length, isp_sink sink);
void isp_read_signature(uint8_t sig[3]);

#endif /* ISP_H */
