/* ELF fixture for elf.test.ts: an AT90USB1286 image larger than 64 KiB, so avr-objcopy has to write
 * extended address records and parseElf has to place bytes above 0xFFFF. */
#include <avr/io.h>
#include <avr/pgmspace.h>

#define FIXTURE_CHUNK 30000

const uint8_t fixture_chunk_a[FIXTURE_CHUNK] PROGMEM = { [0 ... FIXTURE_CHUNK - 1] = 0xA5, [7] = 0x01 };
const uint8_t fixture_chunk_b[FIXTURE_CHUNK] PROGMEM = { [0 ... FIXTURE_CHUNK - 1] = 0x5A, [9] = 0x02 };
const uint8_t fixture_chunk_c[FIXTURE_CHUNK] PROGMEM = { [0 ... FIXTURE_CHUNK - 1] = 0xC3, [11] = 0x03 };

int main(void)
{
    for (;;) {
        uint16_t i = PINB;
        PORTB = pgm_read_byte(&fixture_chunk_a[i]) ^ pgm_read_byte(&fixture_chunk_b[i]) ^
                pgm_read_byte(&fixture_chunk_c[i]);
    }
}
