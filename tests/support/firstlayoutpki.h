#pragma once
// Test-only: the lab PKI's first layout (before the gateway, admin and users CAs and the
// device-authority key), which no build of this tree writes any more. Made from a current PKI by
// removing the three newer roots and the authority key and issuing portal-admin and portal-api
// again as the first layout did: from the portal CA, CN only, no typed name. That leaves the 14
// files a first-layout lab had, with the operator CA, the portal CA and the operator's leaves
// unchanged.

#include "tests/support/testfiles.h"

#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>

#include <QFile>

#include <string>

#include <sys/stat.h>

namespace Portal::Testing {

// Rewrites paths (a current lab PKI) as the first layout. Errors name the file that failed.
inline Result<void> writeFirstLayoutPki(const Crypto::LabPkiPaths &paths)
{
    // The device-authority key came with device-link version 2, after the first layout.
    if (!QFile::remove(QString::fromStdString(paths.deviceAuthorityKeyPath)))
        return makeError("test.first_layout", "cannot remove " + paths.deviceAuthorityKeyPath);
    for (const Crypto::LabPkiFilePair *root : {&paths.gatewayCa, &paths.adminCa, &paths.usersCa}) {
        for (const std::string &file : {root->certificatePath, root->keyPath}) {
            if (!QFile::remove(QString::fromStdString(file)))
                return makeError("test.first_layout", "cannot remove " + file);
        }
    }
    auto portalCa =
        Crypto::Certificate::fromPem(readFile(paths.portalCa.certificatePath).toStdString());
    if (!portalCa)
        return portalCa.error();
    auto portalCaKey = Crypto::PrivateKey::fromPem(readFile(paths.portalCa.keyPath).toStdString());
    if (!portalCaKey)
        return portalCaKey.error();
    const auto writeLeaf = [&](const Crypto::LabPkiFilePair &pair, const std::string &commonName,
                               Crypto::CertificateProfile profile) -> Result<void> {
        auto key = Crypto::PrivateKey::generateP256();
        if (!key)
            return key.error();
        const Crypto::PublicKey publicKey = key->publicKey();
        Crypto::IssueRequest issue;
        issue.issuerCertificate = &*portalCa;
        issue.issuerKey = &*portalCaKey;
        issue.subjectPublicKey = &publicKey;
        issue.commonName = commonName;
        if (profile == Crypto::CertificateProfile::TlsServer)
            issue.dnsNames = {"localhost"};
        issue.profile = profile;
        issue.validitySeconds = 3600;
        auto certificate = Crypto::issueCertificate(issue);
        if (!certificate)
            return certificate.error();
        const Crypto::SecretBytes keyPem = key->toPem();
        if (!writeFile(QString::fromStdString(pair.certificatePath),
                       QByteArray::fromStdString(certificate->toPem())) ||
            !writeFile(QString::fromStdString(pair.keyPath),
                       QByteArray(reinterpret_cast<const char *>(keyPem.data()),
                                  qsizetype(keyPem.size()))) ||
            ::chmod(pair.keyPath.c_str(), 0600) != 0)
            return makeError("test.first_layout", "cannot write " + pair.certificatePath);
        return {};
    };
    if (auto admin =
            writeLeaf(paths.portalAdmin, "portal-admin", Crypto::CertificateProfile::TlsClient);
        !admin)
        return admin;
    return writeLeaf(paths.portalApi, "portal.lab.example", Crypto::CertificateProfile::TlsServer);
}

} // namespace Portal::Testing
