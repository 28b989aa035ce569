/* signature_row: see signature_row.h. */
#include "signature_row.h"

#include <stdlib.h>
#include <string.h>

#include "sim_cycle_timers.h"
#include "sim_io.h"

#define SIGNATURE_ROW_SPMCSR 0x57
#define SIGNATURE_ROW_SIGRD 0x20
#define SIGNATURE_ROW_SPMEN 0x01
#define SIGNATURE_ROW_SIZE 32
#define SIGNATURE_ROW_WINDOW 6 /* cycles: LPM must follow within 3 instruction cycles */

typedef struct signature_row {
	avr_t *avr;
	uint8_t row[SIGNATURE_ROW_SIZE];
	uint8_t saved[SIGNATURE_ROW_SIZE];
	int mapped;
} signature_row_t;

static avr_cycle_count_t signature_row_unmap(avr_t *avr, avr_cycle_count_t when, void *param)
{
	signature_row_t *r = param;
	(void)when;
	if (r->mapped)
		memcpy(avr->flash, r->saved, SIGNATURE_ROW_SIZE);
	r->mapped = 0;
	return 0;
}

static void signature_row_spmcsr(avr_t *avr, avr_io_addr_t addr, uint8_t v, void *param)
{
	signature_row_t *r = param;
	avr->data[addr] = v;
	if ((v & (SIGNATURE_ROW_SIGRD | SIGNATURE_ROW_SPMEN)) != (SIGNATURE_ROW_SIGRD | SIGNATURE_ROW_SPMEN) || r->mapped)
		return;
	memcpy(r->saved, avr->flash, SIGNATURE_ROW_SIZE);
	memcpy(avr->flash, r->row, SIGNATURE_ROW_SIZE);
	r->mapped = 1;
	avr_cycle_timer_register(avr, SIGNATURE_ROW_WINDOW, signature_row_unmap, r);
}

void signature_row_attach(avr_t *avr, const uint8_t serial[SIGNATURE_ROW_SERIAL_BYTES])
{
	signature_row_t *r = calloc(1, sizeof *r);
	if (!r)
		return;
	r->avr = avr;
	memset(r->row, 0xFF, sizeof r->row);
	r->row[0] = avr->signature[0];
	r->row[1] = 0x80; /* OSCCAL */
	r->row[2] = avr->signature[1];
	r->row[4] = avr->signature[2];
	memcpy(&r->row[0x0E], serial, SIGNATURE_ROW_SERIAL_BYTES);
	avr_register_io_write(avr, SIGNATURE_ROW_SPMCSR, signature_row_spmcsr, r);
}
