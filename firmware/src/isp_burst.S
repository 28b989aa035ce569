/*
 * isp_burst.S - cycle-timed SPI bursts for block loads and reads (contract in isp_burst.h).
 *
 * Polling SPIF costs every SPI byte the poll loop's granularity and its exit, and the C around it more. Here each
 * SPDR write is placed ISP_BURST_CYCLES + slack cycles after the previous one by counting cycles and is followed by
 * an SPSR read: WCOL set means the SPI ignored the write because its byte was still shifting, and the burst stops
 * there. The cycle count of every path is given on the right; each path from one SPDR write to the next adds up
 * to exactly ISP_BURST_CYCLES + slack. An interrupt taken in a delay makes the next write later, never earlier.
 *
 * Registers (avr-gcc ABI: r18-r27, r30, r31 and r0 are the caller's to lose; r17 is saved): r0 SREG on entry,
 * r21 SPSR, r19 SPDR (the previous byte's reply), r20 instructions left, r22 address step, r23 the instruction
 * byte (low/high), r25:r24 the word address, r27:r26 SPI bytes sent, r18 (read) or r16 (load) the slack, r31
 * (read) or r18 (load) the delay counter, Z and r17 the load data.
 */
#include <avr/io.h>
#include "isp_burst.h"

/* Exactly \n cycles (n >= 0) with interrupts as they are; counts down \reg for n >= 4. */
.macro DELAY n, reg
	.if (\n) >= 4
	ldi \reg, (\n) / 3              /* 1 */
1:	dec \reg                        /* 3 per pass, 2 on the last: 3 * (n / 3) - 1 */
	brne 1b
	.rept (\n) % 3
	nop
	.endr
	.else
	.rept (\n)
	nop
	.endr
	.endif
.endm

/* \reg (0..3) cycles more than its base of 6. */
.macro SLACK reg
	sbrc \reg, 0                    /* 2, or 3 with bit 0 */
	rjmp .+0
	sbrc \reg, 1                    /* 2, or 3 with bit 1 */
	rjmp .+0
	sbrc \reg, 1                    /* 2, or 3 with bit 1 */
	rjmp .+0
.endm

/*
 * Starts one SPI byte after \slack extra cycles and checks it was taken: 16 cycles plus the slack, the SPDR write on
 * the 8th. Interrupts are off from just before the write until its reply slot is read (an interrupt there could let
 * the byte complete and replace the previous byte's reply) and otherwise as on entry: an interrupt elsewhere only
 * makes the next write later.
 */
.macro SEND reg, slack, collided
	SLACK \slack                    /* 6 + slack */
	cli                             /* 1 */
	out _SFR_IO_ADDR(SPDR), \reg    /* 1: cycle 0 of this byte */
	in r21, _SFR_IO_ADDR(SPSR)      /* 1 */
	in r19, _SFR_IO_ADDR(SPDR)      /* 1: the previous byte's reply; clears the flags the SPSR read saw set */
	sbrc r0, SREG_I                 /* 2 either way: interrupts back on if they were on at entry */
	sei
	sbrc r21, WCOL                  /* 2 (skips) */
	rjmp \collided
	adiw r26, 1                     /* 2: one more byte sent */
.endm

/* After an instruction's 4th byte: the next instruction byte (\mask: its low form | the high bit) and word address.
 * 7 cycles. */
.macro NEXT step, mask
	subi r23, -ISP_BURST_HIGH_BIT   /* 1 */
	andi r23, \mask                 /* 1: low <-> high */
	ldi \step, 1                    /* 1 */
	sbrc r23, 3                     /* 2 either way: skips the ldi when the next byte is a low byte */
	ldi \step, 0
	add r24, \step                  /* 1 */
	adc r25, r1                     /* 1: the word address moves on after a high byte */
.endm

/* Next instruction while \counter (decremented) is not zero: 4 cycles when it loops (the loop is out of brne's
 * reach). */
.macro LOOP counter, target
	dec \counter                    /* 1 */
	breq 4f                         /* 1 */
	rjmp \target                    /* 2 */
4:
.endm

/* Cycles of a SEND without slack (the period runs from one write to the next: a SEND's first 7 cycles end the
 * period before). */
#define S 16
#define P ISP_BURST_CYCLES
#define READ_MASK (ISP_BURST_READ_LOW | ISP_BURST_HIGH_BIT)
#define LOAD_MASK (ISP_BURST_LOAD_LOW | ISP_BURST_HIGH_BIT)

	.section .text.isp_burst_read, "ax", @progbits
	.global isp_burst_read
	.type isp_burst_read, @function
/* uint16_t isp_burst_read(uint16_t word [r25:r24], uint8_t high [r22], uint8_t n [r20], uint8_t slack [r18]) */
isp_burst_read:
	in r0, _SFR_IO_ADDR(SREG)
	ldi r23, ISP_BURST_READ_LOW
	sbrc r22, 0
	ldi r23, ISP_BURST_READ_LOW | ISP_BURST_HIGH_BIT
	clr r26
	clr r27
	clt                             /* T: there is a previous instruction whose data byte to store */
.Lread_next:
	SEND r23, r18, .Lread_collided  /* 16 */
	brts 1f                         /* store the previous instruction's data byte: 4 either way */
	nop
	rjmp 2f
1:	sts UEDATX, r19
2:	set                             /* 1 */
	DELAY (P - S - 5), r31
	SEND r25, r18, .Lread_collided  /* 16 */
	DELAY (P - S), r31
	SEND r24, r18, .Lread_collided  /* 16 */
	DELAY (P - S), r31
	SEND r1, r18, .Lread_collided   /* 16: the data byte's slot, zero */
	NEXT r22, READ_MASK             /* 7 */
	DELAY (P - S - 7 - 4), r31
	LOOP r20, .Lread_next           /* 4 */
3:	in r21, _SFR_IO_ADDR(SPSR)      /* the last byte: its SPIF, clear since the last SEND, says when it is in */
	sbrs r21, SPIF
	rjmp 3b
	in r19, _SFR_IO_ADDR(SPDR)      /* its reply; clears SPIF */
	sts UEDATX, r19
.Lread_collided:
	movw r24, r26
	out _SFR_IO_ADDR(SREG), r0
	ret
	.size isp_burst_read, . - isp_burst_read

	.section .text.isp_burst_load, "ax", @progbits
	.global isp_burst_load
	.type isp_burst_load, @function
/* uint16_t isp_burst_load(uint16_t word [r25:r24], uint8_t high [r22], const uint8_t *data [r21:r20],
 *                         uint8_t n [r18], uint8_t slack [r16]) */
isp_burst_load:
	push r17
	in r0, _SFR_IO_ADDR(SREG)
	movw r30, r20                   /* Z: the data bytes */
	mov r20, r18
	ldi r23, ISP_BURST_LOAD_LOW
	sbrc r22, 0
	ldi r23, ISP_BURST_LOAD_LOW | ISP_BURST_HIGH_BIT
	clr r26
	clr r27
.Lload_next:
	SEND r23, r16, .Lload_collided  /* 16 */
	DELAY (P - S), r18
	SEND r25, r16, .Lload_collided  /* 16 */
	DELAY (P - S), r18
	SEND r24, r16, .Lload_collided  /* 16 */
	ld r17, Z+                      /* 2 */
	DELAY (P - S - 2), r18
	SEND r17, r16, .Lload_collided  /* 16 */
	NEXT r22, LOAD_MASK             /* 7 */
	DELAY (P - S - 7 - 4), r18
	LOOP r20, .Lload_next           /* 4 */
3:	in r21, _SFR_IO_ADDR(SPSR)      /* the last byte: wait until it is out, then leave SPIF clear */
	sbrs r21, SPIF
	rjmp 3b
	in r19, _SFR_IO_ADDR(SPDR)
.Lload_collided:
	movw r24, r26
	out _SFR_IO_ADDR(SREG), r0
	pop r17
	ret
	.size isp_burst_load, . - isp_burst_load
