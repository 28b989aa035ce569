/*
 * faults: the failures a test can ask for with --fault (repeatable): no target (MISO stuck high or low), a target
 * that never reports ready, bit flips on MISO with a given probability (seeded, deterministic), a USB unplug at a
 * simulated time, and a locked chip.
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

typedef struct faults {
	faults_miso_t miso;
	int never_ready;
	int locked;
	double flip_probability;       /* per MISO bit, 0 = off */
	uint64_t rng;                  /* xorshift64 state, from --seed */
	double disconnect_ms;          /* simulated ms, < 0 = never */
} faults_t;

void faults_init(faults_t *f, uint64_t seed);
/* Parses one --fault value. Returns 0, or -1 with a one-line err. */
int faults_parse(faults_t *f, const char *spec, char *err, size_t err_len);
/* Applies the MISO faults to a byte the target would send. */
uint8_t faults_miso(faults_t *f, uint8_t byte);

#endif
