#include "es256.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace Portal::Crypto {

namespace {

constexpr size_t kScalarBytes = 32;
// A DER ECDSA-Sig-Value over P-256 is at most 2 + 2 × (2 + 33) bytes, so every length fits the
// short form; a long-form length is therefore always non-canonical.
constexpr size_t kMaxDerSignatureBytes = 72;

// Order n of the P-256 base point, big-endian.
constexpr uint8_t kP256Order[kScalarBytes] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};

struct PkeyCtxDeleter
{
    void operator()(EVP_PKEY_CTX *ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;

Error badKey(const char *why)
{
    ERR_clear_error();
    return makeError("es256.bad_key", why);
}

Error badSignature(const char *why)
{
    ERR_clear_error();
    return makeError("es256.bad_signature", why);
}

Error badEncoding(const char *why)
{
    return makeError("es256.bad_signature_encoding", why);
}

// Signature scalars are public, so a plain comparison is fine here.
bool isInSignatureRange(const uint8_t scalar[kScalarBytes])
{
    const bool isZero =
        std::all_of(scalar, scalar + kScalarBytes, [](uint8_t byte) { return byte == 0; });
    return !isZero && std::memcmp(scalar, kP256Order, kScalarBytes) < 0;
}

// Appends a minimal positive DER INTEGER for a 32-byte big-endian value.
void appendDerInteger(uint8_t *&out, const uint8_t scalar[kScalarBytes])
{
    size_t skip = 0;
    while (skip < kScalarBytes - 1 && scalar[skip] == 0) {
        ++skip;
    }
    const size_t valueBytes = kScalarBytes - skip;
    const bool needsPadding = (scalar[skip] & 0x80) != 0;
    *out++ = 0x02;
    *out++ = static_cast<uint8_t>(valueBytes + (needsPadding ? 1 : 0));
    if (needsPadding) {
        *out++ = 0x00;
    }
    std::memcpy(out, scalar + skip, valueBytes);
    out += valueBytes;
}

// Reads one canonical DER INTEGER into a right-aligned 32-byte value. Values wider than
// 32 bytes are reported as out of range rather than as bad encoding.
enum class IntegerParse { Ok, BadEncoding, OutOfRange };

IntegerParse parseDerInteger(const uint8_t *&in, const uint8_t *end, uint8_t out[kScalarBytes])
{
    if (end - in < 2 || in[0] != 0x02) {
        return IntegerParse::BadEncoding;
    }
    const size_t length = in[1];
    if (length == 0 || (length & 0x80) != 0 || static_cast<size_t>(end - in - 2) < length) {
        return IntegerParse::BadEncoding;
    }
    const uint8_t *value = in + 2;
    in = value + length;
    if ((value[0] & 0x80) != 0) {
        return IntegerParse::BadEncoding; // negative
    }
    if (length > 1 && value[0] == 0 && (value[1] & 0x80) == 0) {
        return IntegerParse::BadEncoding; // non-minimal leading zero
    }
    size_t valueBytes = length;
    if (value[0] == 0 && length > 1) {
        ++value;
        --valueBytes;
    }
    if (valueBytes > kScalarBytes) {
        return IntegerParse::OutOfRange;
    }
    std::memset(out, 0, kScalarBytes);
    std::memcpy(out + (kScalarBytes - valueBytes), value, valueBytes);
    return IntegerParse::Ok;
}

} // namespace

Sha256Digest sha256(ByteView data)
{
    Sha256Digest digest{};
    unsigned int digestBytes = 0;
    const int ok =
        EVP_Digest(data.data(), data.size(), digest.data(), &digestBytes, EVP_sha256(), nullptr);
    // Only fails on allocation failure inside OpenSSL; a zero digest then fails every verify.
    if (ok != 1 || digestBytes != kSha256Bytes) {
        digest.fill(0);
    }
    return digest;
}

Result<Es256PublicKey> Es256PublicKey::fromUncompressedPoint(ByteView point)
{
    if (point.size() != kP256UncompressedPointBytes) {
        return badKey("P-256 public key must be a 65-byte uncompressed point");
    }
    if (point.data()[0] != 0x04) {
        return badKey("P-256 public key must be uncompressed (0x04 prefix)");
    }
    std::array<uint8_t, kP256UncompressedPointBytes> pointCopy{};
    std::copy(point.begin(), point.end(), pointCopy.begin());

    char groupName[] = "prime256v1";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, groupName, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pointCopy.data(),
                                          pointCopy.size()),
        OSSL_PARAM_construct_end()};

    PkeyCtxPtr importCtx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY *key = nullptr;
    if (!importCtx || EVP_PKEY_fromdata_init(importCtx.get()) != 1 ||
        EVP_PKEY_fromdata(importCtx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        return badKey("point is not on P-256");
    }
    Es256PublicKey publicKey(key, pointCopy);

    // The import already decodes the point on the curve; the explicit check also covers
    // infinity and the subgroup, whatever the provider does on import.
    PkeyCtxPtr checkCtx(EVP_PKEY_CTX_new(key, nullptr));
    if (!checkCtx || EVP_PKEY_public_check(checkCtx.get()) != 1) {
        return badKey("point fails the P-256 public key check");
    }
    return Result<Es256PublicKey>(std::move(publicKey));
}

Es256PublicKey::Es256PublicKey(Es256PublicKey &&other) noexcept
    : m_key(other.m_key), m_point(other.m_point)
{
    other.m_key = nullptr;
}

Es256PublicKey &Es256PublicKey::operator=(Es256PublicKey &&other) noexcept
{
    if (this != &other) {
        EVP_PKEY_free(m_key);
        m_key = other.m_key;
        m_point = other.m_point;
        other.m_key = nullptr;
    }
    return *this;
}

Es256PublicKey::~Es256PublicKey()
{
    EVP_PKEY_free(m_key);
}

Result<void> Es256PublicKey::verifyRaw(ByteView message, ByteView signature) const
{
    return verifyDigestRaw(sha256(message), signature);
}

Result<void> Es256PublicKey::verifyDer(ByteView message, ByteView signature) const
{
    return verifyDigestDer(sha256(message), signature);
}

Result<void> Es256PublicKey::verifyDigestRaw(const Sha256Digest &digest, ByteView signature) const
{
    if (signature.size() != kEs256RawSignatureBytes) {
        return badEncoding("raw ES256 signature must be 64 bytes (r ‖ s)");
    }
    return verifyScalars(digest, signature.data(), signature.data() + kScalarBytes);
}

Result<void> Es256PublicKey::verifyDigestDer(const Sha256Digest &digest, ByteView signature) const
{
    const uint8_t *in = signature.data();
    const uint8_t *end = in + signature.size();
    if (signature.size() < 8 || signature.size() > kMaxDerSignatureBytes || in[0] != 0x30 ||
        in[1] != signature.size() - 2) {
        return badEncoding("DER signature is not one canonical SEQUENCE");
    }
    in += 2;
    uint8_t r[kScalarBytes];
    uint8_t s[kScalarBytes];
    for (uint8_t *scalar : {r, s}) {
        switch (parseDerInteger(in, end, scalar)) {
        case IntegerParse::Ok:
            break;
        case IntegerParse::BadEncoding:
            return badEncoding("DER signature INTEGER is not canonical");
        case IntegerParse::OutOfRange:
            return badSignature("signature scalar out of range");
        }
    }
    if (in != end) {
        return badEncoding("DER signature has trailing bytes");
    }
    return verifyScalars(digest, r, s);
}

Result<void> Es256PublicKey::verifyScalars(const Sha256Digest &digest, const uint8_t r[32],
                                           const uint8_t s[32]) const
{
    if (m_key == nullptr) {
        return badSignature("key was moved from");
    }
    if (!isInSignatureRange(r) || !isInSignatureRange(s)) {
        return badSignature("signature scalar out of range");
    }
    uint8_t der[kMaxDerSignatureBytes];
    uint8_t *out = der + 2;
    appendDerInteger(out, r);
    appendDerInteger(out, s);
    der[0] = 0x30;
    der[1] = static_cast<uint8_t>(out - der - 2);

    // A context per call keeps verification thread-safe on a shared key; the EVP_PKEY (with its
    // precomputed public point) is what is reused.
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new(m_key, nullptr));
    if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1) {
        return badSignature("cannot set up verification");
    }
    if (EVP_PKEY_verify(ctx.get(), der, static_cast<size_t>(out - der), digest.data(),
                        digest.size()) != 1) {
        return badSignature("signature does not verify");
    }
    return {};
}

} // namespace Portal::Crypto
