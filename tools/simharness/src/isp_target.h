/*
 * isp_target: the target chip's serial programming interface (ATmega32U4 datasheet, "Serial Downloading"), wired to
 * the programmer AVR's SPI and gated by the programmer pin that drives the target's RESET.
 */
#ifndef ISP_TARGET_H
#define ISP_TARGET_H
#include <stddef.h>
#include <stdint.h>

#include "faults.h"
#include "part_facts.h"
#include "sim_avr.h"
#include "spi_timing.h"

typedef struct isp_target_config {
	const part_facts_t *part;  /* [in] instruction set, timings, masks */
	uint8_t signature[3];      /* [in] what the chip answers (normally part->signature) */
	uint32_t flash_size, flash_page, eeprom_size, eeprom_page; /* [in] bytes */
	uint8_t fuses[3];          /* [in] low, high, extended at power-up */
	uint8_t lock;              /* [in] lock byte at power-up */
	uint8_t calibration;       /* [in] OSCCAL value the calibration read returns */
	uint32_t crystal_hz;       /* [in] target clock source; CKDIV8 divides it by 8 */
	char reset_port;           /* [in] programmer port driving RESET, 'B' */
	uint8_t reset_bit;         /* [in] its bit, 0..7 */
} isp_target_config_t;

typedef struct isp_target_stats {
	uint64_t spi_bytes;        /* bytes clocked while the target listened (RESET low) */
	uint64_t page_writes;      /* flash page writes performed */
	uint64_t eeprom_writes;    /* EEPROM byte or page writes */
	uint64_t erases;           /* chip erases */
	uint64_t fuse_writes;      /* fuse and lock byte writes */
	uint64_t last_write_cycle; /* programmer cycle when the last write instruction (of any kind) began */
	uint64_t busy_violations;  /* instructions other than poll sent while busy (ignored) */
	uint64_t sck_violations;   /* bytes clocked faster than the target clock allows (garbled) */
	uint64_t early_enable;     /* Programming Enable sent < 20 ms after RESET went low (not accepted) */
	int prog_enabled;          /* Programming Enable accepted and RESET still low */
} isp_target_stats_t;

typedef struct isp_target isp_target_t;

/* Allocates the model and connects it. `faults` stays owned by the caller and must outlive the target. */
isp_target_t *isp_target_attach(avr_t *avr, spi_timing_t *spi, const isp_target_config_t *cfg, faults_t *faults,
                                char *err, size_t err_len);
/* Target memories, writable for preloading (--flash-image). */
uint8_t *isp_target_flash(isp_target_t *t);
uint8_t *isp_target_eeprom(isp_target_t *t);
void isp_target_fuses(const isp_target_t *t, uint8_t fuses[3], uint8_t *lock);
/* A write or erase is still running at the current cycle. */
int isp_target_busy(const isp_target_t *t);
void isp_target_stats(const isp_target_t *t, isp_target_stats_t *s);
void isp_target_free(isp_target_t *t);

#endif
