/* hex_file: Intel HEX (record types 00-05) reader and writer. Start-address records are accepted and ignored. */
#include "hex_file.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int hex_file_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int hex_file_load(const char *path, uint8_t *mem, uint32_t mem_size, uint32_t *min_addr, uint32_t *end_addr,
                  char *err, size_t err_len)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, err_len, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	char line[1024];
	unsigned lineno = 0;
	uint32_t base = 0, lo = UINT32_MAX, hi = 0;
	int seen_eof = 0, rc = -1;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		size_t n = strcspn(line, "\r\n");
		line[n] = 0;
		if (n == 0)
			continue;
		if (seen_eof) {
			snprintf(err, err_len, "%s line %u: data after the end-of-file record", path, lineno);
			goto out;
		}
		if (line[0] != ':' || n < 11 || (n - 1) % 2) {
			snprintf(err, err_len, "%s line %u: not an Intel HEX record (expected ':' and hex byte pairs)", path,
			         lineno);
			goto out;
		}
		uint8_t rec[300];
		size_t count = (n - 1) / 2;
		if (count > sizeof rec) {
			snprintf(err, err_len, "%s line %u: record too long", path, lineno);
			goto out;
		}
		uint8_t sum = 0;
		for (size_t i = 0; i < count; i++) {
			int h = hex_file_nibble(line[1 + 2 * i]), l = hex_file_nibble(line[2 + 2 * i]);
			if (h < 0 || l < 0) {
				snprintf(err, err_len, "%s line %u: invalid hex digit", path, lineno);
				goto out;
			}
			rec[i] = (uint8_t)(h << 4 | l);
			sum += rec[i];
		}
		if (rec[0] + 5u != count) {
			snprintf(err, err_len, "%s line %u: record length %u does not match the line", path, lineno, rec[0]);
			goto out;
		}
		if (sum != 0) {
			snprintf(err, err_len, "%s line %u: checksum mismatch", path, lineno);
			goto out;
		}
		uint32_t off = (uint32_t)rec[1] << 8 | rec[2];
		switch (rec[3]) {
		case 0x00: {
			uint32_t a = base + off;
			if (rec[0] && (a >= mem_size || a + rec[0] > mem_size)) {
				snprintf(err, err_len, "%s line %u: data at 0x%X..0x%X is outside the %u-byte memory", path,
				         lineno, a, a + rec[0] - 1, mem_size);
				goto out;
			}
			memcpy(mem + a, rec + 4, rec[0]);
			if (rec[0]) {
				if (a < lo)
					lo = a;
				if (a + rec[0] > hi)
					hi = a + rec[0];
			}
			break;
		}
		case 0x01:
			seen_eof = 1;
			break;
		case 0x02:
			base = ((uint32_t)rec[4] << 8 | rec[5]) << 4;
			break;
		case 0x04:
			base = ((uint32_t)rec[4] << 8 | rec[5]) << 16;
			break;
		case 0x03:
		case 0x05:
			break;
		default:
			snprintf(err, err_len, "%s line %u: unknown record type %02X", path, lineno, rec[3]);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, err_len, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (!seen_eof) {
		snprintf(err, err_len, "%s: no end-of-file record (truncated Intel HEX file?)", path);
		goto out;
	}
	*min_addr = lo == UINT32_MAX ? 0 : lo;
	*end_addr = hi;
	rc = 0;
out:
	fclose(f);
	return rc;
}

static void hex_file_record(FILE *f, uint8_t type, uint16_t addr, const uint8_t *data, uint8_t len)
{
	uint8_t sum = (uint8_t)(len + (addr >> 8) + (addr & 0xFF) + type);
	fprintf(f, ":%02X%04X%02X", len, addr, type);
	for (uint8_t i = 0; i < len; i++) {
		fprintf(f, "%02X", data[i]);
		sum += data[i];
	}
	fprintf(f, "%02X\n", (uint8_t)(0x100 - sum));
}

int hex_file_save(const char *path, const uint8_t *mem, uint32_t size, char *err, size_t err_len)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		snprintf(err, err_len, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	uint32_t upper = 0;
	for (uint32_t a = 0; a < size; a += 16) {
		uint8_t len = (uint8_t)(size - a < 16 ? size - a : 16);
		int blank = 1;
		for (uint8_t i = 0; i < len; i++)
			if (mem[a + i] != 0xFF)
				blank = 0;
		if (blank)
			continue;
		if ((a >> 16) != upper) {
			upper = a >> 16;
			uint8_t ela[2] = { (uint8_t)(upper >> 8), (uint8_t)upper };
			hex_file_record(f, 0x04, 0, ela, 2);
		}
		hex_file_record(f, 0x00, (uint16_t)a, mem + a, len);
	}
	hex_file_record(f, 0x01, 0, NULL, 0);
	if (fclose(f) != 0) {
		snprintf(err, err_len, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
