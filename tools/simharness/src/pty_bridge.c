/*
 * pty_bridge: openpty-based serial port. Leaves out: modem lines (a pty has no DTR/RTS; TIOCMGET fails, which
 * avrdude -c arduino only warns about), parity/framing, and baud-rate pacing (bytes move at USB speed).
 */
#include "pty_bridge.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define PTY_BRIDGE_BUF 65536

struct pty_bridge {
	int master, slave;
	char path[64];
	char *link;
	uint8_t pending[PTY_BRIDGE_BUF]; /* for the host, not yet accepted by the pty */
	size_t pending_len;
};

pty_bridge_t *pty_bridge_open(const char *link, char *err, size_t err_len)
{
	pty_bridge_t *p = calloc(1, sizeof *p);
	if (!p) {
		snprintf(err, err_len, "out of memory");
		return NULL;
	}
	p->master = p->slave = -1;
	if (openpty(&p->master, &p->slave, p->path, NULL, NULL) < 0) {
		snprintf(err, err_len, "openpty failed: %s", strerror(errno));
		free(p);
		return NULL;
	}
	struct termios tio;
	tcgetattr(p->slave, &tio);
	cfmakeraw(&tio);
	cfsetispeed(&tio, B115200);
	cfsetospeed(&tio, B115200);
	tcsetattr(p->slave, TCSANOW, &tio);
	fcntl(p->master, F_SETFL, fcntl(p->master, F_GETFL) | O_NONBLOCK);
	fcntl(p->master, F_SETFD, FD_CLOEXEC);
	fcntl(p->slave, F_SETFD, FD_CLOEXEC);
	if (link) {
		struct stat st;
		if (lstat(link, &st) == 0) {
			if (!S_ISLNK(st.st_mode)) {
				snprintf(err, err_len, "--link %s exists and is not a symlink; choose another path", link);
				pty_bridge_close(p);
				free(p);
				return NULL;
			}
			unlink(link);
		}
		if (symlink(p->path, link) < 0) {
			snprintf(err, err_len, "cannot create --link %s: %s", link, strerror(errno));
			pty_bridge_close(p);
			free(p);
			return NULL;
		}
		p->link = strdup(link);
	}
	return p;
}

const char *pty_bridge_path(const pty_bridge_t *p) { return p->path; }
const char *pty_bridge_link(const pty_bridge_t *p) { return p->link; }
int pty_bridge_fd(const pty_bridge_t *p) { return p->master; }

size_t pty_bridge_read(pty_bridge_t *p, uint8_t *buf, size_t max)
{
	if (p->master < 0 || !max)
		return 0;
	ssize_t n = read(p->master, buf, max);
	return n > 0 ? (size_t)n : 0;
}

void pty_bridge_flush(pty_bridge_t *p)
{
	if (p->master < 0 || !p->pending_len)
		return;
	ssize_t n = write(p->master, p->pending, p->pending_len);
	if (n > 0) {
		memmove(p->pending, p->pending + n, p->pending_len - (size_t)n);
		p->pending_len -= (size_t)n;
	}
}

void pty_bridge_write(pty_bridge_t *p, const uint8_t *buf, size_t n)
{
	if (p->master < 0)
		return;
	if (n > sizeof p->pending - p->pending_len)
		n = sizeof p->pending - p->pending_len; /* the host stopped reading 64 KB ago: drop, like a full tty */
	memcpy(p->pending + p->pending_len, buf, n);
	p->pending_len += n;
	pty_bridge_flush(p);
}

size_t pty_bridge_unread(const pty_bridge_t *p)
{
	int queued = 0;
	if (p->slave >= 0 && ioctl(p->slave, FIONREAD, &queued) < 0)
		queued = 0;
	return p->pending_len + (size_t)(queued > 0 ? queued : 0);
}

uint32_t pty_bridge_baud(const pty_bridge_t *p)
{
	static const struct {
		speed_t s;
		uint32_t baud;
	} map[] = { { B50, 50 },         { B75, 75 },         { B110, 110 },       { B134, 134 },
		    { B150, 150 },       { B200, 200 },       { B300, 300 },       { B600, 600 },
		    { B1200, 1200 },     { B1800, 1800 },     { B2400, 2400 },     { B4800, 4800 },
		    { B9600, 9600 },     { B19200, 19200 },   { B38400, 38400 },   { B57600, 57600 },
		    { B115200, 115200 }, { B230400, 230400 }, { B460800, 460800 }, { B500000, 500000 },
		    { B576000, 576000 }, { B921600, 921600 }, { B1000000, 1000000 } };
	struct termios tio;
	if (p->slave < 0 || tcgetattr(p->slave, &tio) < 0)
		return 0;
	speed_t s = cfgetospeed(&tio);
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].s == s)
			return map[i].baud;
	return 0;
}

void pty_bridge_close(pty_bridge_t *p)
{
	if (p->link) {
		unlink(p->link);
		free(p->link);
		p->link = NULL;
	}
	if (p->slave >= 0)
		close(p->slave);
	if (p->master >= 0)
		close(p->master);
	p->slave = p->master = -1;
}

void pty_bridge_free(pty_bridge_t *p)
{
	if (!p)
		return;
	pty_bridge_close(p);
	free(p);
}
