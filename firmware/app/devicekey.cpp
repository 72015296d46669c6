#include "devicekey.h"

#include <firmware/crypto/bytes.h>
#include <firmware/crypto/hmacdrbg.h>
#include <firmware/crypto/p256.h>

#include <string.h>

namespace Portal {
namespace SensorNode {

namespace {
constexpr uint8_t kMaxKeyAttempts = 4;
}

bool deriveDeviceKey(const uint8_t deviceEntropy[kKeyEntropyBytes],
                     const uint8_t hostEntropy[kKeyEntropyBytes],
                     const uint8_t deviceId[Protocol::kDeviceIdBytes], uint8_t privateKey[32],
                     uint8_t publicKey[64])
{
    FirmwareCrypto::HmacDrbg drbg;
    if (drbg.instantiate(deviceEntropy, kKeyEntropyBytes, hostEntropy, kKeyEntropyBytes, deviceId,
                         Protocol::kDeviceIdBytes) != FirmwareCrypto::DrbgStatus::Ok) {
        memset(privateKey, 0, 32);
        memset(publicKey, 0, 64);
        return false;
    }
    for (uint8_t attempt = 0; attempt < kMaxKeyAttempts; ++attempt) {
        if (drbg.generate(privateKey, 32) != FirmwareCrypto::DrbgStatus::Ok)
            break;
        if (FirmwareCrypto::derivePublicKey(privateKey, publicKey))
            return true;
    }
    FirmwareCrypto::wipeSecret(privateKey, 32);
    memset(publicKey, 0, 64);
    return false;
}

} // namespace SensorNode
} // namespace Portal
