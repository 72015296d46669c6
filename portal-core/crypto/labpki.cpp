#include "labpki.h"

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
};

constexpr Entry kEntries[] = {
    {"operator-ca", &LabPkiPaths::operatorCa},
    {"portal-ca", &LabPkiPaths::portalCa},
    {"bsf", &LabPkiPaths::bsf},
    {"naf", &LabPkiPaths::naf},
    {"naf-zn", &LabPkiPaths::nafZn},
    {"portal-api", &LabPkiPaths::portalApi},
    {"portal-admin", &LabPkiPaths::portalAdmin},
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

Result<Issued> makeLeaf(const Issued &issuer, const std::string &commonName,
                        std::vector<std::string> dnsNames, std::vector<std::string> ipAddresses,
                        CertificateProfile profile, int64_t validitySeconds)
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
    request.profile = profile;
    request.validitySeconds = validitySeconds;
    Result<Certificate> certificate = issueCertificate(request);
    if (!certificate) {
        return certificate.error();
    }
    return Issued{std::move(key).value(), std::move(certificate).value()};
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
    Result<Issued> portalApi =
        makeLeaf(portalCa.value(), options.portalApiDnsName,
                 serverDnsNames(options.portalApiDnsName, options.extraDnsNames),
                 options.ipAddresses, CertificateProfile::TlsServer, leafSeconds);
    if (!portalApi) {
        return portalApi.error();
    }
    Result<Issued> portalAdmin = makeLeaf(portalCa.value(), options.portalAdminCommonName, {}, {},
                                          CertificateProfile::TlsClient, leafSeconds);
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
    };
    for (const auto &[pair, issued] : outputs) {
        Result<void> written = writePair(*pair, *issued);
        if (!written) {
            return written;
        }
    }
    return {};
}

std::vector<std::string> allFiles(const LabPkiPaths &paths)
{
    std::vector<std::string> files;
    for (const Entry &entry : kEntries) {
        files.push_back((paths.*entry.member).certificatePath);
        files.push_back((paths.*entry.member).keyPath);
    }
    return files;
}

Result<void> checkKeyModes(const LabPkiPaths &paths)
{
    for (const Entry &entry : kEntries) {
        const std::string &keyPath = (paths.*entry.member).keyPath;
        struct stat status = {};
        if (::stat(keyPath.c_str(), &status) != 0) {
            return ioError(keyPath, "cannot stat", errno);
        }
        if ((status.st_mode & 0077) != 0) {
            return makeError("labpki.insecure_key",
                             "key file is readable or writable by group or others: " + keyPath);
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

Result<LabPkiPaths> LabPki::ensure(const std::string &directory, const LabPkiOptions &options)
{
    Result<void> directoryReady = ensureDirectory(directory);
    if (!directoryReady) {
        return directoryReady.error();
    }
    LabPkiPaths paths = pathsIn(fs::path(directory));
    const std::vector<std::string> files = allFiles(paths);
    std::string firstMissing;
    size_t presentCount = 0;
    for (const std::string &file : files) {
        std::error_code error;
        if (fs::exists(file, error)) {
            ++presentCount;
        } else if (firstMissing.empty()) {
            firstMissing = file;
        }
    }

    if (presentCount == files.size()) {
        Result<void> modes = checkKeyModes(paths);
        if (!modes) {
            return modes.error();
        }
        paths.created = false;
        return paths;
    }
    if (presentCount != 0) {
        return makeError("labpki.incomplete",
                         "lab PKI is incomplete, missing " + firstMissing +
                             " (remove the directory's lab PKI files to recreate them)");
    }
    Result<void> created = createAll(paths, options);
    if (!created) {
        return created.error();
    }
    Result<void> synced = syncDirectory(directory);
    if (!synced) {
        return synced.error();
    }
    paths.created = true;
    return paths;
}

} // namespace Portal::Crypto
