#include "crc16.h"

namespace Portal {
namespace Protocol {

// Bitwise rather than table-driven: 512 bytes of table cost more on the ATmega2560 than the
// cycles saved on frames of at most 206 bytes.
uint16_t crc16CcittFalseUpdate(uint16_t crc, const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < size; ++i) {
        crc = static_cast<uint16_t>(crc ^ (static_cast<uint16_t>(data[i]) << 8));
        for (uint8_t bit = 0; bit < 8; ++bit) {
            if (crc & 0x8000u)
                crc = static_cast<uint16_t>((crc << 1) ^ 0x1021u);
            else
                crc = static_cast<uint16_t>(crc << 1);
        }
    }
    return crc;
}

uint16_t crc16CcittFalse(const uint8_t *data, size_t size)
{
    return crc16CcittFalseUpdate(kCrc16Initial, data, size);
}

} // namespace Protocol
} // namespace Portal
