#pragma once
// On-device key generation (DESIGN §4.1, PROV_GENKEY): the P-256 private key comes from
// HMAC_DRBG-SHA-256 instantiated with entropy = the device's own 32 bytes, nonce = the host's
// 32 bytes and personalization = the device id, so neither the device's source alone nor the
// provisioning host alone determines the key. Only the public key leaves the device.

#include <portal-core/protocol/cose.h>

#include <stdint.h>

namespace Portal {
namespace SensorNode {

constexpr uint8_t kKeyEntropyBytes = 32;

// Draws candidates until one is a valid scalar (1 <= d < n; a miss has probability ≈ 2^-32, so
// a few attempts bound the loop). Writes the private key and its public key x ‖ y. Returns
// false (outputs zeroed) when no candidate was valid. Intermediate secrets are wiped.
bool deriveDeviceKey(const uint8_t deviceEntropy[kKeyEntropyBytes],
                     const uint8_t hostEntropy[kKeyEntropyBytes],
                     const uint8_t deviceId[Protocol::kDeviceIdBytes], uint8_t privateKey[32],
                     uint8_t publicKey[64]);

} // namespace SensorNode
} // namespace Portal
