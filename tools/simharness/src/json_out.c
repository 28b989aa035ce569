/* json_out: a fixed-size JSON line builder; output beyond the buffer is dropped rather than overflowing. */
#include "json_out.h"

#include <stdarg.h>
#include <string.h>

static void json_out_put(json_out_t *j, const char *fmt, ...)
{
	va_list ap;
	if (j->len >= sizeof j->buf)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(j->buf + j->len, sizeof j->buf - j->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		j->len = (j->len + (size_t)n < sizeof j->buf) ? j->len + (size_t)n : sizeof j->buf - 1;
}

static void json_out_string(json_out_t *j, const char *s)
{
	json_out_put(j, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			json_out_put(j, "\\%c", c);
		else if (c < 0x20)
			json_out_put(j, "\\u%04x", c);
		else
			json_out_put(j, "%c", c);
	}
	json_out_put(j, "\"");
}

void json_out_begin(json_out_t *j)
{
	j->len = 0;
	j->buf[0] = 0;
	j->need_comma = 0;
	json_out_put(j, "{");
}

void json_out_key(json_out_t *j, const char *key)
{
	if (j->need_comma)
		json_out_put(j, ",");
	json_out_string(j, key);
	json_out_put(j, ":");
	j->need_comma = 1;
}

void json_out_str(json_out_t *j, const char *key, const char *value)
{
	json_out_key(j, key);
	if (value)
		json_out_string(j, value);
	else
		json_out_put(j, "null");
}

void json_out_u64(json_out_t *j, const char *key, uint64_t value)
{
	json_out_key(j, key);
	json_out_put(j, "%llu", (unsigned long long)value);
}

void json_out_num(json_out_t *j, const char *key, double value)
{
	json_out_key(j, key);
	json_out_put(j, "%.6f", value);
}

void json_out_bool(json_out_t *j, const char *key, int value)
{
	json_out_key(j, key);
	json_out_put(j, value ? "true" : "false");
}

void json_out_null(json_out_t *j, const char *key)
{
	json_out_key(j, key);
	json_out_put(j, "null");
}

void json_out_object(json_out_t *j, const char *key)
{
	json_out_key(j, key);
	json_out_put(j, "{");
	j->need_comma = 0;
}

void json_out_close(json_out_t *j)
{
	json_out_put(j, "}");
	j->need_comma = 1;
}

void json_out_emit(json_out_t *j, FILE *f)
{
	json_out_put(j, "}");
	fprintf(f, "%s\n", j->buf);
	fflush(f);
}

void json_out_str_array(json_out_t *j, const char *key, const char *const *items, unsigned count)
{
	json_out_key(j, key);
	json_out_put(j, "[");
	for (unsigned i = 0; i < count; i++) {
		if (i)
			json_out_put(j, ",");
		json_out_string(j, items[i]);
	}
	json_out_put(j, "]");
}
