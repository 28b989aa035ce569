/*
 * boot_check: runs the programmed image in a fresh simulated ATmega32U4 the way the fuses start it: at the boot
 * section (BOOTSZ) when BOOTRST is programmed, else at 0; MCUSR = EXTRF (a reset-button press). Then reports
 * whether the firmware attached to USB, and the VID:PID the USB host read while enumerating it.
 * Works around simavr 1.6: MCUCR.IVSEL is ignored (interrupts are redirected here to boot start + vector × 4
 * while IVSEL is set), and the SPM page buffer starts as 0x00FF words (unloaded words are made 0xFFFF before
 * each SPM).
 * Leaves out: SPM timing (erase/write are instant in simavr 1.6), boot lock bits, HWBE/HWB pin, clock fuses
 * (the core runs at --f-cpu whatever CKSEL/CKDIV8 say).
 */
#include "boot_check.h"

#include <stdlib.h>
#include <string.h>

#include "avr_board.h"
#include "avr_flash.h"
#include "json_out.h"
#include "usb_host.h"

#define BOOT_CHECK_MCUSR 0x54
#define BOOT_CHECK_MCUCR 0x55
#define BOOT_CHECK_EXTRF 0x02
#define BOOT_CHECK_IVSEL 0x02
#define BOOT_CHECK_ENUM_MS 1000.0

typedef struct boot_check {
	avr_t *avr;
	uint32_t boot_start;
	avr_flash_t *flash;
	int (*flash_ioctl)(avr_io_t *io, uint32_t ctl, void *param);
} boot_check_t;

static void boot_check_vector(avr_irq_t *irq, uint32_t vector, void *param)
{
	boot_check_t *b = param;
	(void)irq;
	/* The core has just set pc = vector × vector_size; with IVSEL the table lives at the boot section. */
	if (b->avr->data[BOOT_CHECK_MCUCR] & BOOT_CHECK_IVSEL)
		b->avr->pc = b->boot_start + vector * b->avr->vector_size;
}

static int boot_check_spm(avr_io_t *io, uint32_t ctl, void *param)
{
	boot_check_t *b = NULL;
	avr_flash_t *f = (avr_flash_t *)io;
	for (avr_io_t *p = io->avr->io_port; p; p = p->next)
		if (p->kind && !strcmp(p->kind, "boot-check"))
			b = *(boot_check_t **)(p + 1);
	if (ctl == AVR_IOCTL_FLASH_SPM)
		for (int i = 0; i < f->spm_pagesize / 2; i++)
			if (!f->tmppage_used[i])
				f->tmppage[i] = 0xFFFF;
	return b ? b->flash_ioctl(io, ctl, param) : -1;
}

int boot_check_run(const cli_config_t *cfg, FILE *out)
{
	char err[512];
	boot_check_t b = { 0 };
	b.avr = avr_board_create(cfg->image, cfg->f_cpu, cfg->verbose, err, sizeof err);
	if (!b.avr) {
		fprintf(stderr, "simharness: --image: %s\n", err);
		return 2;
	}
	avr_t *avr = b.avr;
	const part_facts_t *p = cfg->part;
	uint8_t high = cfg->fuses[1];
	uint8_t bootsz = (high >> 1) & 3;
	uint32_t boot_size = 0;
	for (uint8_t i = 0; i < p->boot_section_count; i++)
		if (p->boot_sections[i].bootsz == bootsz)
			boot_size = p->boot_sections[i].size;
	uint32_t flash_size = avr->flashend + 1;
	b.boot_start = boot_size ? flash_size - boot_size : 0;
	uint32_t start = (!(high & 0x01) && boot_size) ? b.boot_start : 0;
	avr_board_set_reset_address(avr, start);
	avr->data[BOOT_CHECK_MCUSR] = BOOT_CHECK_EXTRF;

	/* The SPM buffer fix needs our context from inside simavr's flash ioctl: hang it on a tiny io module. */
	struct {
		avr_io_t io;
		boot_check_t *b;
	} hook = { .io = { .kind = "boot-check" }, .b = &b };
	avr_register_io(avr, &hook.io);
	for (avr_io_t *io = avr->io_port; io; io = io->next)
		if (io->kind && !strcmp(io->kind, "flash")) {
			b.flash = (avr_flash_t *)io;
			b.flash_ioctl = io->ioctl;
			io->ioctl = boot_check_spm;
		}
	avr_irq_register_notify(avr->interrupts.irq + AVR_INT_IRQ_RUNNING, boot_check_vector, &b);

	usb_host_line_t line = { 115200, 1, 1 };
	usb_host_t *usb = usb_host_attach(avr, &line, err, sizeof err);
	if (!usb) {
		fprintf(stderr, "simharness: %s\n", err);
		return 2;
	}
	avr_cycle_count_t limit = (avr_cycle_count_t)(cfg->timeout_ms * avr->frequency / 1000.0);
	avr_cycle_count_t enum_limit = 0;
	const char *problem = NULL;
	char crash[160];
	for (;;) {
		int state = avr_run(avr);
		if (state == cpu_Crashed || state == cpu_Done) {
			snprintf(crash, sizeof crash, "the image %s at pc 0x%04X", state == cpu_Crashed ? "crashed" : "stopped",
			         avr->pc);
			problem = crash;
			break;
		}
		avr_cycle_count_t attached = usb_host_attach_cycle(usb);
		if (attached && !enum_limit)
			enum_limit = avr->cycle + (avr_cycle_count_t)(BOOT_CHECK_ENUM_MS * avr->frequency / 1000.0);
		usb_host_state_t st = usb_host_state(usb);
		if (st == USB_HOST_CONFIGURED || st == USB_HOST_FAILED)
			break;
		if (!attached && avr->cycle >= limit)
			break;
		if (enum_limit && avr->cycle >= enum_limit) {
			problem = "attached but did not finish enumeration within 1 s";
			break;
		}
	}
	avr_cycle_count_t attach_cycle = usb_host_attach_cycle(usb);
	const usb_host_device_t *d = usb_host_device(usb);
	json_out_t j;
	json_out_begin(&j);
	json_out_str(&j, "event", "boot");
	json_out_bool(&j, "attached", attach_cycle != 0);
	json_out_num(&j, "simMs", (double)(attach_cycle ? attach_cycle : avr->cycle) * 1e3 / avr->frequency);
	json_out_u64(&j, "startAddress", start);
	if (d->vid || d->pid) {
		json_out_object(&j, "usb");
		json_out_u64(&j, "vid", d->vid);
		json_out_u64(&j, "pid", d->pid);
		json_out_str(&j, "product", d->product);
		json_out_bool(&j, "cdc", usb_host_state(usb) == USB_HOST_CONFIGURED);
		json_out_close(&j);
	} else {
		json_out_null(&j, "usb");
	}
	if (problem)
		json_out_str(&j, "problem", problem);
	else if (usb_host_state(usb) == USB_HOST_FAILED && !(d->vid || d->pid))
		json_out_str(&j, "problem", usb_host_error(usb));
	json_out_emit(&j, out);
	usb_host_free(usb);
	return 0;
}
