/* faults: parsing and the MISO-level faults. Leaves out: glitches on SCK/MOSI and intermittent USB errors. */
#include "faults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void faults_init(faults_t *f, uint64_t seed)
{
	memset(f, 0, sizeof *f);
	f->rng = seed ? seed : 0x9E3779B97F4A7C15ull;
	f->disconnect_ms = -1;
}

int faults_parse(faults_t *f, const char *spec, char *err, size_t err_len)
{
	char *end;
	if (!strcmp(spec, "no-target-high"))
		f->miso = FAULTS_MISO_STUCK_HIGH;
	else if (!strcmp(spec, "no-target-low"))
		f->miso = FAULTS_MISO_STUCK_LOW;
	else if (!strcmp(spec, "never-ready"))
		f->never_ready = 1;
	else if (!strcmp(spec, "locked"))
		f->locked = 1;
	else if (!strcmp(spec, "miso-open"))
		f->wire = FAULTS_WIRE_MISO_OPEN;
	else if (!strcmp(spec, "reset-open"))
		f->wire = FAULTS_WIRE_RESET_OPEN;
	else if (!strcmp(spec, "sck-mosi-swapped"))
		f->wire = FAULTS_WIRE_SCK_MOSI_SWAPPED;
	else if (!strcmp(spec, "unpowered"))
		f->wire = FAULTS_WIRE_UNPOWERED;
	else if (!strncmp(spec, "slow-clock:", 11)) {
		double hz = strtod(spec + 11, &end);
		if (end == spec + 11 || *end || hz < 1000 || hz > 20e6) {
			snprintf(err, err_len, "--fault %s: give the target clock in Hz, from 1000 to 20000000", spec);
			return -1;
		}
		f->slow_clock_hz = (uint32_t)hz;
	} else if (!strncmp(spec, "supply:", 7)) {
		double v = strtod(spec + 7, &end);
		if (end == spec + 7 || *end || v < 1.8 || v > 5.5) {
			snprintf(err, err_len, "--fault %s: give the target supply in volts, from 1.8 to 5.5, e.g. supply:3.3", spec);
			return -1;
		}
		f->supply_v = v;
	}
	else if (!strncmp(spec, "flip:", 5)) {
		double p = strtod(spec + 5, &end);
		if (end == spec + 5 || *end || p < 0 || p > 1) {
			snprintf(err, err_len, "--fault %s: the flip probability must be a number from 0 to 1", spec);
			return -1;
		}
		f->flip_probability = p;
	} else if (!strncmp(spec, "disconnect:", 11)) {
		double ms = strtod(spec + 11, &end);
		if (end == spec + 11 || *end || ms < 0) {
			snprintf(err, err_len, "--fault %s: give the unplug time in simulated milliseconds, e.g. disconnect:500",
			         spec);
			return -1;
		}
		f->disconnect_ms = ms;
	} else if (!strncmp(spec, "slow-master:", 12)) {
		unsigned long n = strtoul(spec + 12, &end, 10);
		if (end == spec + 12 || *end || n < 1 || n > 1024) {
			snprintf(err, err_len, "--fault %s: give the extra CPU cycles per SPI byte, from 1 to 1024, e.g. slow-master:3",
			         spec);
			return -1;
		}
		f->spi_extra_cycles = (uint32_t)n;
	} else {
		snprintf(err, err_len,
		         "unknown --fault '%s' (known: no-target-high, no-target-low, never-ready, flip:<probability>, "
		         "disconnect:<sim-ms>, locked, miso-open, reset-open, sck-mosi-swapped, unpowered, slow-clock:<hz>, "
		         "supply:<volts>, slow-master:<cycles>)",
		         spec);
		return -1;
	}
	return 0;
}

static uint64_t faults_next(faults_t *f)
{
	uint64_t x = f->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	f->rng = x;
	return x;
}

uint8_t faults_flip(faults_t *f, uint8_t byte, double p)
{
	for (int bit = 0; bit < 8; bit++) {
		double u = (double)(faults_next(f) >> 11) / (double)(1ull << 53);
		if (u < p)
			byte ^= (uint8_t)(1u << bit);
	}
	return byte;
}

uint8_t faults_miso(faults_t *f, uint8_t byte)
{
	if (f->miso == FAULTS_MISO_STUCK_HIGH || f->wire == FAULTS_WIRE_MISO_OPEN)
		return 0xFF;
	if (f->miso == FAULTS_MISO_STUCK_LOW || f->wire == FAULTS_WIRE_UNPOWERED)
		return 0x00;
	if (f->flip_probability > 0)
		byte = faults_flip(f, byte, f->flip_probability);
	return byte;
}

uint32_t faults_max_clock_hz(const faults_t *f)
{
	if (f->supply_v <= 0)
		return UINT32_MAX;
	if (f->supply_v >= 4.5)
		return 16000000u;
	if (f->supply_v <= 2.7)
		return 8000000u;
	return (uint32_t)(8e6 + (f->supply_v - 2.7) / (4.5 - 2.7) * 8e6);
}
