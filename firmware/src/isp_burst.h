/*
 * isp_burst.h - block loads and reads at the fastest SCK with every SPDR write placed on a cycle count
 * (isp_burst.S) instead of after polling SPIF: 64 cycles per SPI byte (plus the slack below) instead of 68 to 74.
 *
 * Contract, for the caller (isp.c):
 * - Only with hardware SPI at divider ISP_BURST_DIVIDER (2 MHz SCK on a 16 MHz programmer: the rate for 16 MHz
 *   targets) and the link idle (no byte shifting); `n` is 1..ISP_BURST_MAX instructions.
 * - Interrupts stay as they were except for the 4 cycles around each SPDR write; an interrupt only delays the next
 *   write. USB is serviced between bursts: ISP_BURST_MAX keeps a burst within 2.1 ms at 16 MHz (one flash page of
 *   loads; reads go one USB packet at a time).
 * - Each SPI byte gets ISP_BURST_CYCLES + `slack` (0..ISP_BURST_SLACK_MAX) cycles.
 * - Returns the number of SPI bytes sent. 4 x n: all went, the link is idle and SPIF clear. Fewer: the write of
 *   byte number <return> collided (WCOL: this chip's SPI needs more cycles per byte than the datasheet's 8 x
 *   divider plus the slack) and was ignored; the byte before it may still be shifting and SPIF cannot be trusted:
 *   call isp_spi_hw_settle() before anything else, send the rest polled, and give later bursts more slack.
 * - isp_burst_read() sends Read Program Memory instructions (low/high byte by `high`, then alternating, the word
 *   address counting up after each high byte) and stores each 4th reply byte into UEDATX: the caller has the USB
 *   IN endpoint selected and room for n bytes in its bank. On a collision it has stored one byte per instruction
 *   whose successor's first byte went out: (sent - 1) / 4.
 * - isp_burst_load() sends Load Program Memory Page instructions the same way with data[0..n-1].
 */
#ifndef ISP_BURST_H
#define ISP_BURST_H

#define ISP_BURST_DIVIDER 8
/* 8 x 8 cycles per byte by the datasheet's SCK table; the slack covers a silicon SPI that takes a few more. */
#define ISP_BURST_CYCLES 64
#define ISP_BURST_SLACK_MAX 3
/* Instructions per burst at most: 128 x 4 x 64 cycles = 2.1 ms at 16 MHz, one ATmega32U4 flash page. */
#define ISP_BURST_MAX 128U
#define ISP_BURST_READ_LOW 0x20
#define ISP_BURST_LOAD_LOW 0x40
#define ISP_BURST_HIGH_BIT 0x08

#ifndef __ASSEMBLER__
#include <stdint.h>

uint16_t isp_burst_read(uint16_t word, uint8_t high, uint8_t n, uint8_t slack);
uint16_t isp_burst_load(uint16_t word, uint8_t high, const uint8_t *data, uint8_t n, uint8_t slack);
#endif

#endif /* ISP_BURST_H */
