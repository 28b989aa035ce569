/*
 * cdc_acm.h - the CDC-ACM serial function: line coding, control lines, a receive ring and packetised send.
 *
 * Receive: bulk OUT packets are copied into a RAM ring (CDC_ACM_RX_SIZE bytes) by cdc_acm_poll_out(), which
 * usb_std_task() calls; a packet stays in the endpoint (the host is NAKed) while the ring lacks room for it, so
 * nothing is ever dropped. The consumer peeks, takes and discards bytes in order.
 * Send: cdc_acm_tx() fills the bulk IN bank and sends it when full (64 bytes); while the host has not yet read
 * the previous packet, bytes wait in a CDC_ACM_TX_QUEUE-byte queue instead of stalling the caller (the bank is
 * refilled from it as soon as it is free); cdc_acm_tx_flush() sends what
 * is pending at once (plus a zero-length packet after a full one), so every reply leaves as soon as it is
 * complete. DTR is not required. If the host stops reading for CDC_ACM_TX_TIMEOUT_MS, the rest of the reply
 * is dropped until the next flush (a closed port must not hang the programmer).
 * Reboot: SET_LINE_CODING/SET_CONTROL_LINE_STATE matching the board's bootloader convention (Caterina: 1200
 * baud with DTR low; HalfKay: 134 baud) sets cdc_acm_reboot_requested(); the main loop acts on it.
 */
#ifndef CDC_ACM_H
#define CDC_ACM_H

#include <stdbool.h>
#include <stdint.h>

#include "usb_std.h"

#define CDC_ACM_RX_SIZE 2048U
#define CDC_ACM_TX_QUEUE 128U
#define CDC_ACM_TX_TIMEOUT_MS 500U

/* Called by usb_std. */
void cdc_acm_bus_reset(void);
void cdc_acm_configured(void);
void cdc_acm_poll_out(void);
bool cdc_acm_control_request(const struct usb_std_setup *setup);

uint16_t cdc_acm_rx_count(void);
/* Byte `offset` places after the oldest one; offset < cdc_acm_rx_count(). */
uint8_t cdc_acm_rx_peek(uint16_t offset);
/* Oldest byte, removed; only when cdc_acm_rx_count() > 0. */
uint8_t cdc_acm_rx_take(void);
void cdc_acm_rx_discard(uint16_t count);

void cdc_acm_tx(uint8_t byte);
void cdc_acm_tx_flush(void);

bool cdc_acm_reboot_requested(void);

#endif /* CDC_ACM_H */
