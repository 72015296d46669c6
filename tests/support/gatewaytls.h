#pragma once
// A gateway as the portal API sees it, for tests: its TLS client configuration made the way
// the NAF makes it at enrolment (a fresh P-256 key and a client certificate for CN=<gateway
// id> with the typed name urn:iot-portal:gateway:<id>, signed by the lab PKI's gateway CA,
// trusting the portal CA), a device's public key, and an
// attach request. Header-only, so only the tests that include it link Portal::Crypto and Qt
// Network.

#include "tests/support/testfiles.h"

#include <portal-core/crypto/identity.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>

namespace Portal::Testing {

// A null local certificate in the answer when the PKI cannot be read.
// issuer: the pair that signs (default the gateway CA); typedName false leaves the SAN URI out,
// as gateway certificates were before typed names.
inline QSslConfiguration gatewayTls(const Crypto::LabPkiPaths &pki, const QString &gatewayId,
                                    int validitySeconds = 3600,
                                    const Crypto::LabPkiFilePair *issuer = nullptr,
                                    bool typedName = true)
{
    const Crypto::LabPkiFilePair &signer = issuer ? *issuer : pki.gatewayCa;
    auto caCertificate =
        Crypto::Certificate::fromPem(readFile(signer.certificatePath).toStdString());
    auto caKey = Crypto::PrivateKey::fromPem(readFile(signer.keyPath).toStdString());
    auto key = Crypto::PrivateKey::generateP256();
    if (!caCertificate || !caKey || !key)
        return {};
    const Crypto::PublicKey publicKey = key->publicKey();
    Crypto::IssueRequest request;
    request.issuerCertificate = &*caCertificate;
    request.issuerKey = &*caKey;
    request.subjectPublicKey = &publicKey;
    request.commonName = gatewayId.toStdString();
    if (typedName)
        request.uris = {
            Crypto::identityUri(Crypto::IdentityType::Gateway, gatewayId.toStdString())};
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

// Base64 of a fresh device key's 65-byte uncompressed public point.
inline QByteArray newDeviceKeyBase64()
{
    auto key = Crypto::PrivateKey::generateP256();
    const auto point = key->publicKeyUncompressedPoint();
    return QByteArray(reinterpret_cast<const char *>(point.data()), qsizetype(point.size()))
        .toBase64();
}

// The portal API's answer to an attach: HTTP status (-1 when no answer came in 15 s) and body.
struct AttachAnswer
{
    int status = -1;
    QJsonObject json;
};

// POST /api/v1/devices (type meter, subscriber lab) to the portal API on 127.0.0.1:port.
inline AttachAnswer attachDeviceWithKey(const QSslConfiguration &gateway, quint16 port,
                                        const QString &deviceId, const QString &vendor,
                                        const QByteArray &publicKeyBase64)
{
    QNetworkAccessManager network;
    QNetworkRequest request{QUrl(QStringLiteral("https://127.0.0.1:%1/api/v1/devices").arg(port))};
    request.setSslConfiguration(gateway);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    const QJsonObject body{{QStringLiteral("deviceId"), deviceId},
                           {QStringLiteral("vendor"), vendor},
                           {QStringLiteral("type"), QStringLiteral("meter")},
                           {QStringLiteral("subscriber"), QStringLiteral("lab")},
                           {QStringLiteral("publicKey"), QString::fromLatin1(publicKeyBase64)}};
    QNetworkReply *reply = network.post(request, QJsonDocument(body).toJson());
    QSignalSpy finished(reply, &QNetworkReply::finished);
    AttachAnswer answer;
    if (!finished.wait(15000))
        return answer;
    reply->deleteLater();
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.json = QJsonDocument::fromJson(reply->readAll()).object();
    return answer;
}

// The same for a device with a fresh key; answers the HTTP status.
inline int attachDevice(const QSslConfiguration &gateway, quint16 port, const QString &deviceId,
                        const QString &vendor)
{
    return attachDeviceWithKey(gateway, port, deviceId, vendor, newDeviceKeyBase64()).status;
}

} // namespace Portal::Testing
