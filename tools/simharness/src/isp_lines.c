/*
 * isp_lines: what the programmer's PIN register shows for its ISP lines while they are inputs.
 *
 * simavr 1.6 (sim/avr_ioport.c) reads PIN as (PIN latch & ~DDR) | (PORT & DDR), and sets the latch of an input bit
 * only when something raises that pin's IRQ: its own writes to PORT/DDR raise 1 at once for an input whose PORT
 * bit is set (the internal pull-up), whatever is wired to the pin, and nothing when the pull-up goes off (the last
 * level stays). So on its own a pull-up would lift even a line clamped low. This model rewrites the latch bits of
 * the four ISP lines one cycle after every PORT/DDR write of their ports (before the next instruction can read
 * them), from what is at the far end of each line:
 * - a powered target's SCK, MOSI and MISO pins are tri-stated (in reset; the target's own firmware is not
 *   modelled, so also out of reset), and so is a wire that ends nowhere (MISO open, RESET open): the line floats.
 *   A floating line keeps the level it last had (the charge on the wire); with the programmer's pull-up on it
 *   reaches 1 after ISP_LINES_PULL_UP_RISE_US (50 kOhm, about 50 pF).
 * - a powered target's RESET pin has its pull-up (30-60 kOhm, plus a keyboard's own): released, the line reaches 1
 *   after ISP_LINES_RESET_RISE_US, the slowest plausible keyboard (10 kOhm and AVR042's 4.7 nF: 0.92 time
 *   constants to 0.6 VCC = 43 us).
 * - an unpowered target (`unpowered`) clamps SCK, MOSI and MISO low through its protection diodes, which no
 *   pull-up lifts, and its RESET pull-up has no supply: all four read 0. `no-target-low` / `no-target-high` hold
 *   MISO at 0 / 1.
 * - `sck-mosi-swapped` ends each line at a tri-stated pin: as wired.
 * Outputs read their PORT bit (simavr does that itself). Leaves out: the target firmware driving its pins while not
 * in reset, the analog middle (a pull-up fighting a weak pull-down reads 0), and leakage discharging a floating
 * line over milliseconds.
 */
#include "isp_lines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avr_ioport.h"

#define ISP_LINES_PULL_UP_RISE_US 3u
#define ISP_LINES_RESET_RISE_US 45u

/* What the far end of a line does. */
typedef enum isp_lines_far {
	ISP_LINES_FLOAT = 0,   /* tri-stated pin or no wire */
	ISP_LINES_LOW,         /* clamped or held low: reads 0 even against a pull-up */
	ISP_LINES_HIGH,        /* held high */
	ISP_LINES_TARGET_PULL_UP, /* the target's RESET pull-up */
} isp_lines_far_t;

typedef struct isp_lines_line {
	avr_ioport_t *port;
	uint8_t mask;
	int level;               /* the line's logic level now */
	int target;              /* the level it is moving to */
	avr_cycle_count_t due;   /* when it gets there (0 = not moving) */
} isp_lines_line_t;

struct isp_lines {
	avr_io_t io; /* reset hook: after an AVR reset every pin is an input without pull-up */
	avr_t *avr;
	const faults_t *faults;
	isp_lines_line_t line[ISP_LINES_COUNT];
};

static isp_lines_far_t isp_lines_far(const isp_lines_t *l, int i)
{
	const faults_t *f = l->faults;
	if (f->wire == FAULTS_WIRE_UNPOWERED)
		return ISP_LINES_LOW;
	if (i == ISP_LINES_RESET)
		return f->wire == FAULTS_WIRE_RESET_OPEN ? ISP_LINES_FLOAT : ISP_LINES_TARGET_PULL_UP;
	if (i == ISP_LINES_MISO && f->miso == FAULTS_MISO_STUCK_LOW)
		return ISP_LINES_LOW;
	if (i == ISP_LINES_MISO && f->miso == FAULTS_MISO_STUCK_HIGH)
		return ISP_LINES_HIGH;
	return ISP_LINES_FLOAT;
}

static avr_cycle_count_t isp_lines_us(const isp_lines_t *l, uint32_t us)
{
	return (avr_cycle_count_t)us * l->avr->frequency / 1000000u;
}

static avr_cycle_count_t isp_lines_update(avr_t *avr, avr_cycle_count_t when, void *param)
{
	isp_lines_t *l = param;
	avr_cycle_count_t next = 0;
	(void)when;
	for (int i = 0; i < ISP_LINES_COUNT; i++) {
		isp_lines_line_t *ln = &l->line[i];
		avr_ioport_t *p = ln->port;
		int output = (avr->data[p->r_ddr] & ln->mask) != 0;
		int pull_up = (avr->data[p->r_port] & ln->mask) != 0;
		int target = ln->level;
		uint32_t rise_us = 0;
		if (output) {
			target = pull_up;
		} else {
			switch (isp_lines_far(l, i)) {
			case ISP_LINES_LOW:
				target = 0;
				break;
			case ISP_LINES_HIGH:
				target = 1;
				break;
			case ISP_LINES_TARGET_PULL_UP:
				target = 1;
				rise_us = pull_up ? ISP_LINES_PULL_UP_RISE_US : ISP_LINES_RESET_RISE_US;
				break;
			case ISP_LINES_FLOAT:
				if (pull_up) {
					target = 1;
					rise_us = ISP_LINES_PULL_UP_RISE_US;
				}
				break;
			}
		}
		if (target == ln->level) {
			ln->due = 0;
		} else if (!rise_us) {
			ln->level = target;
			ln->due = 0;
		} else {
			if (!ln->due || ln->target != target)
				ln->due = avr->cycle + isp_lines_us(l, rise_us);
			ln->target = target;
			if (avr->cycle >= ln->due) {
				ln->level = target;
				ln->due = 0;
			}
		}
		avr->data[p->r_pin] = (uint8_t)((avr->data[p->r_pin] & ~ln->mask) | (ln->level ? ln->mask : 0));
		if (ln->due && (!next || ln->due < next))
			next = ln->due;
	}
	return next;
}

static void isp_lines_schedule(isp_lines_t *l)
{
	/* One cycle on: simavr has stored the new register value and raised its own pin IRQs by then. */
	avr_cycle_timer_register(l->avr, 1, isp_lines_update, l);
}

static void isp_lines_reg_irq(avr_irq_t *irq, uint32_t value, void *param)
{
	(void)irq;
	(void)value;
	isp_lines_schedule(param);
}

static void isp_lines_avr_reset(avr_io_t *io)
{
	isp_lines_schedule((isp_lines_t *)io);
}

static avr_ioport_t *isp_lines_port(avr_t *avr, char name)
{
	for (avr_io_t *io = avr->io_port; io; io = io->next)
		if (io->irq_ioctl_get == (uint32_t)AVR_IOCTL_IOPORT_GETIRQ(name))
			return (avr_ioport_t *)io;
	return NULL;
}

isp_lines_t *isp_lines_attach(avr_t *avr, char reset_port, uint8_t reset_bit, const faults_t *faults, char *err,
                              size_t err_len)
{
	avr_ioport_t *b = isp_lines_port(avr, 'B'), *r = isp_lines_port(avr, reset_port);
	if (!b || !r) {
		snprintf(err, err_len, "the programmer core has no port B or no port %c", reset_port);
		return NULL;
	}
	isp_lines_t *l = calloc(1, sizeof *l);
	if (!l) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	l->avr = avr;
	l->faults = faults;
	l->line[ISP_LINES_SCK] = (isp_lines_line_t){ .port = b, .mask = 1u << 1 };
	l->line[ISP_LINES_MOSI] = (isp_lines_line_t){ .port = b, .mask = 1u << 2 };
	l->line[ISP_LINES_MISO] = (isp_lines_line_t){ .port = b, .mask = 1u << 3 };
	l->line[ISP_LINES_RESET] = (isp_lines_line_t){ .port = r, .mask = (uint8_t)(1u << reset_bit) };
	/* At power-up every line has settled to what its far end gives a released pin. */
	for (int i = 0; i < ISP_LINES_COUNT; i++) {
		isp_lines_far_t far = isp_lines_far(l, i);
		l->line[i].level = far == ISP_LINES_HIGH || far == ISP_LINES_TARGET_PULL_UP;
	}
	l->io.kind = "isp-lines";
	l->io.reset = isp_lines_avr_reset;
	avr_register_io(avr, &l->io);
	avr_ioport_t *ports[2] = { b, r };
	for (int k = 0; k < 2; k++) {
		avr_irq_register_notify(ports[k]->io.irq + IOPORT_IRQ_DIRECTION_ALL, isp_lines_reg_irq, l);
		avr_irq_register_notify(ports[k]->io.irq + IOPORT_IRQ_REG_PORT, isp_lines_reg_irq, l);
	}
	isp_lines_schedule(l);
	return l;
}

void isp_lines_json(const isp_lines_t *l, json_out_t *j)
{
	unsigned ddr = 0, port = 0, level = 0;
	for (int i = 0; i < ISP_LINES_COUNT; i++) {
		const isp_lines_line_t *ln = &l->line[i];
		const avr_t *avr = l->avr;
		ddr |= (avr->data[ln->port->r_ddr] & ln->mask) ? 1u << i : 0;
		port |= (avr->data[ln->port->r_port] & ln->mask) ? 1u << i : 0;
		level |= ln->level ? 1u << i : 0;
	}
	json_out_object(j, "ispLines");
	json_out_u64(j, "ddr", ddr);
	json_out_u64(j, "port", port);
	json_out_u64(j, "level", level);
	json_out_close(j);
}

void isp_lines_free(isp_lines_t *l)
{
	free(l);
}
