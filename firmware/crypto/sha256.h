#pragma once

// SHA-256 (FIPS 180-4), incremental and one-shot. No heap; the state lives in the object.
// Messages up to 2^61 - 1 bytes. finish() writes the 32-byte digest and wipes the state;
// call init() again before reusing the object.

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace FirmwareCrypto {

class Sha256
{
public:
    enum : uint8_t { DigestBytes = 32, BlockBytes = 64 };

    Sha256() { init(); }
    ~Sha256() { wipe(); }

    void init();
    void update(const uint8_t *data, size_t lengthBytes);
    void finish(uint8_t digest[32]);
    void wipe();

    static void hash(const uint8_t *data, size_t lengthBytes, uint8_t digest[32]);

private:
    void compressBlock(const uint8_t block[64]);

    uint32_t m_state[8];
    uint64_t m_totalBytes;
    uint8_t m_buffer[64];
    uint8_t m_bufferedBytes;
};

} // namespace FirmwareCrypto
} // namespace Portal
