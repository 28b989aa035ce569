/* hex_file: strict Intel HEX reading (with line numbers in errors) into a memory array, and writing one back. */
#ifndef HEX_FILE_H
#define HEX_FILE_H
#include <stddef.h>
#include <stdint.h>

/*
 * Reads `path` into mem[0..mem_size) (the caller pre-fills it, normally with 0xFF). On success returns 0 and sets
 * *min_addr / *end_addr (end exclusive; both 0 for an image without data). On failure returns -1 and writes one
 * line (no newline) into err: the file, the line number and what is wrong.
 */
int hex_file_load(const char *path, uint8_t *mem, uint32_t mem_size, uint32_t *min_addr, uint32_t *end_addr,
                  char *err, size_t err_len);

/* Writes mem[0..size) as 16-byte data records, skipping records that are all 0xFF, then an EOF record.
 * Extended linear address records are written above 64 KB. Returns 0, or -1 with err filled. */
int hex_file_save(const char *path, const uint8_t *mem, uint32_t size, char *err, size_t err_len);

#endif
