#pragma once

// NIST P-256 (secp256r1) keys. Private keys are 32-byte big-endian integers d with
// 1 <= d < n; public keys are 64 bytes, x‖y big-endian affine coordinates (the SEC 1
// uncompressed form without its 0x04 prefix). Secret-dependent work runs in constant time.

#include <stdint.h>

namespace Portal {
namespace FirmwareCrypto {

enum : uint8_t { P256PrivateKeyBytes = 32, P256PublicKeyBytes = 64 };

// True when 1 <= d < n (constant time).
bool validatePrivateKey(const uint8_t privateKey[32]);

// publicKey = d·G. False (publicKey zeroed) when the private key is invalid.
bool derivePublicKey(const uint8_t privateKey[32], uint8_t publicKey[64]);

// True when both coordinates are < p and the point satisfies the curve equation (so it is
// not the identity, which has no affine encoding). P-256 has cofactor 1, so such a point
// lies in the group of order n.
bool validatePublicKey(const uint8_t publicKey[64]);

// ECDH: sharedX = x(d·Q), 32 bytes big-endian. False (sharedX zeroed) when the private key is
// invalid or the peer key fails validatePublicKey(). Constant time in d (the ladder).
bool sharedSecret(const uint8_t privateKey[32], const uint8_t peerPublicKey[64],
                  uint8_t sharedX[32]);

} // namespace FirmwareCrypto
} // namespace Portal
