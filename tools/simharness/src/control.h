/* control: line commands on stdin (stats, dump-flash <path>, dump-eeprom <path>, line <baud> <dtr> [rts], quit). */
#ifndef CONTROL_H
#define CONTROL_H
#include <stddef.h>

typedef struct control {
	int fd;
	char buf[4096];
	size_t len;
	int eof;
} control_t;

void control_init(control_t *c, int fd);
/* Reads what stdin has now (non-blocking). Returns 1 and copies one command line (without newline) into line when
 * a full line is available, 0 otherwise; c->eof becomes 1 once stdin is closed (and no lines remain). */
int control_next(control_t *c, char *line, size_t line_len);

#endif
