#include "labpki.h"

#include "identity.h"
#include "x509.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace Portal::Crypto {

namespace {

namespace fs = std::filesystem;

constexpr mode_t kKeyFileMode = 0600;
constexpr mode_t kCertificateFileMode = 0644;
constexpr mode_t kDirectoryMode = 0700;

struct Entry
{
    const char *baseName;
    LabPkiFilePair LabPkiPaths::*member;
    // Part of the first layout (14 files); the others are added by an upgrade.
    bool firstLayout;
};

constexpr Entry kEntries[] = {
    {"operator-ca", &LabPkiPaths::operatorCa, true},
    {"portal-ca", &LabPkiPaths::portalCa, true},
    {"bsf", &LabPkiPaths::bsf, true},
    {"naf", &LabPkiPaths::naf, true},
    {"naf-zn", &LabPkiPaths::nafZn, true},
    {"portal-api", &LabPkiPaths::portalApi, true},
    {"portal-admin", &LabPkiPaths::portalAdmin, true},
    {"gateway-ca", &LabPkiPaths::gatewayCa, false},
    {"admin-ca", &LabPkiPaths::adminCa, false},
    {"users-ca", &LabPkiPaths::usersCa, false},
};

LabPkiPaths pathsIn(const fs::path &directory)
{
    LabPkiPaths paths;
    for (const Entry &entry : kEntries) {
        LabPkiFilePair &pair = paths.*entry.member;
        pair.certificatePath = (directory / (std::string(entry.baseName) + ".crt")).string();
        pair.keyPath = (directory / (std::string(entry.baseName) + ".key")).string();
    }
    return paths;
}

Error ioError(const std::string &path, const char *what, int errorNumber)
{
    return makeError("labpki.io",
                     std::string(what) + " " + path + ": " + std::strerror(errorNumber));
}

bool writeAll(int fd, ByteView content)
{
    size_t written = 0;
    while (written < content.size()) {
        const ssize_t result = ::write(fd, content.data() + written, content.size() - written);
        if (result < 0 && errno == EINTR) {
            continue;
        }
        if (result <= 0) {
            return false;
        }
        written += size_t(result);
    }
    return true;
}

// Temporary in the same directory, synced, then link()ed into place: link fails instead of
// replacing an existing file, which rename() would silently do.
Result<void> writeFileAtomically(const std::string &path, ByteView content, mode_t mode)
{
    std::string temporary = path + ".tmp-XXXXXX";
    const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
    if (fd < 0) {
        return ioError(path, "cannot create a temporary for", errno);
    }
    // mkostemp creates 0600; fchmod sets the final mode regardless of the umask.
    const bool ok = ::fchmod(fd, mode) == 0 && writeAll(fd, content) && ::fsync(fd) == 0;
    const int writeErrno = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(temporary.c_str());
        return ioError(path, "cannot write", writeErrno);
    }
    const int linked = ::link(temporary.c_str(), path.c_str());
    const int linkErrno = errno;
    ::unlink(temporary.c_str());
    if (linked != 0) {
        return ioError(path, "cannot publish", linkErrno);
    }
    return {};
}

Result<void> syncDirectory(const std::string &directory)
{
    const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return ioError(directory, "cannot open", errno);
    }
    const bool ok = ::fsync(fd) == 0;
    const int syncErrno = errno;
    ::close(fd);
    if (!ok) {
        return ioError(directory, "cannot sync", syncErrno);
    }
    return {};
}

struct Issued
{
    PrivateKey key;
    Certificate certificate;
};

std::vector<std::string> serverDnsNames(const std::string &primary,
                                        const std::vector<std::string> &extra)
{
    std::vector<std::string> names{primary};
    for (const std::string &name : extra) {
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            names.push_back(name);
        }
    }
    return names;
}

Result<Issued> makeCa(const std::string &commonName, int64_t validitySeconds)
{
    Result<PrivateKey> key = PrivateKey::generateP256();
    if (!key) {
        return key.error();
    }
    Result<Certificate> certificate = createSelfSignedCa(key.value(), commonName, validitySeconds);
    if (!certificate) {
        return certificate.error();
    }
    return Issued{std::move(key).value(), std::move(certificate).value()};
}

struct LeafNames
{
    std::vector<std::string> uris;
    std::vector<std::string> policyOids;
};

Result<Issued> makeLeaf(const Issued &issuer, const std::string &commonName,
                        std::vector<std::string> dnsNames, std::vector<std::string> ipAddresses,
                        CertificateProfile profile, int64_t validitySeconds, LeafNames typed = {})
{
    Result<PrivateKey> key = PrivateKey::generateP256();
    if (!key) {
        return key.error();
    }
    const PublicKey subjectKey = key.value().publicKey();
    IssueRequest request;
    request.issuerCertificate = &issuer.certificate;
    request.issuerKey = &issuer.key;
    request.subjectPublicKey = &subjectKey;
    request.commonName = commonName;
    request.dnsNames = std::move(dnsNames);
    request.ipAddresses = std::move(ipAddresses);
    request.uris = std::move(typed.uris);
    request.policyOids = std::move(typed.policyOids);
    request.profile = profile;
    request.validitySeconds = validitySeconds;
    Result<Certificate> certificate = issueCertificate(request);
    if (!certificate) {
        return certificate.error();
    }
    return Issued{std::move(key).value(), std::move(certificate).value()};
}

Result<Issued> makePortalApi(const Issued &portalCa, const LabPkiOptions &options)
{
    return makeLeaf(portalCa, options.portalApiDnsName,
                    serverDnsNames(options.portalApiDnsName, options.extraDnsNames),
                    options.ipAddresses, CertificateProfile::TlsServer, options.leafValiditySeconds,
                    {{identityUri(IdentityType::PortalApi, options.portalApiDnsName)}, {}});
}

Result<Issued> makePortalAdmin(const Issued &adminCa, const LabPkiOptions &options)
{
    return makeLeaf(
        adminCa, options.portalAdminName, {}, {}, CertificateProfile::TlsClient,
        options.leafValiditySeconds,
        {{identityUri(IdentityType::Admin, options.portalAdminName)}, {kAdminPolicyOid}});
}

Result<void> writePair(const LabPkiFilePair &pair, const Issued &issued)
{
    const SecretBytes keyPem = issued.key.toPem();
    if (keyPem.empty()) {
        return makeError("x509.internal", "OpenSSL failed: encoding a private key");
    }
    Result<void> written = writeFileAtomically(pair.keyPath, keyPem.view(), kKeyFileMode);
    if (!written) {
        return written;
    }
    const std::string certificatePem = issued.certificate.toPem();
    return writeFileAtomically(pair.certificatePath, ByteView::fromText(certificatePem),
                               kCertificateFileMode);
}

Result<void> checkKeyMode(const std::string &keyPath)
{
    struct stat status = {};
    if (::stat(keyPath.c_str(), &status) != 0) {
        return ioError(keyPath, "cannot stat", errno);
    }
    if ((status.st_mode & 0077) != 0) {
        return makeError("labpki.insecure_key",
                         "key file is readable or writable by group or others: " + keyPath);
    }
    return {};
}

// The device-authority key signs attach authorisations; devices hold its public half from
// provisioning, so it is made once and never reissued (rotating it re-provisions every device).
Result<bool> ensureDeviceAuthorityKey(const std::string &keyPath)
{
    std::error_code error;
    if (fs::exists(keyPath, error)) {
        Result<void> checked = checkKeyMode(keyPath);
        if (!checked) {
            return checked.error();
        }
        return false;
    }
    Result<PrivateKey> key = PrivateKey::generateP256();
    if (!key) {
        return key.error();
    }
    const SecretBytes pem = key->toPem();
    Result<void> written = writeFileAtomically(keyPath, pem.view(), kKeyFileMode);
    if (!written) {
        return written.error();
    }
    return true;
}

Result<void> createAll(const LabPkiPaths &paths, const LabPkiOptions &options)
{
    // Everything is generated before the first file is written, so a refused name leaves
    // the directory empty.
    Result<Issued> operatorCa = makeCa(options.operatorCaCommonName, options.caValiditySeconds);
    if (!operatorCa) {
        return operatorCa.error();
    }
    Result<Issued> portalCa = makeCa(options.portalCaCommonName, options.caValiditySeconds);
    if (!portalCa) {
        return portalCa.error();
    }
    const int64_t leafSeconds = options.leafValiditySeconds;
    Result<Issued> bsf = makeLeaf(operatorCa.value(), options.bsfDnsName,
                                  serverDnsNames(options.bsfDnsName, options.extraDnsNames),
                                  options.ipAddresses, CertificateProfile::TlsServer, leafSeconds);
    if (!bsf) {
        return bsf.error();
    }
    Result<Issued> naf = makeLeaf(operatorCa.value(), options.nafDnsName,
                                  serverDnsNames(options.nafDnsName, options.extraDnsNames),
                                  options.ipAddresses, CertificateProfile::TlsServer, leafSeconds);
    if (!naf) {
        return naf.error();
    }
    Result<Issued> nafZn = makeLeaf(operatorCa.value(), options.nafDnsName, {options.nafDnsName},
                                    {}, CertificateProfile::TlsClient, leafSeconds);
    if (!nafZn) {
        return nafZn.error();
    }
    Result<Issued> portalApi = makePortalApi(portalCa.value(), options);
    if (!portalApi) {
        return portalApi.error();
    }
    Result<Issued> gatewayCa = makeCa(options.gatewayCaCommonName, options.caValiditySeconds);
    if (!gatewayCa) {
        return gatewayCa.error();
    }
    Result<Issued> adminCa = makeCa(options.adminCaCommonName, options.caValiditySeconds);
    if (!adminCa) {
        return adminCa.error();
    }
    Result<Issued> usersCa = makeCa(options.usersCaCommonName, options.caValiditySeconds);
    if (!usersCa) {
        return usersCa.error();
    }
    Result<Issued> portalAdmin = makePortalAdmin(adminCa.value(), options);
    if (!portalAdmin) {
        return portalAdmin.error();
    }

    const std::pair<const LabPkiFilePair *, const Issued *> outputs[] = {
        {&paths.operatorCa, &operatorCa.value()},
        {&paths.portalCa, &portalCa.value()},
        {&paths.bsf, &bsf.value()},
        {&paths.naf, &naf.value()},
        {&paths.nafZn, &nafZn.value()},
        {&paths.portalApi, &portalApi.value()},
        {&paths.portalAdmin, &portalAdmin.value()},
        {&paths.gatewayCa, &gatewayCa.value()},
        {&paths.adminCa, &adminCa.value()},
        {&paths.usersCa, &usersCa.value()},
    };
    for (const auto &[pair, issued] : outputs) {
        Result<void> written = writePair(*pair, *issued);
        if (!written) {
            return written;
        }
    }
    return {};
}

Result<std::string> readSmall(const std::string &path)
{
    std::error_code error;
    const auto size = fs::file_size(path, error);
    if (error || size > kMaxKeyOrCertificatePemBytes) {
        return makeError("labpki.io", "cannot read " + path);
    }
    std::string content(size_t(size), '\0');
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return ioError(path, "cannot open", errno);
    }
    const ssize_t got = ::read(fd, content.data(), content.size());
    const int readErrno = errno;
    ::close(fd);
    if (got != ssize_t(content.size())) {
        return ioError(path, "cannot read", readErrno);
    }
    return content;
}

Result<Issued> loadPair(const LabPkiFilePair &pair)
{
    Result<std::string> certificatePem = readSmall(pair.certificatePath);
    if (!certificatePem) {
        return certificatePem.error();
    }
    Result<std::string> keyPem = readSmall(pair.keyPath);
    if (!keyPem) {
        return keyPem.error();
    }
    Result<Certificate> certificate = Certificate::fromPem(certificatePem.value());
    Result<PrivateKey> key = PrivateKey::fromPem(keyPem.value());
    secureWipe(keyPem.value().data(), keyPem.value().size());
    if (!certificate) {
        return certificate.error();
    }
    if (!key) {
        return key.error();
    }
    return Issued{std::move(key).value(), std::move(certificate).value()};
}

// Replaces an existing pair: key first, then the certificate, each by rename(). A crash in
// between leaves a certificate that no longer matches its key, which the next upgrade check
// sees as stale and reissues.
Result<void> replacePair(const LabPkiFilePair &pair, const Issued &issued)
{
    const LabPkiFilePair fresh{pair.certificatePath + ".new", pair.keyPath + ".new"};
    ::unlink(fresh.certificatePath.c_str());
    ::unlink(fresh.keyPath.c_str());
    Result<void> written = writePair(fresh, issued);
    if (!written) {
        return written;
    }
    if (::rename(fresh.keyPath.c_str(), pair.keyPath.c_str()) != 0) {
        return ioError(pair.keyPath, "cannot replace", errno);
    }
    if (::rename(fresh.certificatePath.c_str(), pair.certificatePath.c_str()) != 0) {
        return ioError(pair.certificatePath, "cannot replace", errno);
    }
    return {};
}

bool isCurrentLeaf(const LabPkiFilePair &pair, const Certificate &root, ChainPurpose purpose,
                   IdentityType type)
{
    Result<Issued> leaf = loadPair(pair);
    if (!leaf) {
        return false;
    }
    Result<PublicKey> certifiedKey = leaf.value().certificate.publicKey();
    return certifiedKey && certifiedKey.value() == leaf.value().key.publicKey() &&
           verifyIdentity(leaf.value().certificate, root, purpose, type).ok();
}

// Adds the roots an older layout lacks and reissues the leaves that lack their typed names.
Result<void> upgrade(const LabPkiPaths &paths, const LabPkiOptions &options,
                     std::vector<std::string> &steps)
{
    const std::pair<const LabPkiFilePair *, const std::string *> roots[] = {
        {&paths.gatewayCa, &options.gatewayCaCommonName},
        {&paths.adminCa, &options.adminCaCommonName},
        {&paths.usersCa, &options.usersCaCommonName},
    };
    for (const auto &[pair, commonName] : roots) {
        std::error_code error;
        if (fs::exists(pair->certificatePath, error)) {
            continue;
        }
        Result<Issued> ca = makeCa(*commonName, options.caValiditySeconds);
        if (!ca) {
            return ca.error();
        }
        Result<void> written = writePair(*pair, ca.value());
        if (!written) {
            return written;
        }
        steps.push_back("added " + fs::path(pair->certificatePath).stem().string());
    }

    // The leaves whose issuer or typed name changed since the first layout.
    struct Reissue
    {
        const LabPkiFilePair *issuer;
        const LabPkiFilePair *leaf;
        ChainPurpose purpose;
        IdentityType type;
        Result<Issued> (*make)(const Issued &issuer, const LabPkiOptions &options);
        std::string step;
    };
    const Reissue reissues[] = {
        {&paths.adminCa, &paths.portalAdmin, ChainPurpose::TlsClient, IdentityType::Admin,
         makePortalAdmin,
         "reissued portal-admin from admin-ca with " +
             identityUri(IdentityType::Admin, options.portalAdminName) + " and the admin policy"},
        {&paths.portalCa, &paths.portalApi, ChainPurpose::TlsServer, IdentityType::PortalApi,
         makePortalApi,
         "reissued portal-api from portal-ca with " +
             identityUri(IdentityType::PortalApi, options.portalApiDnsName)},
    };
    for (const Reissue &reissue : reissues) {
        Result<Issued> issuer = loadPair(*reissue.issuer);
        if (!issuer) {
            return issuer.error();
        }
        if (isCurrentLeaf(*reissue.leaf, issuer.value().certificate, reissue.purpose,
                          reissue.type)) {
            continue;
        }
        Result<Issued> leaf = reissue.make(issuer.value(), options);
        if (!leaf) {
            return leaf.error();
        }
        Result<void> replaced = replacePair(*reissue.leaf, leaf.value());
        if (!replaced) {
            return replaced;
        }
        steps.push_back(reissue.step);
    }
    return {};
}

Result<void> checkKeyModes(const LabPkiPaths &paths)
{
    for (const Entry &entry : kEntries) {
        Result<void> checked = checkKeyMode((paths.*entry.member).keyPath);
        if (!checked) {
            return checked;
        }
    }
    return {};
}

Result<void> ensureDirectory(const std::string &directory)
{
    std::error_code error;
    if (fs::is_directory(directory, error)) {
        return {};
    }
    if (::mkdir(directory.c_str(), kDirectoryMode) != 0) {
        return ioError(directory, "cannot create directory", errno);
    }
    return {};
}

} // namespace

std::vector<std::string> reservedIdentityNames(const LabPkiOptions &options)
{
    std::vector<std::string> names{options.portalAdminName, options.portalApiDnsName,
                                   options.bsfDnsName, options.nafDnsName};
    for (const Entry &entry : kEntries) {
        names.emplace_back(entry.baseName);
    }
    return names;
}

Result<LabPkiPaths> LabPki::ensure(const std::string &directory, const LabPkiOptions &options)
{
    Result<void> directoryReady = ensureDirectory(directory);
    if (!directoryReady) {
        return directoryReady.error();
    }
    LabPkiPaths paths = pathsIn(fs::path(directory));
    paths.deviceAuthorityKeyPath = (fs::path(directory) / "device-authority.key").string();
    size_t presentCount = 0;
    std::string firstMissingOfFirstLayout;
    std::string halfPair;
    for (const Entry &entry : kEntries) {
        const LabPkiFilePair &pair = paths.*entry.member;
        std::error_code error;
        const bool certificate = fs::exists(pair.certificatePath, error);
        const bool key = fs::exists(pair.keyPath, error);
        presentCount += size_t(certificate) + size_t(key);
        if (certificate != key && halfPair.empty()) {
            halfPair = certificate ? pair.keyPath : pair.certificatePath;
        }
        if (entry.firstLayout && firstMissingOfFirstLayout.empty()) {
            if (!certificate) {
                firstMissingOfFirstLayout = pair.certificatePath;
            } else if (!key) {
                firstMissingOfFirstLayout = pair.keyPath;
            }
        }
    }

    if (presentCount != 0) {
        const std::string missing =
            !firstMissingOfFirstLayout.empty() ? firstMissingOfFirstLayout : halfPair;
        if (!missing.empty()) {
            return makeError("labpki.incomplete",
                             "lab PKI is incomplete, missing " + missing +
                                 " (remove the directory's lab PKI files to recreate them)");
        }
        Result<void> upgraded = upgrade(paths, options, paths.upgraded);
        if (!upgraded) {
            return upgraded.error();
        }
        Result<bool> authority = ensureDeviceAuthorityKey(paths.deviceAuthorityKeyPath);
        if (!authority) {
            return authority.error();
        }
        if (*authority) {
            paths.upgraded.push_back("created the device-authority key");
        }
        if (!paths.upgraded.empty()) {
            Result<void> synced = syncDirectory(directory);
            if (!synced) {
                return synced.error();
            }
        }
        Result<void> modes = checkKeyModes(paths);
        if (!modes) {
            return modes.error();
        }
        paths.created = false;
        return paths;
    }
    Result<void> created = createAll(paths, options);
    if (!created) {
        return created.error();
    }
    Result<bool> authority = ensureDeviceAuthorityKey(paths.deviceAuthorityKeyPath);
    if (!authority) {
        return authority.error();
    }
    Result<void> synced = syncDirectory(directory);
    if (!synced) {
        return synced.error();
    }
    paths.created = true;
    return paths;
}

} // namespace Portal::Crypto
