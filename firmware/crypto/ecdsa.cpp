#include "ecdsa.h"

#include "bytes.h"
#include "hmacdrbg.h"
#include "p256.h"
#include "p256field.h"

#include <string.h>

namespace Portal {
namespace FirmwareCrypto {

using namespace Internal;

namespace {

// For P-256 a candidate k >= n or a zero r or s occurs with probability about 2^-32 per
// try, so this bound is never reached in practice; it only keeps the loop finite.
const uint8_t maxNonceAttempts = 16;

// e = hash mod n (qlen = hlen = 256, so no truncation; hash < 2^256 < 2n).
void hashToScalar(Limbs &e, const uint8_t hash[32])
{
    Limbs value;
    loadBigEndian(value, hash);
    reduceOnce(e, value, groupOrder);
}

// Returns 1 when 1 <= value < n.
uint32_t isValidScalar(const Limbs &value)
{
    return lessThan(value, groupOrder.value) & (isZero(value) ^ 1);
}

// r = x(k·G) mod n, s = k^-1·(e + r·d) mod n. False if r or s is zero (caller retries).
bool signCore(const uint8_t privateKey[32], const Limbs &e, const uint8_t nonce[32],
              uint8_t signature[64])
{
    ProjectivePoint point;
    baseMultiply(point, nonce);
    Limbs x, y, r, blind;
    deriveBlind(blind, nonce, BlindAffineZ, fieldPrime);
    toAffine(x, y, point, blind);
    reduceOnce(r, x, groupOrder);

    Limbs k, d, kMont, dMont, rMont, eMont, s;
    loadBigEndian(k, nonce);
    loadBigEndian(d, privateKey);
    toMontgomery(kMont, k, groupOrder);
    toMontgomery(dMont, d, groupOrder);
    toMontgomery(rMont, r, groupOrder);
    toMontgomery(eMont, e, groupOrder);
    deriveBlind(blind, nonce, BlindScalarInverse, groupOrder);
    toMontgomery(blind, blind, groupOrder);
    scalarInverseBlinded(kMont, kMont, blind);
    montgomeryMultiply(s, rMont, dMont, groupOrder);
    modularAdd(s, s, eMont, groupOrder);
    montgomeryMultiply(s, s, kMont, groupOrder);
    fromMontgomery(s, s, groupOrder);

    const bool ok = !isZero(r) && !isZero(s);
    if (ok) {
        storeBigEndian(signature, r);
        storeBigEndian(signature + 32, s);
    }
    wipeSecret(&point, sizeof point);
    wipeSecret(&y, sizeof y);
    wipeSecret(&k, sizeof k);
    wipeSecret(&d, sizeof d);
    wipeSecret(&kMont, sizeof kMont);
    wipeSecret(&dMont, sizeof dMont);
    wipeSecret(&blind, sizeof blind);
    return ok;
}

// RFC 6979 §3.2 steps b–h are HMAC_DRBG instantiated with entropy = int2octets(x) and
// nonce = bits2octets(h1), each candidate being one generate() call (the retry update of
// step h.3 is generate()'s own final update).
bool instantiateNonceGenerator(HmacDrbg &generator, const uint8_t privateKey[32],
                               const uint8_t hash[32])
{
    Limbs e;
    hashToScalar(e, hash);
    uint8_t reducedHash[32];
    storeBigEndian(reducedHash, e);
    return generator.instantiate(privateKey, 32, reducedHash, sizeof reducedHash) == DrbgStatus::Ok;
}

bool nextNonceCandidate(HmacDrbg &generator, uint8_t nonce[32])
{
    if (generator.generate(nonce, 32) != DrbgStatus::Ok)
        return false;
    Limbs k;
    loadBigEndian(k, nonce);
    const uint32_t valid = isValidScalar(k);
    wipeSecret(&k, sizeof k);
    return valid == 1;
}

} // namespace

namespace Internal {

bool signWithNonce(const uint8_t privateKey[32], const uint8_t hash[32], const uint8_t nonce[32],
                   uint8_t signature[64])
{
    memset(signature, 0, EcdsaSignatureBytes);
    Limbs k;
    loadBigEndian(k, nonce);
    const bool nonceValid = isValidScalar(k) == 1;
    wipeSecret(&k, sizeof k);
    if (!validatePrivateKey(privateKey) || !nonceValid)
        return false;
    Limbs e;
    hashToScalar(e, hash);
    return signCore(privateKey, e, nonce, signature);
}

bool deterministicNonce(const uint8_t privateKey[32], const uint8_t hash[32], uint8_t nonce[32])
{
    HmacDrbg generator;
    if (!validatePrivateKey(privateKey) || !instantiateNonceGenerator(generator, privateKey, hash))
        return false;
    for (uint8_t attempt = 0; attempt < maxNonceAttempts; ++attempt) {
        if (nextNonceCandidate(generator, nonce))
            return true;
    }
    return false;
}

} // namespace Internal

bool sign(const uint8_t privateKey[32], const uint8_t hash[32], uint8_t signature[64])
{
    memset(signature, 0, EcdsaSignatureBytes);
    HmacDrbg generator;
    if (!validatePrivateKey(privateKey) || !instantiateNonceGenerator(generator, privateKey, hash))
        return false;
    Limbs e;
    hashToScalar(e, hash);
    uint8_t nonce[32];
    bool signatureMade = false;
    for (uint8_t attempt = 0; attempt < maxNonceAttempts && !signatureMade; ++attempt) {
        if (nextNonceCandidate(generator, nonce))
            signatureMade = signCore(privateKey, e, nonce, signature);
    }
    wipeSecret(nonce, sizeof nonce);
    return signatureMade;
}

bool verify(const uint8_t publicKey[64], const uint8_t hash[32], const uint8_t signature[64])
{
    Limbs r, s;
    loadBigEndian(r, signature);
    loadBigEndian(s, signature + 32);
    if (!isValidScalar(r) || !isValidScalar(s))
        return false;
    ProjectivePoint q;
    if (!loadPublicPoint(q, publicKey))
        return false;

    Limbs e, w, wMont, u1, u2;
    hashToScalar(e, hash);
    inverseVariableTime(w, s, groupOrder);
    toMontgomery(wMont, w, groupOrder);
    // The Montgomery product of a plain value and a Montgomery one is plain.
    montgomeryMultiply(u1, e, wMont, groupOrder);
    montgomeryMultiply(u2, r, wMont, groupOrder);

    ProjectivePoint sum;
    doubleScalarMultiplyPublic(sum, u1, u2, q);
    Limbs x, y, xReduced;
    if (!toAffinePublic(x, y, sum))
        return false;
    reduceOnce(xReduced, x, groupOrder);
    return memcmp(&xReduced, &r, sizeof r) == 0;
}

} // namespace FirmwareCrypto
} // namespace Portal
