/* json_out: builds one JSON object per line for the harness's stdout protocol (events, replies). */
#ifndef JSON_OUT_H
#define JSON_OUT_H
#include <stdint.h>
#include <stdio.h>

typedef struct json_out {
	char buf[8192];
	size_t len;
	int need_comma; /* a member was written at this nesting level */
} json_out_t;

void json_out_begin(json_out_t *j);             /* "{" */
void json_out_key(json_out_t *j, const char *key); /* "key": (then a value or json_out_object) */
void json_out_str(json_out_t *j, const char *key, const char *value); /* NULL value → null */
void json_out_u64(json_out_t *j, const char *key, uint64_t value);
void json_out_num(json_out_t *j, const char *key, double value);
void json_out_bool(json_out_t *j, const char *key, int value);
void json_out_null(json_out_t *j, const char *key);
void json_out_object(json_out_t *j, const char *key); /* "key":{ */
void json_out_close(json_out_t *j);                   /* } */
void json_out_str_array(json_out_t *j, const char *key, const char *const *items, unsigned count); /* "key":[..] */
/* Closes the top-level object and writes it as one line to f, flushed. */
void json_out_emit(json_out_t *j, FILE *f);

#endif
