#include "attachcrypto.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <cstring>

namespace Portal::Crypto {

namespace {

constexpr size_t kScalarBytes = 32;

template<typename T, void (*Free)(T *)>
struct Deleter
{
    void operator()(T *object) const { Free(object); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using KdfPtr = std::unique_ptr<EVP_KDF, Deleter<EVP_KDF, EVP_KDF_free>>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, Deleter<EVP_KDF_CTX, EVP_KDF_CTX_free>>;
using MacPtr = std::unique_ptr<EVP_MAC, Deleter<EVP_MAC, EVP_MAC_free>>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, Deleter<EVP_MAC_CTX, EVP_MAC_CTX_free>>;
using SigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

Sha256Digest digestOf(const std::vector<ByteView> &parts)
{
    std::vector<uint8_t> joined;
    for (const ByteView &part : parts)
        joined.insert(joined.end(), part.begin(), part.end());
    return sha256(ByteView(joined));
}

PkeyPtr peerKeyOf(ByteView point)
{
    if (point.size() != kP256UncompressedPointBytes ||
        !Es256PublicKey::fromUncompressedPoint(point))
        return nullptr;
    PkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    if (!context || EVP_PKEY_fromdata_init(context.get()) != 1)
        return nullptr;
    char group[] = "prime256v1";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
                           OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
                                                             const_cast<uint8_t *>(point.data()),
                                                             point.size()),
                           OSSL_PARAM_construct_end()};
    EVP_PKEY *key = nullptr;
    if (EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        return nullptr;
    return PkeyPtr(key);
}

} // namespace

std::vector<ByteView> partsOf(const Protocol::SignedParts &parts)
{
    std::vector<ByteView> views;
    for (uint8_t i = 0; i < parts.count; ++i)
        views.emplace_back(parts.part[i].data, parts.part[i].size);
    return views;
}

Result<std::array<uint8_t, kEs256RawSignatureBytes>> signParts(const PrivateKey &key,
                                                               const std::vector<ByteView> &parts)
{
    EVP_PKEY *handle = Internal::opensslKey(key);
    if (!handle || !EVP_PKEY_is_a(handle, "EC"))
        return makeError("attach.bad_key", "the signing key is not a P-256 key");
    const Sha256Digest digest = digestOf(parts);
    PkeyCtxPtr context(EVP_PKEY_CTX_new(handle, nullptr));
    size_t derSize = 0;
    if (!context || EVP_PKEY_sign_init(context.get()) != 1 ||
        EVP_PKEY_sign(context.get(), nullptr, &derSize, digest.data(), digest.size()) != 1)
        return makeError("attach.sign_failed", "ECDSA signing failed");
    std::vector<uint8_t> der(derSize);
    if (EVP_PKEY_sign(context.get(), der.data(), &derSize, digest.data(), digest.size()) != 1)
        return makeError("attach.sign_failed", "ECDSA signing failed");
    const uint8_t *cursor = der.data();
    SigPtr signature(d2i_ECDSA_SIG(nullptr, &cursor, long(derSize)));
    if (!signature)
        return makeError("attach.sign_failed", "ECDSA signature unreadable");
    std::array<uint8_t, kEs256RawSignatureBytes> raw{};
    if (BN_bn2binpad(ECDSA_SIG_get0_r(signature.get()), raw.data(), kScalarBytes) != kScalarBytes ||
        BN_bn2binpad(ECDSA_SIG_get0_s(signature.get()), raw.data() + kScalarBytes, kScalarBytes) !=
            kScalarBytes)
        return makeError("attach.sign_failed", "ECDSA signature out of range");
    return raw;
}

Result<void> verifyParts(const Es256PublicKey &key, const std::vector<ByteView> &parts,
                         ByteView signature)
{
    return key.verifyDigestRaw(digestOf(parts), signature);
}

Result<SecretBytes> deriveLinkKey(const PrivateKey &ownKey, ByteView peerPoint, ByteView challenge)
{
    PkeyPtr peer = peerKeyOf(peerPoint);
    if (!peer)
        return makeError("attach.bad_peer_key", "the peer's key is not a point on P-256");
    PkeyCtxPtr context(EVP_PKEY_CTX_new(Internal::opensslKey(ownKey), nullptr));
    size_t secretSize = 0;
    if (!context || EVP_PKEY_derive_init(context.get()) != 1 ||
        EVP_PKEY_derive_set_peer(context.get(), peer.get()) != 1 ||
        EVP_PKEY_derive(context.get(), nullptr, &secretSize) != 1 || secretSize != 32)
        return makeError("attach.derive_failed", "ECDH failed");
    SecretBytes shared(secretSize);
    if (EVP_PKEY_derive(context.get(), shared.data(), &secretSize) != 1)
        return makeError("attach.derive_failed", "ECDH failed");

    KdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
    KdfCtxPtr kdfContext(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
    if (!kdfContext)
        return makeError("attach.derive_failed", "HKDF unavailable");
    char digest[] = "SHA256";
    const size_t infoSize = std::strlen(Protocol::kLinkKeyInfo);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, shared.data(), shared.size()),
        OSSL_PARAM_construct_octet_string(
            OSSL_KDF_PARAM_SALT, const_cast<uint8_t *>(challenge.data()), challenge.size()),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                          const_cast<char *>(Protocol::kLinkKeyInfo), infoSize),
        OSSL_PARAM_construct_end()};
    SecretBytes linkKey(Protocol::kLinkKeyBytes);
    if (EVP_KDF_derive(kdfContext.get(), linkKey.data(), linkKey.size(), params) != 1)
        return makeError("attach.derive_failed", "HKDF failed");
    return linkKey;
}

struct LinkMac::State
{
    SecretBytes key;
    MacPtr mac;
    MacCtxPtr context;
};

LinkMac::LinkMac(ByteView key) : m_state(std::make_unique<State>())
{
    m_state->key = SecretBytes(key);
    m_state->mac.reset(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (m_state->mac)
        m_state->context.reset(EVP_MAC_CTX_new(m_state->mac.get()));
}

LinkMac::~LinkMac() = default;

LinkMac::operator Protocol::LinkMac() const
{
    Protocol::LinkMac table;
    table.context = const_cast<LinkMac *>(this);
    table.begin = [](void *context) { static_cast<LinkMac *>(context)->begin(); };
    table.update = [](void *context, const uint8_t *data, size_t size) {
        static_cast<LinkMac *>(context)->update(data, size);
    };
    table.finish = [](void *context, uint8_t tag[32]) {
        static_cast<LinkMac *>(context)->finish(tag);
    };
    return table;
}

void LinkMac::begin()
{
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (m_state->context)
        EVP_MAC_init(m_state->context.get(), m_state->key.data(), m_state->key.size(), params);
}

void LinkMac::update(const uint8_t *data, size_t size)
{
    if (m_state->context)
        EVP_MAC_update(m_state->context.get(), data, size);
}

void LinkMac::finish(uint8_t tag[32])
{
    size_t size = 0;
    // A failed MAC yields a zero tag; openSealedFrame then refuses every frame, which is safe.
    std::memset(tag, 0, 32);
    if (m_state->context)
        EVP_MAC_final(m_state->context.get(), tag, &size, 32);
}

} // namespace Portal::Crypto
