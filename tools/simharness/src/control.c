/* control: non-blocking line reader for the stdin control channel. Over-long lines are cut to the buffer. */
#include "control.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

void control_init(control_t *c, int fd)
{
	memset(c, 0, sizeof *c);
	c->fd = fd;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int control_next(control_t *c, char *line, size_t line_len)
{
	if (!c->eof && c->len < sizeof c->buf) {
		ssize_t n = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
		if (n > 0)
			c->len += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
			c->eof = 1;
	}
	char *nl = memchr(c->buf, '\n', c->len);
	size_t take;
	if (nl)
		take = (size_t)(nl - c->buf) + 1;
	else if (c->len == sizeof c->buf || (c->eof && c->len))
		take = c->len;
	else
		return 0;
	size_t n = take - (nl ? 1 : 0);
	if (n >= line_len)
		n = line_len - 1;
	memcpy(line, c->buf, n);
	line[n] = 0;
	if (n && line[n - 1] == '\r')
		line[n - 1] = 0;
	memmove(c->buf, c->buf + take, c->len - take);
	c->len -= take;
	return 1;
}
