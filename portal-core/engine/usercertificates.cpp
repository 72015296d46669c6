#include "usercertificates.h"

#include <portal-core/crypto/identity.h>
#include <portal-core/crypto/x509.h>

namespace Portal::Engine {

Result<Store::UserCertificate> issueUserCertificate(Store::Store &store,
                                                    const Crypto::Certificate &usersCa,
                                                    const Crypto::PrivateKey &usersCaKey,
                                                    const UserCertificateRequest &request)
{
    if (!Store::isValidName(request.name))
        return makeError("user.invalid", "a user name is 1..64 of [A-Za-z0-9._-]");
    if (request.validityDays < 1 || request.validityDays > kMaxUserCertificateDays)
        return makeError("user.invalid", "a user certificate is valid for 1 to 825 days");
    auto csr = Crypto::parseCsr(request.csrPem.toStdString());
    if (!csr)
        return csr.error();
    const std::string name = request.name.toStdString();
    Crypto::IssueRequest issue;
    issue.issuerCertificate = &usersCa;
    issue.issuerKey = &usersCaKey;
    issue.subjectPublicKey = &csr->publicKey;
    issue.commonName = name;
    issue.uris = {Crypto::identityUri(Crypto::IdentityType::User, name)};
    issue.profile = Crypto::CertificateProfile::TlsClient;
    issue.validitySeconds = int64_t(request.validityDays) * 86'400;
    auto certificate = Crypto::issueCertificate(issue);
    if (!certificate)
        return certificate.error();
    Store::UserCertificate record;
    record.serialHex = QString::fromStdString(certificate->serialHex());
    record.name = request.name;
    record.certificatePem = QByteArray::fromStdString(certificate->toPem());
    record.notAfter = QDateTime::fromSecsSinceEpoch(certificate->notAfterUnixSeconds(), Qt::UTC);
    if (auto added = store.addUserCertificate(record); !added)
        return added.error();
    return record;
}

} // namespace Portal::Engine
