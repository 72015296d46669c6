#include "hmacsha256.h"

#include "bytes.h"

#include <string.h>

namespace Portal {
namespace FirmwareCrypto {

void HmacSha256::init(const uint8_t *key, size_t keyLengthBytes)
{
    uint8_t pad[Sha256::BlockBytes];
    memset(pad, 0, sizeof pad);
    if (keyLengthBytes > Sha256::BlockBytes)
        Sha256::hash(key, keyLengthBytes, pad);
    else if (keyLengthBytes > 0)
        memcpy(pad, key, keyLengthBytes);

    for (uint8_t i = 0; i < sizeof pad; ++i)
        pad[i] ^= 0x36;
    m_inner.init();
    m_inner.update(pad, sizeof pad);

    // 0x36 ^ 0x5c turns the inner pad into the outer pad without a second copy of the key.
    for (uint8_t i = 0; i < sizeof pad; ++i)
        pad[i] ^= 0x36 ^ 0x5c;
    m_outer.init();
    m_outer.update(pad, sizeof pad);
    wipeSecret(pad, sizeof pad);
}

void HmacSha256::update(const uint8_t *data, size_t lengthBytes)
{
    m_inner.update(data, lengthBytes);
}

void HmacSha256::finish(uint8_t tag[32])
{
    uint8_t innerDigest[Sha256::DigestBytes];
    m_inner.finish(innerDigest);
    m_outer.update(innerDigest, sizeof innerDigest);
    m_outer.finish(tag);
    wipeSecret(innerDigest, sizeof innerDigest);
}

void HmacSha256::wipe()
{
    m_inner.wipe();
    m_outer.wipe();
}

void HmacSha256::mac(const uint8_t *key, size_t keyLengthBytes, const uint8_t *data,
                     size_t lengthBytes, uint8_t tag[32])
{
    HmacSha256 hmac(key, keyLengthBytes);
    hmac.update(data, lengthBytes);
    hmac.finish(tag);
}

void hkdfSha256(const uint8_t *salt, size_t saltBytes, const uint8_t *ikm, size_t ikmBytes,
                const uint8_t *info, size_t infoBytes, uint8_t okm[32])
{
    uint8_t prk[HmacSha256::TagBytes];
    HmacSha256::mac(salt, saltBytes, ikm, ikmBytes, prk);
    HmacSha256 expand(prk, sizeof prk);
    expand.update(info, infoBytes);
    const uint8_t blockIndex = 1;
    expand.update(&blockIndex, 1);
    expand.finish(okm);
    wipeSecret(prk, sizeof prk);
}

} // namespace FirmwareCrypto
} // namespace Portal
