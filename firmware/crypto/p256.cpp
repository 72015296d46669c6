#include "p256.h"

#include "bytes.h"
#include "p256field.h"

#include <string.h>

namespace Portal {
namespace FirmwareCrypto {

using namespace Internal;

bool validatePrivateKey(const uint8_t privateKey[32])
{
    Limbs scalar;
    loadBigEndian(scalar, privateKey);
    const uint32_t valid = lessThan(scalar, groupOrder.value) & (isZero(scalar) ^ 1);
    wipeSecret(&scalar, sizeof scalar);
    return valid == 1;
}

bool derivePublicKey(const uint8_t privateKey[32], uint8_t publicKey[64])
{
    memset(publicKey, 0, P256PublicKeyBytes);
    if (!validatePrivateKey(privateKey))
        return false;
    ProjectivePoint point;
    baseMultiply(point, privateKey);
    Limbs x, y, blind;
    deriveBlind(blind, privateKey, BlindAffineZ, fieldPrime);
    const bool finite = toAffine(x, y, point, blind);
    if (finite) {
        storeBigEndian(publicKey, x);
        storeBigEndian(publicKey + 32, y);
    }
    wipeSecret(&point, sizeof point);
    wipeSecret(&blind, sizeof blind);
    return finite;
}

bool sharedSecret(const uint8_t privateKey[32], const uint8_t peerPublicKey[64],
                  uint8_t sharedX[32])
{
    memset(sharedX, 0, 32);
    ProjectivePoint peer;
    if (!validatePrivateKey(privateKey) || !loadPublicPoint(peer, peerPublicKey))
        return false;
    ProjectivePoint point;
    scalarMultiply(point, privateKey, peer);
    Limbs x, y, blind;
    deriveBlind(blind, privateKey, BlindAffineZ, fieldPrime);
    const bool finite = toAffine(x, y, point, blind);
    if (finite)
        storeBigEndian(sharedX, x);
    wipeSecret(&point, sizeof point);
    wipeSecret(&x, sizeof x);
    wipeSecret(&y, sizeof y);
    wipeSecret(&blind, sizeof blind);
    return finite;
}

bool validatePublicKey(const uint8_t publicKey[64])
{
    ProjectivePoint point;
    return loadPublicPoint(point, publicKey);
}

} // namespace FirmwareCrypto
} // namespace Portal
