#pragma once

// ECDSA over P-256 with a caller-supplied 32-byte message hash (SHA-256 for ES256).
// Signatures are 64 bytes r‖s big-endian (IEEE P1363 / COSE form, not DER).
// sign() derives k deterministically (RFC 6979, HMAC-SHA-256) and runs in constant time
// with respect to the private key and k. verify() handles only public data.

#include <stdint.h>

namespace Portal {
namespace FirmwareCrypto {

enum : uint8_t { EcdsaHashBytes = 32, EcdsaSignatureBytes = 64 };

// False (signature zeroed) when the private key is not in [1, n-1].
bool sign(const uint8_t privateKey[32], const uint8_t hash[32], uint8_t signature[64]);

// True only for a valid public key and 1 <= r, s < n with x(u1·G + u2·Q) mod n == r.
bool verify(const uint8_t publicKey[64], const uint8_t hash[32], const uint8_t signature[64]);

namespace Internal {
// Test hook: signs with the given nonce (1 <= k < n). Never use outside tests; a repeated
// or biased k reveals the private key.
bool signWithNonce(const uint8_t privateKey[32], const uint8_t hash[32], const uint8_t nonce[32],
                   uint8_t signature[64]);
// The RFC 6979 §3.2 nonce for (privateKey, hash), as sign() uses it.
bool deterministicNonce(const uint8_t privateKey[32], const uint8_t hash[32], uint8_t nonce[32]);
} // namespace Internal

} // namespace FirmwareCrypto
} // namespace Portal
