#pragma once
// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR.
// Check value: crc16CcittFalse("123456789") == 0x29B1. Frames carry it big-endian.

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace Protocol {

constexpr uint16_t kCrc16Initial = 0xFFFF;

// Continues a CRC over `size` more bytes; start with kCrc16Initial. Splitting the input into
// any chunks gives the same result as one call over all of it.
uint16_t crc16CcittFalseUpdate(uint16_t crc, const uint8_t *data, size_t size);

// One-shot CRC of `size` bytes.
uint16_t crc16CcittFalse(const uint8_t *data, size_t size);

} // namespace Protocol
} // namespace Portal
