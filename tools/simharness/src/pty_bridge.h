/*
 * pty_bridge: the serial port a host program (avrdude, ispkit) opens. An openpty() pair in raw mode; the harness
 * keeps the slave open (so the master never sees a hangup when the host closes) and reads/writes the master
 * without blocking, from the simulation loop.
 */
#ifndef PTY_BRIDGE_H
#define PTY_BRIDGE_H
#include <stddef.h>
#include <stdint.h>

typedef struct pty_bridge pty_bridge_t;

/* Opens the pty; if link is non-NULL, also a symlink to the slave there (replacing an older symlink only). */
pty_bridge_t *pty_bridge_open(const char *link, char *err, size_t err_len);
const char *pty_bridge_path(const pty_bridge_t *p);
const char *pty_bridge_link(const pty_bridge_t *p);
int pty_bridge_fd(const pty_bridge_t *p); /* master, for poll(); -1 once closed */
/* Host → device bytes available now (non-blocking); returns 0 when none. */
size_t pty_bridge_read(pty_bridge_t *p, uint8_t *buf, size_t max);
/* Device → host bytes; whatever the pty does not take now is kept and retried by pty_bridge_flush(). */
void pty_bridge_write(pty_bridge_t *p, const uint8_t *buf, size_t n);
void pty_bridge_flush(pty_bridge_t *p);
/* Bytes written for the host that it has not read yet (ours plus the slave's input queue). */
size_t pty_bridge_unread(const pty_bridge_t *p);
/* Baud rate the host last set on its end (0 if unknown). */
uint32_t pty_bridge_baud(const pty_bridge_t *p);
/* Hangs up: closes master and slave so the host sees EOF/HUP, and removes the link. Safe to call twice. */
void pty_bridge_close(pty_bridge_t *p);
void pty_bridge_free(pty_bridge_t *p);

#endif
