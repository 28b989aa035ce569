/* ELF fixture for elf.test.ts: code, initialised .data (loaded from flash), a PROGMEM table, EEPROM data,
 * fuses and lock bits, so every AVR ELF address space parseElfImages sorts out is present. */
#include <avr/eeprom.h>
#include <avr/fuse.h>
#include <avr/io.h>
#include <avr/lock.h>
#include <avr/pgmspace.h>

FUSES = { .low = 0x5E, .high = 0x99, .extended = 0xF3 };
LOCKBITS = 0xEF;

uint8_t EEMEM fixture_eeprom[5] = { 0xE0, 0xE1, 0xE2, 0xE3, 0xE4 };
const uint8_t fixture_table[16] PROGMEM = { 0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87,
                                             0x98, 0xA9, 0xBA, 0xCB, 0xDC, 0xED, 0xFE, 0x0F };
volatile uint8_t fixture_data[8] = { 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7 };

int main(void)
{
    DDRB = 0xFF;
    for (;;) {
        uint8_t i = PINB & 7;
        PORTB = fixture_data[i] ^ pgm_read_byte(&fixture_table[i]) ^ eeprom_read_byte(&fixture_eeprom[i & 3]);
    }
}
