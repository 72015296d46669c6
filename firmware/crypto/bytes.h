#pragma once

// Byte-order helpers and secret wiping shared by the firmware crypto sources.
// Freestanding C++14: only <stdint.h>, <stddef.h>, <string.h> (and avr-libc's
// <avr/pgmspace.h> on the AVR).

#include <stddef.h>
#include <stdint.h>

// Constant tables that only need reading go to flash on the AVR, where plain const data
// would be copied into the 8 KiB of SRAM at start-up.
#if defined(__AVR__)
#include <avr/pgmspace.h>
#define PORTAL_FLASH_TABLE PROGMEM
#define PORTAL_READ_FLASH_TABLE32(address) pgm_read_dword(address)
#else
#define PORTAL_FLASH_TABLE
#define PORTAL_READ_FLASH_TABLE32(address) (*(address))
#endif

namespace Portal {
namespace FirmwareCrypto {

inline uint32_t loadBigEndian32(const uint8_t bytes[4])
{
    return (uint32_t(bytes[0]) << 24) | (uint32_t(bytes[1]) << 16) | (uint32_t(bytes[2]) << 8) |
           uint32_t(bytes[3]);
}

inline void storeBigEndian32(uint8_t bytes[4], uint32_t value)
{
    bytes[0] = uint8_t(value >> 24);
    bytes[1] = uint8_t(value >> 16);
    bytes[2] = uint8_t(value >> 8);
    bytes[3] = uint8_t(value);
}

// Overwrites a secret with zeros through a volatile pointer so that the store cannot be
// removed as dead by the optimiser.
inline void wipeSecret(void *secret, size_t length)
{
    volatile uint8_t *bytes = static_cast<volatile uint8_t *>(secret);
    for (size_t i = 0; i < length; ++i)
        bytes[i] = 0;
}

// Constant-time equality of two byte strings of the same public length: 1 if equal, else 0.
inline uint8_t equalConstantTime(const uint8_t *a, const uint8_t *b, size_t length)
{
    uint8_t difference = 0;
    for (size_t i = 0; i < length; ++i)
        difference = uint8_t(difference | (a[i] ^ b[i]));
    return uint8_t(1 & ((uint16_t(difference) - 1) >> 8));
}

} // namespace FirmwareCrypto
} // namespace Portal
