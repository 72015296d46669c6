#pragma once

// HMAC-SHA-256 (RFC 2104), incremental and one-shot. Keys of any length (longer than 64
// bytes are hashed first, as the RFC says). finish() writes the full 32-byte tag and wipes
// the keyed state; callers that need a truncated tag compare a prefix in constant time.

#include "sha256.h"

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace FirmwareCrypto {

class HmacSha256
{
public:
    enum : uint8_t { TagBytes = 32 };

    HmacSha256() = default;
    HmacSha256(const uint8_t *key, size_t keyLengthBytes) { init(key, keyLengthBytes); }

    void init(const uint8_t *key, size_t keyLengthBytes);
    void update(const uint8_t *data, size_t lengthBytes);
    void finish(uint8_t tag[32]);
    void wipe();

    static void mac(const uint8_t *key, size_t keyLengthBytes, const uint8_t *data,
                    size_t lengthBytes, uint8_t tag[32]);

private:
    // Both hash states are keyed at init() so the key itself need not be kept.
    Sha256 m_inner;
    Sha256 m_outer;
};

// HKDF-SHA-256 (RFC 5869) with one block of output: okm = T(1) = HMAC(PRK, info ‖ 0x01),
// PRK = HMAC(salt, ikm). Intermediate secrets are wiped.
void hkdfSha256(const uint8_t *salt, size_t saltBytes, const uint8_t *ikm, size_t ikmBytes,
                const uint8_t *info, size_t infoBytes, uint8_t okm[32]);

} // namespace FirmwareCrypto
} // namespace Portal
