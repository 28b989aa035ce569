/*
 * isp_lines: the levels the programmer reads on its four ISP pins (SCK B1, MOSI B2, MISO B3 and the board's RESET
 * pin) while they are inputs, from what is wired to them (the target and faults.h's wiring faults).
 */
#ifndef ISP_LINES_H
#define ISP_LINES_H
#include <stddef.h>
#include <stdint.h>

#include "faults.h"
#include "json_out.h"
#include "sim_avr.h"

/* The four lines, in the bit order of the firmware's ISPKIT_LINES answer. */
enum { ISP_LINES_SCK = 0, ISP_LINES_MOSI, ISP_LINES_MISO, ISP_LINES_RESET, ISP_LINES_COUNT };

typedef struct isp_lines isp_lines_t;

/* Connects the model to the programmer's ports. `faults` stays owned by the caller and must outlive it. */
isp_lines_t *isp_lines_attach(avr_t *avr, char reset_port, uint8_t reset_bit, const faults_t *faults, char *err,
                              size_t err_len);
/* "ispLines": {"ddr", "port", "level"}: a 4-bit mask each, bit n = line n above (outputs, PORT bits, level now). */
void isp_lines_json(const isp_lines_t *l, json_out_t *j);
void isp_lines_free(isp_lines_t *l);

#endif
