#include "aka.h"

#include <openssl/crypto.h>

#include <cassert>
#include <cstddef>
#include <utility>

namespace Portal::Crypto {

namespace {

// TS 33.102 §6.3.3: MAC-S in AUTS is computed with a dummy AMF of all zeros, so that the
// network's AMF need not be known on resynchronisation.
constexpr Amf kResyncAmf = {0x00, 0x00};

Error sqnOutOfRange()
{
    return makeError("aka.sqn_out_of_range", "sequence number exceeds 48 bits");
}

Sqn xorSqn(const Sqn &sqn, const Ak &ak)
{
    Sqn out;
    for (size_t i = 0; i < out.size(); ++i)
        out[i] = sqn[i] ^ ak[i];
    return out;
}

bool macEqual(const uint8_t *a, const uint8_t *b, size_t size)
{
    return CRYPTO_memcmp(a, b, size) == 0;
}

} // namespace

Sqn sqnToBytes(uint64_t sqn)
{
    assert(sqn <= kSqnMax);
    Sqn bytes;
    for (size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<uint8_t>(sqn >> (8 * (bytes.size() - 1 - i)));
    return bytes;
}

uint64_t sqnFromBytes(const Sqn &sqn)
{
    uint64_t value = 0;
    for (uint8_t byte : sqn)
        value = (value << 8) | byte;
    return value;
}

AuthenticationVector::~AuthenticationVector()
{
    OPENSSL_cleanse(ck.data(), ck.size());
    OPENSSL_cleanse(ik.data(), ik.size());
}

UsimAuthentication::~UsimAuthentication()
{
    OPENSSL_cleanse(ck.data(), ck.size());
    OPENSSL_cleanse(ik.data(), ik.size());
}

Result<AuthenticationVector> buildAuthenticationVector(const Milenage &milenage, const Rand &rand,
                                                       uint64_t sqn, const Amf &amf)
{
    if (sqn > kSqnMax)
        return sqnOutOfRange();
    const Sqn sqnBytes = sqnToBytes(sqn);
    const MilenageMacs macs = milenage.f1(rand, sqnBytes, amf);
    const MilenageKeys keys = milenage.f2345(rand);

    AuthenticationVector vector;
    vector.rand = rand;
    vector.xres = keys.res;
    vector.ck = keys.ck;
    vector.ik = keys.ik;
    const Sqn concealedSqn = xorSqn(sqnBytes, keys.ak);
    size_t at = 0;
    for (uint8_t byte : concealedSqn)
        vector.autn[at++] = byte;
    for (uint8_t byte : amf)
        vector.autn[at++] = byte;
    for (uint8_t byte : macs.macA)
        vector.autn[at++] = byte;
    return vector;
}

Result<uint64_t> recoverSqnMsFromAuts(const Milenage &milenage, const Rand &rand, const Auts &auts)
{
    const MilenageKeys keys = milenage.f2345(rand);
    Sqn concealedSqnMs;
    for (size_t i = 0; i < concealedSqnMs.size(); ++i)
        concealedSqnMs[i] = auts[i];
    const Sqn sqnMs = xorSqn(concealedSqnMs, keys.akStar);
    const MilenageMacs macs = milenage.f1(rand, sqnMs, kResyncAmf);
    if (!macEqual(macs.macS.data(), auts.data() + sqnMs.size(), macs.macS.size()))
        return makeError("aka.auts_mac_failure", "AUTS does not authenticate (MAC-S mismatch)");
    return sqnFromBytes(sqnMs);
}

Result<Auts> buildAuts(const Milenage &milenage, const Rand &rand, uint64_t sqnMs)
{
    if (sqnMs > kSqnMax)
        return sqnOutOfRange();
    const Sqn sqnMsBytes = sqnToBytes(sqnMs);
    const MilenageKeys keys = milenage.f2345(rand);
    const MilenageMacs macs = milenage.f1(rand, sqnMsBytes, kResyncAmf);

    Auts auts;
    size_t at = 0;
    for (uint8_t byte : xorSqn(sqnMsBytes, keys.akStar))
        auts[at++] = byte;
    for (uint8_t byte : macs.macS)
        auts[at++] = byte;
    return auts;
}

AutnCheck checkAutn(const Milenage &milenage, const Rand &rand, const Autn &autn, uint64_t sqnMs,
                    uint64_t windowSize)
{
    if (sqnMs > kSqnMax)
        return {sqnOutOfRange(), std::nullopt};

    // AUTN = (SQN xor AK) ‖ AMF ‖ MAC-A
    Sqn concealedSqn;
    Amf amf;
    for (size_t i = 0; i < concealedSqn.size(); ++i)
        concealedSqn[i] = autn[i];
    amf[0] = autn[6];
    amf[1] = autn[7];
    const uint8_t *receivedMacA = autn.data() + 8;

    const MilenageKeys keys = milenage.f2345(rand);
    const Sqn sqnBytes = xorSqn(concealedSqn, keys.ak);
    const MilenageMacs macs = milenage.f1(rand, sqnBytes, amf);
    if (!macEqual(macs.macA.data(), receivedMacA, macs.macA.size()))
        return {makeError("aka.mac_failure", "AUTN does not authenticate (MAC-A mismatch)"),
                std::nullopt};

    // Only now is SQN known to come from the network; the unsigned difference cannot wrap
    // because sqn > sqnMs is checked first.
    const uint64_t sqn = sqnFromBytes(sqnBytes);
    if (sqn <= sqnMs || sqn - sqnMs > windowSize) {
        Result<Auts> auts = buildAuts(milenage, rand, sqnMs);
        return {makeError("aka.sync_failure", sqn <= sqnMs
                                                  ? "sequence number not fresh (replayed or old)"
                                                  : "sequence number too far ahead"),
                auts.value()};
    }

    UsimAuthentication authentication;
    authentication.res = keys.res;
    authentication.ck = keys.ck;
    authentication.ik = keys.ik;
    authentication.sqnMs = sqn;
    return {std::move(authentication), std::nullopt};
}

} // namespace Portal::Crypto
