#pragma once
// P-256 keys, X.509 certificates and PKCS#10 requests for the project's PKI (DESIGN §7.1):
// the lab PKI, the NAF issuing gateway client certificates from their CSRs, and instance
// server certificates. OpenSSL 3 EVP/X509 underneath; every handle is owned by RAII.
//
// Contract:
// - Private keys, CSR keys and subject keys are ECDSA P-256 only; any other is refused. A
//   Certificate may carry another key (a foreign CA), but then its publicKey() fails.
// - PEM inputs are bounded before parsing: keys and certificates 64 KiB, CSRs 16 KiB. One
//   object per PEM; text after it other than whitespace is refused.
// - A common name is 1..64 bytes of [A-Za-z0-9 ._@:-], not starting or ending with a space
//   (no control, non-ASCII or DN-syntax characters such as `/ , = + \ "`), so it prints and
//   compares safely in logs, file names and one-line DNs.
// - Issued certificates carry only what the issuer decides: subject = CN only; a CSR's other
//   name attributes and requested extensions are ignored, never copied.
// - Errors: `x509.bad_key`, `x509.bad_certificate`, `x509.bad_csr` (malformed, oversized,
//   not P-256, bad CN), `x509.bad_csr_signature`, `x509.bad_name` (CN, DNS name or IP address
//   refused), `x509.bad_request` (inconsistent issue request), `x509.issuer_expired`,
//   `x509.expired` (chain invalid at the checked time), `x509.verify_failed` (any other chain
//   failure), `x509.internal` (OpenSSL failed where input was fine). Messages never echo input.

#include "es256.h"
#include "secure.h"

#include <portal-core/base/result.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct evp_pkey_st;
struct x509_st;

namespace Portal::Crypto {

inline constexpr size_t kMaxKeyOrCertificatePemBytes = 64 * 1024;
inline constexpr size_t kMaxCsrPemBytes = 16 * 1024;
inline constexpr size_t kMaxCommonNameBytes = 64;
// A SAN URI: 1..200 bytes of [A-Za-z0-9:._@-] (the typed names of identity.h).
inline constexpr size_t kMaxUriBytes = 200;
// Longer validities are refused as likely unit mistakes (milliseconds for seconds).
inline constexpr int64_t kMaxValiditySeconds = int64_t(50) * 366 * 24 * 3600;

class PrivateKey;

namespace Internal {
struct PkeyDeleter
{
    void operator()(evp_pkey_st *key) const;
};
struct X509Deleter
{
    void operator()(x509_st *certificate) const;
};
using PkeyPtr = std::unique_ptr<evp_pkey_st, PkeyDeleter>;
using X509Ptr = std::unique_ptr<x509_st, X509Deleter>;
// Wraps and unwraps the OpenSSL handles; defined in x509.cpp only.
struct X509Access;
// The OpenSSL key of a PrivateKey, for the other OpenSSL users of this library
// (attachcrypto.cpp); never null, owned by the PrivateKey.
evp_pkey_st *opensslKey(const PrivateKey &key);
} // namespace Internal

// A P-256 public key (no private part). Copies share the immutable OpenSSL object.
class PublicKey
{
public:
    PublicKey(const PublicKey &other);
    PublicKey &operator=(const PublicKey &other);
    PublicKey(PublicKey &&) noexcept = default;
    PublicKey &operator=(PublicKey &&) noexcept = default;
    ~PublicKey() = default;

    // 0x04 ‖ x ‖ y, as Es256PublicKey::fromUncompressedPoint takes it.
    std::array<uint8_t, kP256UncompressedPointBytes> uncompressedPoint() const;
    bool operator==(const PublicKey &other) const;
    bool operator!=(const PublicKey &other) const { return !(*this == other); }

private:
    friend struct Internal::X509Access;
    explicit PublicKey(Internal::PkeyPtr key) : m_key(std::move(key)) {}
    Internal::PkeyPtr m_key;
};

// A P-256 private key. Move-only; OpenSSL clears the scalar when the key is freed.
class PrivateKey
{
public:
    static Result<PrivateKey> generateP256();
    // PKCS#8 or SEC1 ("EC PRIVATE KEY") PEM, encrypted when a passphrase is given; an
    // encrypted PEM without a passphrase fails (`x509.bad_key`) instead of prompting.
    static Result<PrivateKey> fromPem(std::string_view pem,
                                      std::optional<std::string_view> passphrase = {});

    PrivateKey(PrivateKey &&) noexcept = default;
    PrivateKey &operator=(PrivateKey &&) noexcept = default;
    PrivateKey(const PrivateKey &) = delete;
    PrivateKey &operator=(const PrivateKey &) = delete;
    ~PrivateKey() = default;

    // Unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"); the caller stores it in a 0600 file.
    SecretBytes toPem() const;
    PublicKey publicKey() const;
    std::array<uint8_t, kP256UncompressedPointBytes> publicKeyUncompressedPoint() const;

private:
    friend struct Internal::X509Access;
    explicit PrivateKey(Internal::PkeyPtr key) : m_key(std::move(key)) {}
    Internal::PkeyPtr m_key;
};

// An X.509 certificate. Copies share the immutable OpenSSL object.
class Certificate
{
public:
    static Result<Certificate> fromPem(std::string_view pem);

    Certificate(const Certificate &other);
    Certificate &operator=(const Certificate &other);
    Certificate(Certificate &&) noexcept = default;
    Certificate &operator=(Certificate &&) noexcept = default;
    ~Certificate() = default;

    std::string toPem() const;
    // Empty when the subject has no CN or it is not valid UTF-8.
    std::string subjectCommonName() const;
    std::string issuerCommonName() const;
    int64_t notBeforeUnixSeconds() const;
    int64_t notAfterUnixSeconds() const;
    // Lowercase hex of the serial's magnitude, no leading zero bytes.
    std::string serialHex() const;
    // Lowercase hex SHA-256 over the DER encoding (what `openssl x509 -fingerprint` hashes).
    std::string fingerprintSha256() const;
    // The SAN's URIs that are safe to print (kMaxUriBytes of [A-Za-z0-9:._@-]); others skipped.
    std::vector<std::string> subjectAltUris() const;
    // certificatePolicies names oid (dotted decimal).
    bool hasPolicy(std::string_view oid) const;
    // basicConstraints cA is TRUE.
    bool isCa() const;
    Result<PublicKey> publicKey() const;

private:
    friend struct Internal::X509Access;
    explicit Certificate(Internal::X509Ptr certificate) : m_certificate(std::move(certificate)) {}
    Internal::X509Ptr m_certificate;
};

// A parsed, signature-checked certificate signing request: only what issuance uses.
struct Csr
{
    std::string commonName;
    PublicKey publicKey;
};

// PKCS#10 PEM with subject CN=commonName, signed with key (ECDSA SHA-256).
Result<std::string> createCsr(const PrivateKey &key, std::string_view commonName);
// Bounded (kMaxCsrPemBytes); checks the self-signature; requires exactly one valid CN.
Result<Csr> parseCsr(std::string_view pem);

enum class CertificateProfile {
    // basicConstraints critical CA:TRUE pathlen:0, keyUsage critical keyCertSign cRLSign.
    CertificateAuthority,
    // CA:FALSE, keyUsage critical digitalSignature, EKU serverAuth; needs at least one SAN.
    TlsServer,
    // CA:FALSE, keyUsage critical digitalSignature, EKU clientAuth.
    TlsClient,
};

// The pointed-to objects must outlive the call; a null pointer is `x509.bad_request`.
struct IssueRequest
{
    const Certificate *issuerCertificate = nullptr; // must be a CA matching issuerKey
    const PrivateKey *issuerKey = nullptr;
    const PublicKey *subjectPublicKey = nullptr; // from parseCsr() or PrivateKey::publicKey()
    std::string commonName;
    std::vector<std::string> dnsNames;    // LDH host names, at most 32 SAN entries in all
    std::vector<std::string> ipAddresses; // IPv4 or IPv6 text
    std::vector<std::string> uris;        // SAN URIs (identity.h), at most 32 SAN entries in all
    std::vector<std::string> policyOids;  // certificatePolicies, dotted decimal, at most 8
    CertificateProfile profile = CertificateProfile::TlsServer;
    // notBefore = now − 60 s (clock skew); notAfter = now + validitySeconds, clamped to the
    // issuer's notAfter. 1..kMaxValiditySeconds.
    int64_t validitySeconds = 0;
};

// Random positive 128-bit serial, SHA-256 signature, SKI/AKI, SAN when names are given.
Result<Certificate> issueCertificate(const IssueRequest &request);
// Self-signed CertificateAuthority profile certificate for key.
Result<Certificate> createSelfSignedCa(const PrivateKey &key, std::string_view commonName,
                                       int64_t validitySeconds);

enum class ChainPurpose { TlsServer, TlsClient };

// leaf must chain directly to trustedCa and be valid for purpose (strict X.509 checks) at
// atUnixSeconds (default: now). For tests and for the NAF to double-check what it issues.
Result<void> verifyChain(const Certificate &leaf, const Certificate &trustedCa,
                         ChainPurpose purpose, std::optional<int64_t> atUnixSeconds = {});

} // namespace Portal::Crypto
