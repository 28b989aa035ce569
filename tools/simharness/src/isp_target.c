/*
 * isp_target: model of an AVR's serial programming interface as the programmer's SPI sees it.
 *
 * Modelled (ATmega32U4 datasheet, "Serial Downloading" / "Serial Programming Instruction Set"):
 * - RESET gating: the target listens only while its RESET is low. The programmer pin drives it when its DDR bit is
 *   set (level = PORT bit); as an input the pin is released and the target's pull-up keeps RESET high.
 * - Programming Enable is accepted only >= 20 ms after RESET went low and only when AC 53 arrive as the first two
 *   bytes of a 4-byte frame (frames count from RESET going low). In sync, the third reply byte echoes 53; out of
 *   sync the replies are the previous byte bit-shifted (never 53), and stay so until RESET is pulsed.
 * - Replies: each byte clocks out the previous byte received (echo); read instructions return data on byte 4.
 * - Page buffer: load (40/48) then write (4C); programming only clears bits (flash &= buffer), unloaded words stay
 *   0xFF; the buffer returns to 0xFF after a page write. Chip erase sets flash (and EEPROM unless EESAVE is
 *   programmed) to 0xFF and clears the lock bits; fuses stay. EEPROM byte writes (C0) and page writes (C2, only
 *   the bytes loaded with C1) replace the byte (EEPROM erases before writing). Lock bits can only be programmed.
 * - Busy times in simulated cycles from the part's tWD values; RDY/BSY poll (F0) bit 0 = busy. Any other
 *   instruction while busy is ignored and counted.
 * - SCK faster than the target clock allows (the clock latched from CKDIV8 when RESET went low: SCK must be below
 *   fck/4, fck/6 from 12 MHz) garbles both directions and is counted.
 * - Lock bits: mode 2 (LB1 programmed) ignores flash/EEPROM/fuse writes; mode 3 (LB1+LB2) also returns garbage
 *   (the low byte of the address) for flash and EEPROM reads.
 * - Wiring faults (faults.h): an open RESET keeps the target out of programming; an unpowered target or SCK and
 *   MOSI swapped never decode a byte (an unpowered chip's MISO is clamped low; a swapped chip samples its MOSI
 *   pin, which carries the always-low-at-that-moment SCK, so it shifts out zeros); an open MISO reads high.
 *   `slow-clock` forces the target clock (SCK limits follow it); `supply` below what the target clock needs
 *   (8 MHz at 2.7 V .. 16 MHz at 4.5 V) flips each bit the target sends with probability 1 %.
 * Leaves out: bit-banged SPI on the pins (only the hardware SPI is connected), SPI mode/bit order mismatches,
 * the SCK-low-during-power-up rule, the target running its own firmware, read-while-busy data corruption (reads
 * while busy are simply ignored), and the extended address only matters for parts with a loadExtendedAddress op.
 */
#include "isp_target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avr_ioport.h"
#include "avr_spi.h"

#define ISP_TARGET_ENABLE_DELAY_US 20000u
#define ISP_TARGET_UNDERVOLT_FLIP 0.01
#define ISP_TARGET_NEVER UINT64_MAX

struct isp_target {
	avr_io_t io; /* reset hook: an AVR reset releases the programmer's pins */
	avr_t *avr;
	spi_timing_t *spi;
	faults_t *faults;
	isp_target_config_t cfg;
	avr_irq_t *miso_irq;       /* SPI_IRQ_INPUT of the programmer */
	avr_io_addr_t r_port, r_ddr;

	uint8_t *flash, *eeprom;
	uint8_t *page_buf;          /* flash page buffer, cfg.flash_page bytes */
	uint8_t ee_buf[256];
	uint8_t ee_loaded[256];
	uint8_t fuses[3], lock;
	uint8_t ext_addr;

	int in_reset;               /* RESET held low */
	avr_cycle_count_t reset_low_cycle;
	uint32_t fck;               /* target clock latched at RESET assertion */
	int enabled;                /* Programming Enable accepted */
	uint8_t frame[4];
	uint8_t pos;                /* byte index within the 4-byte frame */
	uint8_t prev;               /* last byte received */
	const part_instr_t *decoded;
	avr_cycle_count_t busy_until;
	int wrote;                  /* any write happened (never-ready starts then) */
	avr_cycle_count_t frame_cycle; /* when the first byte of the current instruction arrived */

	isp_target_stats_t stats;
};

static uint8_t isp_target_rotl(uint8_t b) { return (uint8_t)(b << 1 | b >> 7); }

static avr_cycle_count_t isp_target_us(const isp_target_t *t, uint32_t us)
{
	return (avr_cycle_count_t)us * t->avr->frequency / 1000000u;
}

int isp_target_busy(const isp_target_t *t) { return t->avr->cycle < t->busy_until; }

static void isp_target_set_busy(isp_target_t *t, uint32_t us)
{
	t->wrote = 1;
	t->busy_until = t->faults->never_ready ? ISP_TARGET_NEVER : t->avr->cycle + isp_target_us(t, us);
}

static void isp_target_reset_level(isp_target_t *t, int low)
{
	if (low == t->in_reset)
		return;
	t->in_reset = low;
	t->enabled = 0;
	t->decoded = NULL;
	t->pos = 0;
	if (low) {
		t->reset_low_cycle = t->avr->cycle;
		/* CKDIV8 (low fuse bit 7) programmed = 0: the system clock prescaler starts at /8. */
		t->fck = (t->fuses[0] & 0x80) ? t->cfg.crystal_hz : t->cfg.crystal_hz / 8;
		if (t->faults->slow_clock_hz)
			t->fck = t->faults->slow_clock_hz;
	}
}

static void isp_target_pins_changed(isp_target_t *t, uint8_t ddr, uint8_t port)
{
	uint8_t m = (uint8_t)(1u << t->cfg.reset_bit);
	if (t->faults->wire == FAULTS_WIRE_RESET_OPEN)
		return; /* the pin drives nothing: the target's RESET stays high */
	isp_target_reset_level(t, (ddr & m) && !(port & m));
}

static void isp_target_ddr_irq(avr_irq_t *irq, uint32_t value, void *param)
{
	isp_target_t *t = param;
	(void)irq;
	/* Raised before simavr stores the new DDR value: take it from the IRQ. */
	isp_target_pins_changed(t, (uint8_t)value, t->avr->data[t->r_port]);
}

static void isp_target_port_irq(avr_irq_t *irq, uint32_t value, void *param)
{
	isp_target_t *t = param;
	(void)irq;
	isp_target_pins_changed(t, t->avr->data[t->r_ddr], (uint8_t)value);
}

static const part_instr_t *isp_target_decode(const isp_target_t *t)
{
	uint32_t w = (uint32_t)t->frame[0] << 24 | (uint32_t)t->frame[1] << 16 | (uint32_t)t->frame[2] << 8;
	const part_facts_t *p = t->cfg.part;
	for (uint8_t i = 0; i < p->instr_count; i++)
		if ((w & p->instrs[i].fixed_mask) == p->instrs[i].fixed_value)
			return &p->instrs[i];
	return NULL;
}

static uint16_t isp_target_addr(const isp_target_t *t, const part_instr_t *in)
{
	return (uint16_t)(((uint16_t)t->frame[1] << 8 | t->frame[2]) & in->addr_mask);
}

static int isp_target_write_locked(const isp_target_t *t) { return (t->lock & 0x03) != 0x03; }
static int isp_target_read_locked(const isp_target_t *t) { return (t->lock & 0x03) == 0x00; }

static uint32_t isp_target_flash_byte(const isp_target_t *t, uint32_t word_addr, int high)
{
	return (((uint32_t)t->ext_addr << 16 | word_addr) * 2u + (high ? 1u : 0u)) % t->cfg.flash_size;
}

/* The byte a read instruction returns on its fourth byte. */
static uint8_t isp_target_read(isp_target_t *t, const part_instr_t *in)
{
	uint16_t a = isp_target_addr(t, in);
	const part_facts_t *p = t->cfg.part;
	switch (in->op) {
	case PART_OP_POLL_READY:
		return (uint8_t)(0xFE | (isp_target_busy(t) || (t->faults->never_ready && t->wrote)));
	case PART_OP_READ_FLASH_LOW:
	case PART_OP_READ_FLASH_HIGH: {
		uint32_t b = isp_target_flash_byte(t, a, in->op == PART_OP_READ_FLASH_HIGH);
		return isp_target_read_locked(t) ? (uint8_t)b : t->flash[b];
	}
	case PART_OP_READ_EEPROM:
		return isp_target_read_locked(t) ? (uint8_t)a : t->eeprom[a % t->cfg.eeprom_size];
	case PART_OP_READ_SIGNATURE:
		return (a & 3) < 3 ? t->cfg.signature[a & 3] : 0xFF;
	case PART_OP_READ_CALIBRATION:
		return t->cfg.calibration;
	case PART_OP_READ_LOCK:
		return (uint8_t)(t->lock | ~p->lock_mask);
	case PART_OP_READ_LOW_FUSE:
		return (uint8_t)(t->fuses[0] | ~p->fuse_mask[0]);
	case PART_OP_READ_HIGH_FUSE:
		return (uint8_t)(t->fuses[1] | ~p->fuse_mask[1]);
	case PART_OP_READ_EXT_FUSE:
		return (uint8_t)(t->fuses[2] | ~p->fuse_mask[2]);
	default:
		return t->prev;
	}
}

static void isp_target_execute(isp_target_t *t, const part_instr_t *in, uint8_t data)
{
	const part_facts_t *p = t->cfg.part;
	uint16_t a = isp_target_addr(t, in);
	uint32_t page_words = t->cfg.flash_page / 2;
	switch (in->op) {
	case PART_OP_CHIP_ERASE:
		memset(t->flash, 0xFF, t->cfg.flash_size);
		if (t->fuses[1] & 0x08) /* EESAVE unprogrammed: EEPROM is erased too */
			memset(t->eeprom, 0xFF, t->cfg.eeprom_size);
		t->lock = 0xFF;
		t->stats.erases++;
		t->stats.last_write_cycle = t->frame_cycle;
		isp_target_set_busy(t, p->chip_erase_us);
		break;
	case PART_OP_LOAD_EXTENDED_ADDRESS:
		t->ext_addr = t->frame[2];
		break;
	case PART_OP_LOAD_FLASH_LOW:
	case PART_OP_LOAD_FLASH_HIGH:
		t->page_buf[(a % page_words) * 2 + (in->op == PART_OP_LOAD_FLASH_HIGH)] = data;
		break;
	case PART_OP_WRITE_FLASH_PAGE: {
		uint32_t base = isp_target_flash_byte(t, (uint32_t)a & ~(page_words - 1), 0);
		if (!isp_target_write_locked(t))
			for (uint32_t i = 0; i < t->cfg.flash_page; i++)
				t->flash[(base + i) % t->cfg.flash_size] &= t->page_buf[i];
		memset(t->page_buf, 0xFF, t->cfg.flash_page);
		t->stats.page_writes++;
		t->stats.last_write_cycle = t->frame_cycle;
		isp_target_set_busy(t, p->flash_write_us);
		break;
	}
	case PART_OP_WRITE_EEPROM:
		if (!isp_target_write_locked(t))
			t->eeprom[a % t->cfg.eeprom_size] = data;
		t->stats.eeprom_writes++;
		t->stats.last_write_cycle = t->frame_cycle;
		isp_target_set_busy(t, p->eeprom_write_us);
		break;
	case PART_OP_LOAD_EEPROM_PAGE: {
		uint32_t i = a % t->cfg.eeprom_page;
		t->ee_buf[i] = data;
		t->ee_loaded[i] = 1;
		break;
	}
	case PART_OP_WRITE_EEPROM_PAGE: {
		uint32_t base = (a - a % t->cfg.eeprom_page) % t->cfg.eeprom_size;
		for (uint32_t i = 0; i < t->cfg.eeprom_page; i++) {
			if (t->ee_loaded[i] && !isp_target_write_locked(t))
				t->eeprom[(base + i) % t->cfg.eeprom_size] = t->ee_buf[i];
			t->ee_loaded[i] = 0;
		}
		t->stats.eeprom_writes++;
		t->stats.last_write_cycle = t->frame_cycle;
		isp_target_set_busy(t, p->eeprom_write_us);
		break;
	}
	case PART_OP_WRITE_LOCK:
		t->lock &= (uint8_t)(data | ~p->lock_mask); /* lock bits can only be programmed */
		t->stats.fuse_writes++;
		t->stats.last_write_cycle = t->frame_cycle;
		isp_target_set_busy(t, p->fuse_write_us);
		break;
	case PART_OP_WRITE_LOW_FUSE:
	case PART_OP_WRITE_HIGH_FUSE:
	case PART_OP_WRITE_EXT_FUSE: {
		int k = in->op == PART_OP_WRITE_LOW_FUSE ? 0 : in->op == PART_OP_WRITE_HIGH_FUSE ? 1 : 2;
		if (!isp_target_write_locked(t))
			t->fuses[k] = (uint8_t)((data & p->fuse_mask[k]) | ~p->fuse_mask[k]);
		t->stats.fuse_writes++;
		t->stats.last_write_cycle = t->frame_cycle;
		isp_target_set_busy(t, p->fuse_write_us);
		break;
	}
	default: /* reads, poll and Programming Enable change nothing */
		break;
	}
}

/* One byte from the programmer; returns what the target shifts out during it. */
static uint8_t isp_target_byte(isp_target_t *t, uint8_t mosi)
{
	if (!t->in_reset)
		return 0xFF; /* not listening: MISO is high-impedance, read as 1s */

	uint32_t sck = t->avr->frequency / spi_timing_prescaler(t->spi);
	int garbled = (uint64_t)sck * (t->fck >= 12000000u ? 6u : 4u) >= t->fck;
	if (garbled) {
		t->stats.sck_violations++;
		mosi = isp_target_rotl(mosi);
	}
	t->stats.spi_bytes++;

	uint8_t pos = t->pos, reply;
	t->frame[pos] = mosi;
	if (pos == 0)
		t->frame_cycle = t->avr->cycle;
	if (!t->enabled) {
		reply = isp_target_rotl(t->prev); /* out of sync: a shifted echo */
		if (pos == 2 && t->frame[0] == 0xAC && t->frame[1] == 0x53) {
			if (t->avr->cycle - t->reset_low_cycle >= isp_target_us(t, ISP_TARGET_ENABLE_DELAY_US)) {
				t->enabled = 1;
				t->decoded = NULL; /* the enable frame's last byte must not run an older instruction */
				reply = t->prev; /* 0x53 */
			} else {
				t->stats.early_enable++;
			}
		}
	} else {
		reply = t->prev;
		if (pos == 2) {
			t->decoded = isp_target_decode(t);
		} else if (pos == 3) {
			const part_instr_t *in = t->decoded;
			int busy = isp_target_busy(t) || (t->faults->never_ready && t->wrote);
			if (busy && (!in || in->op != PART_OP_POLL_READY)) {
				t->stats.busy_violations++;
			} else if (in) {
				if (in->out_mask) {
					uint8_t v = isp_target_read(t, in);
					reply = (uint8_t)((v & in->out_mask) | (~in->out_mask & 0xFF));
				}
				isp_target_execute(t, in, (uint8_t)(mosi & (in->in_mask ? in->in_mask : 0xFF)));
			}
		}
	}
	t->prev = mosi;
	t->pos = (uint8_t)((pos + 1) & 3);
	if (garbled)
		reply = isp_target_rotl(reply);
	return reply;
}

static void isp_target_spi_irq(avr_irq_t *irq, uint32_t value, void *param)
{
	isp_target_t *t = param;
	(void)irq;
	faults_wire_t wire = t->faults->wire;
	uint8_t reply = 0xFF;
	if (wire == FAULTS_WIRE_UNPOWERED || wire == FAULTS_WIRE_SCK_MOSI_SWAPPED)
		reply = 0x00; /* nothing decoded; MISO clamped low / zeros shifted out */
	else if (t->faults->miso == FAULTS_MISO_TARGET) {
		reply = isp_target_byte(t, (uint8_t)value);
		if (t->in_reset && t->fck > faults_max_clock_hz(t->faults))
			reply = faults_flip(t->faults, reply, ISP_TARGET_UNDERVOLT_FLIP);
	}
	avr_raise_irq(t->miso_irq, faults_miso(t->faults, reply));
}

static void isp_target_avr_reset(avr_io_t *io)
{
	isp_target_t *t = (isp_target_t *)io;
	isp_target_reset_level(t, 0); /* all programmer pins are inputs again */
}

isp_target_t *isp_target_attach(avr_t *avr, spi_timing_t *spi, const isp_target_config_t *cfg, faults_t *faults,
                                char *err, size_t err_len)
{
	if (!cfg->flash_size || !cfg->flash_page || cfg->flash_size % cfg->flash_page || (cfg->flash_page & 1) ||
	    !cfg->eeprom_size || !cfg->eeprom_page || cfg->eeprom_page > sizeof ((isp_target_t *)0)->ee_buf) {
		snprintf(err, err_len, "target memory sizes are inconsistent (flash %u/%u, eeprom %u/%u)", cfg->flash_size,
		         cfg->flash_page, cfg->eeprom_size, cfg->eeprom_page);
		return NULL;
	}
	avr_ioport_t *port = NULL;
	for (avr_io_t *io = avr->io_port; io; io = io->next)
		if (io->irq_ioctl_get == (uint32_t)AVR_IOCTL_IOPORT_GETIRQ(cfg->reset_port))
			port = (avr_ioport_t *)io;
	avr_irq_t *out = avr_io_getirq(avr, AVR_IOCTL_SPI_GETIRQ(0), SPI_IRQ_OUTPUT);
	avr_irq_t *in = avr_io_getirq(avr, AVR_IOCTL_SPI_GETIRQ(0), SPI_IRQ_INPUT);
	if (!port || !out || !in) {
		snprintf(err, err_len, "the programmer core has no port %c or no SPI", cfg->reset_port);
		return NULL;
	}
	isp_target_t *t = calloc(1, sizeof *t);
	if (!t || !(t->flash = malloc(cfg->flash_size)) || !(t->eeprom = malloc(cfg->eeprom_size)) ||
	    !(t->page_buf = malloc(cfg->flash_page))) {
		snprintf(err, err_len, "out of memory");
		isp_target_free(t);
		return NULL;
	}
	t->avr = avr;
	t->spi = spi;
	t->faults = faults;
	t->cfg = *cfg;
	t->miso_irq = in;
	t->r_port = port->r_port;
	t->r_ddr = port->r_ddr;
	memset(t->flash, 0xFF, cfg->flash_size);
	memset(t->eeprom, 0xFF, cfg->eeprom_size);
	memset(t->page_buf, 0xFF, cfg->flash_page);
	memcpy(t->fuses, cfg->fuses, 3);
	t->lock = faults->locked ? (uint8_t)(cfg->lock & ~0x03) : cfg->lock;
	t->fck = cfg->crystal_hz;

	t->io.kind = "isp-target";
	t->io.reset = isp_target_avr_reset;
	avr_register_io(avr, &t->io);
	avr_irq_register_notify(out, isp_target_spi_irq, t);
	avr_irq_register_notify(port->io.irq + IOPORT_IRQ_DIRECTION_ALL, isp_target_ddr_irq, t);
	avr_irq_register_notify(port->io.irq + IOPORT_IRQ_REG_PORT, isp_target_port_irq, t);
	isp_target_pins_changed(t, avr->data[t->r_ddr], avr->data[t->r_port]);
	return t;
}

uint8_t *isp_target_flash(isp_target_t *t) { return t->flash; }
uint8_t *isp_target_eeprom(isp_target_t *t) { return t->eeprom; }

void isp_target_fuses(const isp_target_t *t, uint8_t fuses[3], uint8_t *lock)
{
	const part_facts_t *p = t->cfg.part;
	for (int k = 0; k < 3; k++)
		fuses[k] = (uint8_t)(t->fuses[k] | ~p->fuse_mask[k]);
	*lock = (uint8_t)(t->lock | ~p->lock_mask);
}

void isp_target_stats(const isp_target_t *t, isp_target_stats_t *s)
{
	*s = t->stats;
	s->prog_enabled = t->enabled && t->in_reset;
}

void isp_target_free(isp_target_t *t)
{
	if (!t)
		return;
	free(t->flash);
	free(t->eeprom);
	free(t->page_buf);
	free(t);
}
