#pragma once

// HMAC_DRBG with SHA-256 (NIST SP 800-90A Rev. 1, §10.1.2), no prediction resistance.
// Used for RFC 6979 nonces (entropy = private key, nonce = reduced hash) and for on-device
// key generation (device entropy mixed with host entropy).
//
// Limits: entropy input at least 32 bytes (256-bit security strength) at instantiate and
// reseed; at most MaxRequestBytes per generate(); a reseed is required after ReseedInterval
// generate() calls. The state is wiped by wipe() and on destruction.

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace FirmwareCrypto {

enum class DrbgStatus : uint8_t {
    Ok,
    EntropyTooShort,
    NotInstantiated,
    RequestTooLarge,
    ReseedRequired,
};

class HmacDrbg
{
public:
    enum : uint16_t { MinEntropyBytes = 32, MaxRequestBytes = 4096 };
    enum : uint32_t { ReseedInterval = 0x10000000 };

    HmacDrbg() = default;
    ~HmacDrbg() { wipe(); }
    HmacDrbg(const HmacDrbg &) = delete;
    HmacDrbg &operator=(const HmacDrbg &) = delete;

    DrbgStatus instantiate(const uint8_t *entropy, size_t entropyBytes, const uint8_t *nonce,
                           size_t nonceBytes, const uint8_t *personalization = nullptr,
                           size_t personalizationBytes = 0);
    DrbgStatus reseed(const uint8_t *entropy, size_t entropyBytes,
                      const uint8_t *additionalInput = nullptr, size_t additionalInputBytes = 0);
    DrbgStatus generate(uint8_t *output, size_t outputBytes,
                        const uint8_t *additionalInput = nullptr, size_t additionalInputBytes = 0);
    void wipe();

private:
    struct Part
    {
        const uint8_t *data;
        size_t lengthBytes;
    };
    // HMAC_DRBG_Update with provided_data = concatenation of the three parts.
    void updateState(Part first, Part second, Part third);

    uint8_t m_key[32] = {};
    uint8_t m_value[32] = {};
    uint32_t m_reseedCounter = 0;
    bool m_instantiated = false;
};

} // namespace FirmwareCrypto
} // namespace Portal
