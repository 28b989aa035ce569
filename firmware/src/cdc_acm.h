/*
 * cdc_acm.h - the CDC-ACM serial function: line coding, control lines, a receive ring and packetised send.
 *
 * Receive: bulk OUT packets are copied into a RAM ring (CDC_ACM_RX_SIZE bytes) by cdc_acm_poll_out(), which the
 * application calls (main loop, and while a command waits on the target: appending at the head never changes a
 * byte the command is reading); a packet stays in the endpoint (the host is NAKed) while the ring lacks room for
 * it, so nothing is ever dropped. cdc_acm_poll_out() takes nothing while a link event is pending: what arrives
 * after the event waits in the endpoint until cdc_acm_link_reset() has voided everything from before it.
 * The consumer peeks, takes and discards bytes in order; taking from an empty ring returns 0xFF and changes
 * nothing (it cannot underflow).
 * Send: cdc_acm_tx() fills the bulk IN bank and sends it when full (64 bytes); while the host has not yet read
 * the previous packet, bytes wait in a CDC_ACM_TX_QUEUE-byte queue instead of stalling the caller (the bank is
 * refilled from it as soon as it is free); cdc_acm_tx_flush() sends what
 * is pending at once (plus a zero-length packet after a full one), so every reply leaves as soon as it is
 * complete. DTR is not required. If the host stops reading for CDC_ACM_TX_TIMEOUT_MS, the rest of the reply
 * is dropped until the next flush (a closed port must not hang the programmer). While a link event is pending
 * nothing is sent at all (a reply to a voided request is stale).
 * Reboot, as Arduino's core does it: SET_LINE_CODING/SET_CONTROL_LINE_STATE matching the board's bootloader
 * convention (Caterina: 1200 baud with DTR low; HalfKay: 134 baud, what `teensy_loader_cli -s` sends) arms a
 * CDC_ACM_REBOOT_DELAY_MS timer; any later line setting that does not match (DTR raised again, another rate)
 * cancels it. cdc_acm_reboot_due() says when it ran out; the main loop decides (see main.c).
 */
#ifndef CDC_ACM_H
#define CDC_ACM_H

#include <stdbool.h>
#include <stdint.h>

#include "usb_std.h"

#define CDC_ACM_RX_SIZE 2048U
#define CDC_ACM_TX_QUEUE 128U
#define CDC_ACM_TX_TIMEOUT_MS 500U
#define CDC_ACM_REBOOT_DELAY_MS 250U

/* Called by usb_std (inside its contract: records line settings only). */
bool cdc_acm_control_request(const struct usb_std_setup *setup);

/* Called by the application between commands after a link event: drops the receive ring and the send state. */
void cdc_acm_link_reset(void);
void cdc_acm_poll_out(void);

uint16_t cdc_acm_rx_count(void);
/* Byte `offset` places after the oldest one; offset < cdc_acm_rx_count(). */
uint8_t cdc_acm_rx_peek(uint16_t offset);
/* Oldest byte, removed; only when cdc_acm_rx_count() > 0. */
uint8_t cdc_acm_rx_take(void);
/*
 * Takes up to `max` of the oldest bytes that lie contiguous in the ring and points *data at them; returns how many
 * (0 when the ring is empty). They stay unchanged until the next cdc_acm_poll_out(), which may reuse their space.
 */
uint8_t cdc_acm_rx_take_span(const uint8_t **data, uint8_t max);
void cdc_acm_rx_discard(uint16_t count);

void cdc_acm_tx(uint8_t byte);
/*
 * For block readers that store into the IN bank themselves: how many bytes may go straight into UEDATX now (the
 * IN endpoint is then selected), or 0 when cdc_acm_tx() must be used (no free bank, bytes queued, link event
 * pending, reply being dropped). cdc_acm_tx_direct_stored() accounts for the bytes stored (sending a full bank).
 */
uint8_t cdc_acm_tx_direct_room(void);
void cdc_acm_tx_direct_stored(uint8_t count);
void cdc_acm_tx_flush(void);

bool cdc_acm_reboot_due(void);
bool cdc_acm_reboot_armed(void);
void cdc_acm_reboot_cancel(void);

#endif /* CDC_ACM_H */
