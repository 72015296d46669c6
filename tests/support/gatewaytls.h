#pragma once
// A gateway's TLS client configuration made the way the NAF makes it at enrolment: a fresh
// P-256 key and a client certificate for CN=<gateway id> signed by the lab PKI's portal CA,
// trusting that CA for the portal API. Header-only, so only the tests that include it link
// Portal::Crypto and Qt Network.

#include "tests/support/testfiles.h"

#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>

#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>

namespace Portal::Testing {

// A null local certificate in the answer when the PKI cannot be read.
inline QSslConfiguration gatewayTls(const Crypto::LabPkiPaths &pki, const QString &gatewayId,
                                    int validitySeconds = 3600)
{
    auto caCertificate =
        Crypto::Certificate::fromPem(readFile(pki.portalCa.certificatePath).toStdString());
    auto caKey = Crypto::PrivateKey::fromPem(readFile(pki.portalCa.keyPath).toStdString());
    auto key = Crypto::PrivateKey::generateP256();
    if (!caCertificate || !caKey || !key)
        return {};
    const Crypto::PublicKey publicKey = key->publicKey();
    Crypto::IssueRequest request;
    request.issuerCertificate = &*caCertificate;
    request.issuerKey = &*caKey;
    request.subjectPublicKey = &publicKey;
    request.commonName = gatewayId.toStdString();
    request.profile = Crypto::CertificateProfile::TlsClient;
    request.validitySeconds = validitySeconds;
    auto certificate = Crypto::issueCertificate(request);
    if (!certificate)
        return {};
    const Crypto::SecretBytes keyPem = key->toPem();
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(
        QSslCertificate(QByteArray::fromStdString(certificate->toPem()), QSsl::Pem));
    tls.setPrivateKey(
        QSslKey(QByteArray(reinterpret_cast<const char *>(keyPem.data()), qsizetype(keyPem.size())),
                QSsl::Ec, QSsl::Pem));
    tls.setCaCertificates(QSslCertificate::fromData(readFile(pki.portalCa.certificatePath)));
    tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    return tls;
}

} // namespace Portal::Testing
