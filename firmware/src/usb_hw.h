/*
 * usb_hw.h - the ATmega32U4 USB device controller at register level.
 *
 * Contract:
 * - usb_hw_init() takes the controller from ANY state to attached: from power-on, and also as Caterina leaves
 *   it when it jumps to the application (USBCON = 0x91 with the clock running, UDCON.DETACH set, interrupts
 *   possibly enabled). It disables and so resets the controller (USBE = 0), starts the PLL, re-enables the
 *   controller, detaches, then attaches. USB interrupts stay disabled: the stack is polled (usb_std_task()).
 * - usb_hw_stop() detaches from the bus and switches the controller and PLL off (before entering a bootloader).
 * - Endpoints 0..4 only (the simulator has no more); all single-bank.
 * - Endpoint helpers act on the endpoint selected with usb_hw_select(); callers that may run inside another
 *   endpoint's transfer save and restore the selection (usb_hw_selected()).
 */
#ifndef USB_HW_H
#define USB_HW_H

#include <avr/io.h>
#include <stdbool.h>
#include <stdint.h>

#define USB_HW_EP0_SIZE 64U
#define USB_HW_MAX_ENDPOINT 4U

/* UECFG0X: endpoint type and direction. */
#define USB_HW_EPTYPE_CONTROL 0x00U
#define USB_HW_EPTYPE_BULK_OUT 0x80U
#define USB_HW_EPTYPE_BULK_IN 0x81U
#define USB_HW_EPTYPE_INTERRUPT_IN 0xC1U
/* UECFG1X: size code, one bank, allocate. */
#define USB_HW_EPSIZE_8 0x02U
#define USB_HW_EPSIZE_16 0x12U
#define USB_HW_EPSIZE_32 0x22U
#define USB_HW_EPSIZE_64 0x32U

void usb_hw_init(void);
void usb_hw_stop(void);
/* Configures one endpoint (call in increasing endpoint order); false when the controller refuses it. */
bool usb_hw_configure_endpoint(uint8_t ep, uint8_t type, uint8_t size_cfg);

static inline void usb_hw_select(uint8_t ep) { UENUM = ep; }
static inline uint8_t usb_hw_selected(void) { return UENUM & 0x07U; }

static inline bool usb_hw_setup_received(void) { return (UEINTX & (1 << RXSTPI)) != 0; }
static inline bool usb_hw_out_received(void) { return (UEINTX & (1 << RXOUTI)) != 0; }
static inline bool usb_hw_in_ready(void) { return (UEINTX & (1 << TXINI)) != 0; }
static inline void usb_hw_ack_setup(void) { UEINTX = (uint8_t)~((1 << RXSTPI) | (1 << RXOUTI) | (1 << TXINI)); }
static inline void usb_hw_ack_out(void) { UEINTX = (uint8_t)~(1 << RXOUTI); }
/* Control endpoint: send what was written to the bank (or a zero-length packet). */
static inline void usb_hw_send_control_in(void) { UEINTX = (uint8_t)~(1 << TXINI); }
/* Bulk/interrupt endpoints: hand the bank to the controller (IN: send it; OUT: release it). */
static inline void usb_hw_release_bank(void) { UEINTX = (uint8_t)~(1 << FIFOCON); }
static inline void usb_hw_stall(void) { UECONX = (1 << STALLRQ) | (1 << EPEN); }
static inline uint8_t usb_hw_byte_count(void) { return UEBCLX; }
static inline uint8_t usb_hw_read(void) { return UEDATX; }
static inline void usb_hw_write(uint8_t b) { UEDATX = b; }

#endif /* USB_HW_H */
