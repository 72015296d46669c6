#include "x509.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <ctime>

namespace Portal::Crypto {

namespace Internal {

void PkeyDeleter::operator()(evp_pkey_st *key) const
{
    EVP_PKEY_free(key);
}

void X509Deleter::operator()(x509_st *certificate) const
{
    X509_free(certificate);
}

struct X509Access
{
    static EVP_PKEY *handle(const PublicKey &key) { return key.m_key.get(); }
    static EVP_PKEY *handle(const PrivateKey &key) { return key.m_key.get(); }
    static X509 *handle(const Certificate &certificate) { return certificate.m_certificate.get(); }
    static PublicKey makePublicKey(PkeyPtr key) { return PublicKey(std::move(key)); }
    static PrivateKey makePrivateKey(PkeyPtr key) { return PrivateKey(std::move(key)); }
    static Certificate makeCertificate(X509Ptr certificate)
    {
        return Certificate(std::move(certificate));
    }
};

EVP_PKEY *opensslKey(const PrivateKey &key)
{
    return X509Access::handle(key);
}

} // namespace Internal

using Internal::PkeyPtr;
using Internal::X509Access;
using Internal::X509Ptr;

namespace {

template<typename T, void (*Free)(T *)>
struct Deleter
{
    void operator()(T *object) const { Free(object); }
};
template<typename T, void (*Free)(T *)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using BioPtr = Owned<BIO, BIO_free_all>;
using BignumPtr = Owned<BIGNUM, BN_free>;
using Asn1IntegerPtr = Owned<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1TimePtr = Owned<ASN1_TIME, ASN1_TIME_free>;
using Asn1OctetStringPtr = Owned<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using X509ReqPtr = Owned<X509_REQ, X509_REQ_free>;
using X509NamePtr = Owned<X509_NAME, X509_NAME_free>;
using X509ExtensionPtr = Owned<X509_EXTENSION, X509_EXTENSION_free>;
using X509StorePtr = Owned<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = Owned<X509_STORE_CTX, X509_STORE_CTX_free>;
using GeneralNamePtr = Owned<GENERAL_NAME, GENERAL_NAME_free>;
using GeneralNamesPtr = Owned<GENERAL_NAMES, GENERAL_NAMES_free>;

constexpr int64_t kClockSkewSeconds = 60;
constexpr size_t kSerialBytes = 16;
constexpr size_t kMaxSubjectAltNames = 32;
constexpr size_t kMaxDnsNameBytes = 253;
constexpr size_t kMaxDnsLabelBytes = 63;
constexpr size_t kP256CoordinateBytes = 32;

Error fail(const char *code, std::string message)
{
    // The queue may hold text derived from the input; drop it rather than report it.
    ERR_clear_error();
    return makeError(code, std::move(message));
}

Error internalError(const char *what)
{
    return fail("x509.internal", std::string("OpenSSL failed: ") + what);
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// A read-only memory BIO over the caller's text: no copy of (possibly secret) input is made.
BioPtr memoryBio(std::string_view text)
{
    return BioPtr(BIO_new_mem_buf(text.data(), int(text.size())));
}

bool onlyBlankLeft(BIO *bio)
{
    char buffer[256];
    for (;;) {
        const int read = BIO_read(bio, buffer, int(sizeof buffer));
        if (read <= 0) {
            return true;
        }
        if (!std::all_of(buffer, buffer + read, isBlank)) {
            return false;
        }
    }
}

std::string bioToString(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return size > 0 ? std::string(data, size_t(size)) : std::string();
}

bool isP256(EVP_PKEY *key)
{
    if (key == nullptr || !EVP_PKEY_is_a(key, "EC")) {
        return false;
    }
    char group[64] = {};
    size_t groupLength = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &groupLength) != 1) {
        return false;
    }
    return OBJ_txt2nid(group) == NID_X9_62_prime256v1;
}

// A copy holding only the public part (DER SubjectPublicKeyInfo round trip), so a PublicKey
// never carries a private scalar around.
PkeyPtr publicOnlyCopy(EVP_PKEY *key)
{
    unsigned char *der = nullptr;
    const int derLength = i2d_PUBKEY(key, &der);
    if (derLength <= 0) {
        return nullptr;
    }
    const unsigned char *cursor = der;
    PkeyPtr copy(d2i_PUBKEY(nullptr, &cursor, derLength));
    OPENSSL_free(der);
    return copy;
}

std::array<uint8_t, kP256UncompressedPointBytes> uncompressedPointOf(EVP_PKEY *key)
{
    // Read the affine coordinates rather than the encoded point: a key loaded from a PEM may
    // carry the compressed conversion form.
    std::array<uint8_t, kP256UncompressedPointBytes> point{};
    BIGNUM *x = nullptr;
    BIGNUM *y = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1) {
        point[0] = 0x04;
        BN_bn2binpad(x, point.data() + 1, int(kP256CoordinateBytes));
        BN_bn2binpad(y, point.data() + 1 + kP256CoordinateBytes, int(kP256CoordinateBytes));
    }
    BN_free(x);
    BN_free(y);
    return point;
}

int64_t unixSecondsOf(const ASN1_TIME *time)
{
    Asn1TimePtr epoch(ASN1_TIME_set(nullptr, 0));
    int days = 0;
    int seconds = 0;
    if (!epoch || ASN1_TIME_diff(&days, &seconds, epoch.get(), time) != 1) {
        return 0;
    }
    return int64_t(days) * 86400 + seconds;
}

std::string toLowerHex(const unsigned char *bytes, size_t size)
{
    return toHex(ByteView(bytes, size));
}

std::string nameEntry(const X509_NAME *name, int nid)
{
    if (name == nullptr || X509_NAME_entry_count(name) == 0) {
        return {};
    }
    const int index = X509_NAME_get_index_by_NID(name, nid, -1);
    if (index < 0) {
        return {};
    }
    const ASN1_STRING *data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char *utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, data);
    if (length < 0) {
        ERR_clear_error();
        return {};
    }
    std::string text(reinterpret_cast<const char *>(utf8), size_t(length));
    OPENSSL_free(utf8);
    return text;
}

bool isSafeCommonName(std::string_view name)
{
    if (name.empty() || name.size() > kMaxCommonNameBytes || name.front() == ' ' ||
        name.back() == ' ') {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == ' ' || c == '.' || c == '_' || c == '@' || c == ':' || c == '-';
    });
}

// RFC 1123 host name: dot-separated LDH labels of 1..63, no hyphen at either end of a label.
bool isDnsName(std::string_view name)
{
    if (name.empty() || name.size() > kMaxDnsNameBytes) {
        return false;
    }
    size_t labelStart = 0;
    for (size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '.') {
            const size_t labelLength = i - labelStart;
            if (labelLength == 0 || labelLength > kMaxDnsLabelBytes || name[labelStart] == '-' ||
                name[i - 1] == '-') {
                return false;
            }
            labelStart = i + 1;
            continue;
        }
        const char c = name[i];
        const bool ldh =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        if (!ldh) {
            return false;
        }
    }
    return true;
}

Result<X509NamePtr> commonNameOnly(std::string_view commonName)
{
    if (!isSafeCommonName(commonName)) {
        return fail("x509.bad_name", "common name is empty, too long or has unsafe characters");
    }
    X509NamePtr name(X509_NAME_new());
    if (!name ||
        X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(commonName.data()),
                                   int(commonName.size()), -1, 0) != 1) {
        return internalError("building the subject name");
    }
    return name;
}

Result<Asn1IntegerPtr> randomSerial()
{
    unsigned char bytes[kSerialBytes];
    if (RAND_bytes(bytes, int(sizeof bytes)) != 1) {
        return internalError("random serial");
    }
    // Positive (RFC 5280 §4.1.2.2) and always 16 octets long, which keeps 126 random bits.
    bytes[0] = uint8_t((bytes[0] & 0x3f) | 0x40);
    BignumPtr number(BN_bin2bn(bytes, int(sizeof bytes), nullptr));
    Asn1IntegerPtr serial(number ? BN_to_ASN1_INTEGER(number.get(), nullptr) : nullptr);
    if (!serial) {
        return internalError("random serial");
    }
    return serial;
}

bool addConfiguredExtension(X509 *certificate, X509V3_CTX *context, int nid, const char *value)
{
    X509ExtensionPtr extension(X509V3_EXT_nconf_nid(nullptr, context, nid, value));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

// A typed identity URI (identity.h): urn:iot-portal:<type>:<name>, printable ASCII only.
bool isSafeUri(std::string_view uri)
{
    if (uri.empty() || uri.size() > kMaxUriBytes) {
        return false;
    }
    return std::all_of(uri.begin(), uri.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == ':' || c == '-' || c == '.' || c == '_' || c == '@';
    });
}

Result<GeneralNamesPtr> subjectAltNames(const std::vector<std::string> &dnsNames,
                                        const std::vector<std::string> &ipAddresses,
                                        const std::vector<std::string> &uris)
{
    if (dnsNames.size() + ipAddresses.size() + uris.size() > kMaxSubjectAltNames) {
        return fail("x509.bad_request", "too many subject alternative names");
    }
    GeneralNamesPtr names(GENERAL_NAMES_new());
    if (!names) {
        return internalError("allocating names");
    }
    for (const std::string &dnsName : dnsNames) {
        if (!isDnsName(dnsName)) {
            return fail("x509.bad_name", "a DNS name is not a valid host name");
        }
        GeneralNamePtr entry(GENERAL_NAME_new());
        ASN1_IA5STRING *text = ASN1_IA5STRING_new();
        if (!entry || text == nullptr ||
            ASN1_STRING_set(text, dnsName.data(), int(dnsName.size())) != 1) {
            ASN1_IA5STRING_free(text);
            return internalError("building a DNS name");
        }
        GENERAL_NAME_set0_value(entry.get(), GEN_DNS, text);
        if (sk_GENERAL_NAME_push(names.get(), entry.get()) == 0) {
            return internalError("building a DNS name");
        }
        entry.release();
    }
    for (const std::string &ipAddress : ipAddresses) {
        // a2i_IPADDRESS reads only its textual forms (dotted quad, RFC 4291 text).
        Asn1OctetStringPtr octets(ipAddress.size() <= 45 ? a2i_IPADDRESS(ipAddress.c_str())
                                                         : nullptr);
        if (!octets) {
            return fail("x509.bad_name", "an IP address is not valid IPv4 or IPv6 text");
        }
        GeneralNamePtr entry(GENERAL_NAME_new());
        if (!entry) {
            return internalError("building an IP address");
        }
        GENERAL_NAME_set0_value(entry.get(), GEN_IPADD, octets.release());
        if (sk_GENERAL_NAME_push(names.get(), entry.get()) == 0) {
            return internalError("building an IP address");
        }
        entry.release();
    }
    for (const std::string &uri : uris) {
        if (!isSafeUri(uri)) {
            return fail("x509.bad_name", "a URI is empty, too long or has unsafe characters");
        }
        GeneralNamePtr entry(GENERAL_NAME_new());
        ASN1_IA5STRING *text = ASN1_IA5STRING_new();
        if (!entry || text == nullptr || ASN1_STRING_set(text, uri.data(), int(uri.size())) != 1) {
            ASN1_IA5STRING_free(text);
            return internalError("building a URI");
        }
        GENERAL_NAME_set0_value(entry.get(), GEN_URI, text);
        if (sk_GENERAL_NAME_push(names.get(), entry.get()) == 0) {
            return internalError("building a URI");
        }
        entry.release();
    }
    return names;
}

struct BuildInputs
{
    X509 *issuer = nullptr; // null: self-signed
    EVP_PKEY *issuerKey = nullptr;
    EVP_PKEY *subjectKey = nullptr;
    std::string_view commonName;
    const std::vector<std::string> *dnsNames = nullptr;
    const std::vector<std::string> *ipAddresses = nullptr;
    const std::vector<std::string> *uris = nullptr;
    const std::vector<std::string> *policyOids = nullptr;
    CertificateProfile profile = CertificateProfile::TlsServer;
    int64_t validitySeconds = 0;
};

// certificatePolicies with one PolicyInformation per OID (dotted text), no qualifiers.
bool addPolicies(X509 *certificate, const std::vector<std::string> &policyOids)
{
    using PoliciesPtr = std::unique_ptr<CERTIFICATEPOLICIES,
                                        Deleter<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free>>;
    PoliciesPtr policies(CERTIFICATEPOLICIES_new());
    if (!policies) {
        return false;
    }
    for (const std::string &oid : policyOids) {
        POLICYINFO *info = POLICYINFO_new();
        ASN1_OBJECT *object = OBJ_txt2obj(oid.c_str(), 1);
        if (info == nullptr || object == nullptr) {
            POLICYINFO_free(info);
            ASN1_OBJECT_free(object);
            return false;
        }
        ASN1_OBJECT_free(info->policyid);
        info->policyid = object;
        if (sk_POLICYINFO_push(policies.get(), info) == 0) {
            POLICYINFO_free(info);
            return false;
        }
    }
    return X509_add1_ext_i2d(certificate, NID_certificate_policies, policies.get(), 0,
                             X509V3_ADD_DEFAULT) == 1;
}

bool isDottedOid(const std::string &oid)
{
    if (oid.empty() || oid.size() > 128 || oid.front() == '.' || oid.back() == '.') {
        return false;
    }
    return std::all_of(oid.begin(), oid.end(),
                       [](char c) { return (c >= '0' && c <= '9') || c == '.'; }) &&
           oid.find("..") == std::string::npos;
}

Result<Certificate> buildCertificate(const BuildInputs &in)
{
    if (in.validitySeconds <= 0 || in.validitySeconds > kMaxValiditySeconds) {
        return fail("x509.bad_request", "validity is out of range");
    }
    Result<X509NamePtr> subject = commonNameOnly(in.commonName);
    if (!subject) {
        return subject.error();
    }
    static const std::vector<std::string> kNoNames;
    Result<GeneralNamesPtr> altNames =
        subjectAltNames(in.dnsNames ? *in.dnsNames : kNoNames,
                        in.ipAddresses ? *in.ipAddresses : kNoNames, in.uris ? *in.uris : kNoNames);
    if (!altNames) {
        return altNames.error();
    }
    const bool hasAltNames = sk_GENERAL_NAME_num(altNames.value().get()) > 0;
    if (in.profile == CertificateProfile::TlsServer &&
        (in.dnsNames == nullptr || in.dnsNames->empty()) &&
        (in.ipAddresses == nullptr || in.ipAddresses->empty())) {
        return fail("x509.bad_request", "a TLS server certificate needs a DNS name or IP address");
    }
    const std::vector<std::string> &policyOids = in.policyOids ? *in.policyOids : kNoNames;
    if (policyOids.size() > 8 || !std::all_of(policyOids.begin(), policyOids.end(), isDottedOid)) {
        return fail("x509.bad_request", "policy OIDs are dotted decimal, at most 8");
    }

    const int64_t now = int64_t(std::time(nullptr));
    const int64_t notBefore = now - kClockSkewSeconds;
    int64_t notAfter = now + in.validitySeconds;
    if (in.issuer != nullptr) {
        const int64_t issuerNotAfter = unixSecondsOf(X509_get0_notAfter(in.issuer));
        if (issuerNotAfter <= now) {
            return fail("x509.issuer_expired", "the issuer certificate has expired");
        }
        notAfter = std::min(notAfter, issuerNotAfter);
    }

    Result<Asn1IntegerPtr> serial = randomSerial();
    if (!serial) {
        return serial.error();
    }
    X509Ptr certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1 ||
        X509_set_serialNumber(certificate.get(), serial.value().get()) != 1 ||
        X509_set_subject_name(certificate.get(), subject.value().get()) != 1 ||
        X509_set_issuer_name(certificate.get(), in.issuer ? X509_get_subject_name(in.issuer)
                                                          : subject.value().get()) != 1 ||
        ASN1_TIME_set(X509_getm_notBefore(certificate.get()), time_t(notBefore)) == nullptr ||
        ASN1_TIME_set(X509_getm_notAfter(certificate.get()), time_t(notAfter)) == nullptr ||
        X509_set_pubkey(certificate.get(), in.subjectKey) != 1) {
        return internalError("filling the certificate");
    }

    X509V3_CTX context;
    X509V3_set_ctx(&context, in.issuer ? in.issuer : certificate.get(), certificate.get(), nullptr,
                   nullptr, 0);
    bool added = true;
    switch (in.profile) {
    case CertificateProfile::CertificateAuthority:
        // pathlen:0 — our CAs sign end-entity certificates only.
        added = addConfiguredExtension(certificate.get(), &context, NID_basic_constraints,
                                       "critical,CA:TRUE,pathlen:0") &&
                addConfiguredExtension(certificate.get(), &context, NID_key_usage,
                                       "critical,keyCertSign,cRLSign");
        break;
    case CertificateProfile::TlsServer:
    case CertificateProfile::TlsClient:
        added = addConfiguredExtension(certificate.get(), &context, NID_basic_constraints,
                                       "critical,CA:FALSE") &&
                addConfiguredExtension(certificate.get(), &context, NID_key_usage,
                                       "critical,digitalSignature") &&
                addConfiguredExtension(certificate.get(), &context, NID_ext_key_usage,
                                       in.profile == CertificateProfile::TlsServer ? "serverAuth"
                                                                                   : "clientAuth");
        break;
    }
    // The SKI goes first: for a self-signed certificate the AKI is taken from it.
    added =
        added &&
        addConfiguredExtension(certificate.get(), &context, NID_subject_key_identifier, "hash") &&
        addConfiguredExtension(certificate.get(), &context, NID_authority_key_identifier,
                               "keyid:always");
    if (added && hasAltNames) {
        added = X509_add1_ext_i2d(certificate.get(), NID_subject_alt_name, altNames.value().get(),
                                  0, X509V3_ADD_DEFAULT) == 1;
    }
    if (added && !policyOids.empty()) {
        added = addPolicies(certificate.get(), policyOids);
    }
    if (!added) {
        return internalError("adding extensions");
    }
    if (X509_sign(certificate.get(), in.issuerKey, EVP_sha256()) <= 0) {
        return internalError("signing the certificate");
    }
    return X509Access::makeCertificate(std::move(certificate));
}

int refusePassphrasePrompt(char *, int, int, void *)
{
    return -1;
}

struct Passphrase
{
    std::string_view text;
};

int supplyPassphrase(char *buffer, int size, int, void *userData)
{
    const auto *passphrase = static_cast<const Passphrase *>(userData);
    if (size < 0 || passphrase->text.size() > size_t(size)) {
        return -1;
    }
    std::memcpy(buffer, passphrase->text.data(), passphrase->text.size());
    return int(passphrase->text.size());
}

} // namespace

// ---- PublicKey ----

PublicKey::PublicKey(const PublicKey &other)
{
    *this = other;
}

PublicKey &PublicKey::operator=(const PublicKey &other)
{
    if (this != &other) {
        if (other.m_key) {
            EVP_PKEY_up_ref(other.m_key.get());
        }
        m_key.reset(other.m_key.get());
    }
    return *this;
}

std::array<uint8_t, kP256UncompressedPointBytes> PublicKey::uncompressedPoint() const
{
    return uncompressedPointOf(m_key.get());
}

bool PublicKey::operator==(const PublicKey &other) const
{
    return EVP_PKEY_eq(m_key.get(), other.m_key.get()) == 1;
}

// ---- PrivateKey ----

Result<PrivateKey> PrivateKey::generateP256()
{
    PkeyPtr key(EVP_EC_gen("P-256"));
    if (!key) {
        return internalError("generating a P-256 key");
    }
    return PrivateKey(std::move(key));
}

Result<PrivateKey> PrivateKey::fromPem(std::string_view pem,
                                       std::optional<std::string_view> passphrase)
{
    if (pem.size() > kMaxKeyOrCertificatePemBytes) {
        return fail("x509.bad_key", "key PEM is too large");
    }
    BioPtr bio = memoryBio(pem);
    if (!bio) {
        return internalError("allocating a BIO");
    }
    Passphrase supplied{passphrase.value_or(std::string_view())};
    PkeyPtr key(passphrase
                    ? PEM_read_bio_PrivateKey(bio.get(), nullptr, supplyPassphrase, &supplied)
                    : PEM_read_bio_PrivateKey(bio.get(), nullptr, refusePassphrasePrompt, nullptr));
    if (!key) {
        return fail("x509.bad_key", "not a readable private key PEM (or wrong passphrase)");
    }
    if (!isP256(key.get())) {
        return fail("x509.bad_key", "the key is not an ECDSA P-256 key");
    }
    if (!onlyBlankLeft(bio.get())) {
        return fail("x509.bad_key", "unexpected data after the key");
    }
    return PrivateKey(std::move(key));
}

SecretBytes PrivateKey::toPem() const
{
    // A secure-memory BIO clears its buffer when it grows and when it is freed.
    BioPtr bio(BIO_new(BIO_s_secmem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr,
                                         nullptr) != 1) {
        ERR_clear_error();
        return SecretBytes();
    }
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    if (size <= 0) {
        return SecretBytes();
    }
    return SecretBytes(ByteView(reinterpret_cast<const uint8_t *>(data), size_t(size)));
}

PublicKey PrivateKey::publicKey() const
{
    return X509Access::makePublicKey(publicOnlyCopy(m_key.get()));
}

std::array<uint8_t, kP256UncompressedPointBytes> PrivateKey::publicKeyUncompressedPoint() const
{
    return uncompressedPointOf(m_key.get());
}

// ---- Certificate ----

Result<Certificate> Certificate::fromPem(std::string_view pem)
{
    if (pem.size() > kMaxKeyOrCertificatePemBytes) {
        return fail("x509.bad_certificate", "certificate PEM is too large");
    }
    BioPtr bio = memoryBio(pem);
    if (!bio) {
        return internalError("allocating a BIO");
    }
    X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, refusePassphrasePrompt, nullptr));
    if (!certificate) {
        return fail("x509.bad_certificate", "not a readable certificate PEM");
    }
    if (!onlyBlankLeft(bio.get())) {
        return fail("x509.bad_certificate", "unexpected data after the certificate");
    }
    return Certificate(std::move(certificate));
}

Certificate::Certificate(const Certificate &other)
{
    *this = other;
}

Certificate &Certificate::operator=(const Certificate &other)
{
    if (this != &other) {
        if (other.m_certificate) {
            X509_up_ref(other.m_certificate.get());
        }
        m_certificate.reset(other.m_certificate.get());
    }
    return *this;
}

std::string Certificate::toPem() const
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), m_certificate.get()) != 1) {
        ERR_clear_error();
        return {};
    }
    return bioToString(bio.get());
}

std::string Certificate::subjectCommonName() const
{
    return nameEntry(X509_get_subject_name(m_certificate.get()), NID_commonName);
}

std::string Certificate::issuerCommonName() const
{
    return nameEntry(X509_get_issuer_name(m_certificate.get()), NID_commonName);
}

int64_t Certificate::notBeforeUnixSeconds() const
{
    return unixSecondsOf(X509_get0_notBefore(m_certificate.get()));
}

int64_t Certificate::notAfterUnixSeconds() const
{
    return unixSecondsOf(X509_get0_notAfter(m_certificate.get()));
}

std::string Certificate::serialHex() const
{
    BignumPtr number(ASN1_INTEGER_to_BN(X509_get0_serialNumber(m_certificate.get()), nullptr));
    if (!number) {
        ERR_clear_error();
        return {};
    }
    std::vector<unsigned char> bytes(size_t(BN_num_bytes(number.get())));
    BN_bn2bin(number.get(), bytes.data());
    return bytes.empty() ? std::string("00") : toLowerHex(bytes.data(), bytes.size());
}

std::string Certificate::fingerprintSha256() const
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLength = 0;
    if (X509_digest(m_certificate.get(), EVP_sha256(), digest, &digestLength) != 1) {
        ERR_clear_error();
        return {};
    }
    return toLowerHex(digest, digestLength);
}

std::vector<std::string> Certificate::subjectAltUris() const
{
    std::vector<std::string> uris;
    using NamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, GENERAL_NAMES_free>>;
    NamesPtr names(static_cast<GENERAL_NAMES *>(
        X509_get_ext_d2i(m_certificate.get(), NID_subject_alt_name, nullptr, nullptr)));
    if (!names) {
        ERR_clear_error();
        return uris;
    }
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()) && uris.size() < kMaxSubjectAltNames;
         ++i) {
        const GENERAL_NAME *name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type != GEN_URI) {
            continue;
        }
        const ASN1_IA5STRING *text = name->d.uniformResourceIdentifier;
        const std::string uri(reinterpret_cast<const char *>(ASN1_STRING_get0_data(text)),
                              size_t(ASN1_STRING_length(text)));
        if (isSafeUri(uri)) {
            uris.push_back(uri);
        }
    }
    return uris;
}

bool Certificate::hasPolicy(std::string_view oid) const
{
    using PoliciesPtr = std::unique_ptr<CERTIFICATEPOLICIES,
                                        Deleter<CERTIFICATEPOLICIES, CERTIFICATEPOLICIES_free>>;
    PoliciesPtr policies(static_cast<CERTIFICATEPOLICIES *>(
        X509_get_ext_d2i(m_certificate.get(), NID_certificate_policies, nullptr, nullptr)));
    if (!policies) {
        ERR_clear_error();
        return false;
    }
    for (int i = 0; i < sk_POLICYINFO_num(policies.get()); ++i) {
        char text[160];
        const int length =
            OBJ_obj2txt(text, sizeof text, sk_POLICYINFO_value(policies.get(), i)->policyid, 1);
        if (length > 0 && size_t(length) < sizeof text &&
            std::string_view(text, size_t(length)) == oid) {
            return true;
        }
    }
    return false;
}

bool Certificate::isCa() const
{
    return (X509_get_extension_flags(m_certificate.get()) & EXFLAG_CA) != 0;
}

Result<PublicKey> Certificate::publicKey() const
{
    EVP_PKEY *key = X509_get0_pubkey(m_certificate.get());
    if (!isP256(key)) {
        return fail("x509.bad_key", "the certificate's key is not an ECDSA P-256 key");
    }
    PkeyPtr copy = publicOnlyCopy(key);
    if (!copy) {
        return internalError("copying the public key");
    }
    return X509Access::makePublicKey(std::move(copy));
}

// ---- CSR ----

Result<std::string> createCsr(const PrivateKey &key, std::string_view commonName)
{
    Result<X509NamePtr> subject = commonNameOnly(commonName);
    if (!subject) {
        return subject.error();
    }
    X509ReqPtr request(X509_REQ_new());
    EVP_PKEY *keyHandle = X509Access::handle(key);
    if (!request || X509_REQ_set_version(request.get(), X509_REQ_VERSION_1) != 1 ||
        X509_REQ_set_subject_name(request.get(), subject.value().get()) != 1 ||
        X509_REQ_set_pubkey(request.get(), keyHandle) != 1 ||
        X509_REQ_sign(request.get(), keyHandle, EVP_sha256()) <= 0) {
        return internalError("building the CSR");
    }
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509_REQ(bio.get(), request.get()) != 1) {
        return internalError("encoding the CSR");
    }
    return bioToString(bio.get());
}

Result<Csr> parseCsr(std::string_view pem)
{
    if (pem.size() > kMaxCsrPemBytes) {
        return fail("x509.bad_csr", "CSR is larger than 16 KiB");
    }
    BioPtr bio = memoryBio(pem);
    if (!bio) {
        return internalError("allocating a BIO");
    }
    X509ReqPtr request(PEM_read_bio_X509_REQ(bio.get(), nullptr, refusePassphrasePrompt, nullptr));
    if (!request) {
        return fail("x509.bad_csr", "not a readable PKCS#10 PEM");
    }
    if (!onlyBlankLeft(bio.get())) {
        return fail("x509.bad_csr", "unexpected data after the CSR");
    }
    EVP_PKEY *key = X509_REQ_get0_pubkey(request.get());
    if (!isP256(key)) {
        return fail("x509.bad_csr", "the CSR's key is not an ECDSA P-256 key");
    }
    if (X509_REQ_verify(request.get(), key) != 1) {
        return fail("x509.bad_csr_signature", "the CSR's self-signature does not verify");
    }
    const X509_NAME *subject = X509_REQ_get_subject_name(request.get());
    const int first = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (first < 0 || X509_NAME_get_index_by_NID(subject, NID_commonName, first) >= 0) {
        return fail("x509.bad_csr", "the CSR subject needs exactly one common name");
    }
    std::string commonName = nameEntry(subject, NID_commonName);
    if (!isSafeCommonName(commonName)) {
        return fail("x509.bad_csr", "the CSR common name is empty, too long or unsafe");
    }
    PkeyPtr publicKey = publicOnlyCopy(key);
    if (!publicKey) {
        return internalError("copying the public key");
    }
    return Csr{std::move(commonName), X509Access::makePublicKey(std::move(publicKey))};
}

// ---- Issuance and verification ----

Result<Certificate> issueCertificate(const IssueRequest &request)
{
    if (request.issuerCertificate == nullptr || request.issuerKey == nullptr ||
        request.subjectPublicKey == nullptr) {
        return fail("x509.bad_request",
                    "issuer certificate, issuer key and subject key are needed");
    }
    X509 *issuer = X509Access::handle(*request.issuerCertificate);
    EVP_PKEY *issuerKey = X509Access::handle(*request.issuerKey);
    if (!request.issuerCertificate->isCa()) {
        return fail("x509.bad_request", "the issuer certificate is not a CA");
    }
    if (X509_check_private_key(issuer, issuerKey) != 1) {
        return fail("x509.bad_request", "the issuer key does not match the issuer certificate");
    }
    if (!isP256(X509Access::handle(*request.subjectPublicKey))) {
        return fail("x509.bad_request", "the subject key is not an ECDSA P-256 key");
    }
    BuildInputs inputs;
    inputs.issuer = issuer;
    inputs.issuerKey = issuerKey;
    inputs.subjectKey = X509Access::handle(*request.subjectPublicKey);
    inputs.commonName = request.commonName;
    inputs.dnsNames = &request.dnsNames;
    inputs.ipAddresses = &request.ipAddresses;
    inputs.uris = &request.uris;
    inputs.policyOids = &request.policyOids;
    inputs.profile = request.profile;
    inputs.validitySeconds = request.validitySeconds;
    return buildCertificate(inputs);
}

Result<Certificate> createSelfSignedCa(const PrivateKey &key, std::string_view commonName,
                                       int64_t validitySeconds)
{
    BuildInputs inputs;
    inputs.issuerKey = X509Access::handle(key);
    inputs.subjectKey = X509Access::handle(key);
    inputs.commonName = commonName;
    inputs.profile = CertificateProfile::CertificateAuthority;
    inputs.validitySeconds = validitySeconds;
    return buildCertificate(inputs);
}

Result<void> verifyChain(const Certificate &leaf, const Certificate &trustedCa,
                         ChainPurpose purpose, std::optional<int64_t> atUnixSeconds)
{
    X509StorePtr store(X509_STORE_new());
    X509StoreCtxPtr context(X509_STORE_CTX_new());
    if (!store || !context ||
        X509_STORE_add_cert(store.get(), X509Access::handle(trustedCa)) != 1 ||
        X509_STORE_CTX_init(context.get(), store.get(), X509Access::handle(leaf), nullptr) != 1) {
        return internalError("setting up chain verification");
    }
    const int purposeId =
        purpose == ChainPurpose::TlsServer ? X509_PURPOSE_SSL_SERVER : X509_PURPOSE_SSL_CLIENT;
    if (X509_STORE_CTX_set_purpose(context.get(), purposeId) != 1) {
        return internalError("setting the purpose");
    }
    X509_STORE_CTX_set_flags(context.get(), X509_V_FLAG_X509_STRICT);
    if (atUnixSeconds) {
        X509_STORE_CTX_set_time(context.get(), 0, time_t(*atUnixSeconds));
    }
    if (X509_verify_cert(context.get()) == 1) {
        return {};
    }
    const int error = X509_STORE_CTX_get_error(context.get());
    const std::string reason = X509_verify_cert_error_string(error);
    if (error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID) {
        return fail("x509.expired", "certificate is not valid at that time: " + reason);
    }
    return fail("x509.verify_failed", "certificate chain refused: " + reason);
}

} // namespace Portal::Crypto
