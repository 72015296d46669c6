#pragma once
// ES256 (ECDSA over P-256 with SHA-256) signature verification for the ingest path.
// Library choice: OpenSSL, for verify throughput (≈ 15k verifies/s per core against 0.6–1.5k/s
// for crypto++); crypto++ is used only for Milenage's raw AES block.
//
// Contract:
// - Keys are imported from SEC1 uncompressed points (65 bytes, 0x04 ‖ x ‖ y). Compressed
//   points, the point at infinity, coordinates ≥ p and points off the curve are refused with
//   `es256.bad_key`.
// - Signatures are r ‖ s (64 bytes, big-endian, as COSE and JOSE carry them) or strict DER.
//   r or s equal to 0 or ≥ n fail. DER must be canonical (definite short-form lengths, minimal
//   positive INTEGERs, no trailing bytes): BER variants that some libraries accept are refused,
//   so one signature has exactly one accepted encoding.
// - Errors: `es256.bad_signature_encoding` (wrong size or non-canonical encoding),
//   `es256.bad_signature` (well formed but does not verify, including r/s out of range).
// - Verification is const and may run concurrently on one key from several threads.

#include "secure.h"

#include <portal-core/base/result.h>

#include <array>
#include <cstddef>
#include <cstdint>

struct evp_pkey_st;

namespace Portal::Crypto {

inline constexpr size_t kSha256Bytes = 32;
inline constexpr size_t kEs256RawSignatureBytes = 64;
inline constexpr size_t kP256UncompressedPointBytes = 65;

using Sha256Digest = std::array<uint8_t, kSha256Bytes>;

Sha256Digest sha256(ByteView data);

class Es256PublicKey
{
public:
    static Result<Es256PublicKey> fromUncompressedPoint(ByteView point);

    Es256PublicKey(Es256PublicKey &&other) noexcept;
    Es256PublicKey &operator=(Es256PublicKey &&other) noexcept;
    Es256PublicKey(const Es256PublicKey &) = delete;
    Es256PublicKey &operator=(const Es256PublicKey &) = delete;
    ~Es256PublicKey();

    // The key as imported: 0x04 ‖ x ‖ y.
    std::array<uint8_t, kP256UncompressedPointBytes> uncompressedPoint() const { return m_point; }

    // message is hashed with SHA-256; signature is r ‖ s (64 bytes).
    Result<void> verifyRaw(ByteView message, ByteView signature) const;
    // message is hashed with SHA-256; signature is strict DER (ECDSA-Sig-Value).
    Result<void> verifyDer(ByteView message, ByteView signature) const;
    // Same with the SHA-256 digest of the message already computed.
    Result<void> verifyDigestRaw(const Sha256Digest &digest, ByteView signature) const;
    Result<void> verifyDigestDer(const Sha256Digest &digest, ByteView signature) const;

private:
    Es256PublicKey(evp_pkey_st *key, const std::array<uint8_t, kP256UncompressedPointBytes> &point)
        : m_key(key), m_point(point)
    {
    }
    Result<void> verifyScalars(const Sha256Digest &digest, const uint8_t r[32],
                               const uint8_t s[32]) const;

    evp_pkey_st *m_key = nullptr;
    std::array<uint8_t, kP256UncompressedPointBytes> m_point{};
};

} // namespace Portal::Crypto
