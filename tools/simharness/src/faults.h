/*
 * faults: the failures a test can ask for with --fault (repeatable): no target (MISO stuck high or low), a target
 * that never reports ready, bit flips on MISO with a given probability (seeded, deterministic), a USB unplug at a
 * simulated time, a locked chip, and the wiring mistakes `ispkit doctor` diagnoses: one wire open or two swapped,
 * an unpowered target, a target clock too slow for the SCK, and a supply voltage too low for the target's clock;
 * and one about the programmer itself: an SPI master slower than its clock table (slow-master:<cycles>).
 */
#ifndef FAULTS_H
#define FAULTS_H
#include <stddef.h>
#include <stdint.h>

typedef enum faults_miso {
	FAULTS_MISO_TARGET = 0, /* the target model drives MISO */
	FAULTS_MISO_STUCK_HIGH,
	FAULTS_MISO_STUCK_LOW,
} faults_miso_t;

/* How the six ISP wires reach the target (what the target model sees of the programmer, and back). */
typedef enum faults_wire {
	FAULTS_WIRE_OK = 0,
	FAULTS_WIRE_MISO_OPEN,        /* target MISO not connected: the programmer's input floats high */
	FAULTS_WIRE_RESET_OPEN,       /* target RESET not connected: its pull-up keeps it running, never listening */
	FAULTS_WIRE_SCK_MOSI_SWAPPED, /* clocked by MOSI, sampling SCK (always low at MOSI edges): shifts in zeros */
	FAULTS_WIRE_UNPOWERED,        /* target VCC not connected: its SCK, MOSI and MISO pins clamp low, nothing runs */
} faults_wire_t;

typedef struct faults {
	faults_miso_t miso;
	faults_wire_t wire;
	uint32_t slow_clock_hz;        /* target system clock forced to this (0 = from fuses and --target-clock) */
	double supply_v;               /* target supply in volts (0 = nominal 5 V) */
	int never_ready;
	int locked;
	double flip_probability;       /* per MISO bit, 0 = off */
	uint64_t rng;                  /* xorshift64 state, from --seed */
	double disconnect_ms;          /* simulated ms, < 0 = never */
	uint32_t spi_extra_cycles;     /* the programmer's SPI takes this many CPU cycles more per byte */
} faults_t;

void faults_init(faults_t *f, uint64_t seed);
/* Parses one --fault value. Returns 0, or -1 with a one-line err. */
int faults_parse(faults_t *f, const char *spec, char *err, size_t err_len);
/* Applies the MISO faults to a byte the target would send. */
uint8_t faults_miso(faults_t *f, uint8_t byte);
/* Highest target clock the supply allows (ATmega32U4 speed grades: 8 MHz at 2.7 V, 16 MHz at 4.5 V, linear
 * between); UINT32_MAX when no supply fault is set. */
uint32_t faults_max_clock_hz(const faults_t *f);
/* Flips each bit of `byte` with probability p (seeded), for a target clocked beyond what its supply allows. */
uint8_t faults_flip(faults_t *f, uint8_t byte, double p);

#endif
