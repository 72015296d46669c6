#pragma once
// A gateway as the portal API sees it, for tests: its TLS client configuration made the way
// the NAF makes it at enrolment (a fresh P-256 key and a client certificate for CN=<gateway
// id> with the typed name urn:iot-portal:gateway:<id>, signed by the lab PKI's gateway CA,
// trusting the portal CA), a device's public key, and an
// attach request. Header-only, so only the tests that include it link Portal::Crypto and Qt
// Network.

#include "tests/support/testfiles.h"

#include <portal-core/crypto/attachcrypto.h>
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

#include <functional>
#include <map>

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

// The private keys of the device keys newDeviceKeyBase64() made, by their public base64, so
// that attachDeviceWithKey() can prove possession for them (and only for them).
inline std::map<QByteArray, Crypto::PrivateKey> &deviceKeys()
{
    static std::map<QByteArray, Crypto::PrivateKey> keys;
    return keys;
}

// Base64 of a fresh device key's 65-byte uncompressed public point.
inline QByteArray newDeviceKeyBase64()
{
    auto key = Crypto::PrivateKey::generateP256();
    const auto point = key->publicKeyUncompressedPoint();
    const QByteArray base64 =
        QByteArray(reinterpret_cast<const char *>(point.data()), qsizetype(point.size()))
            .toBase64();
    deviceKeys().emplace(base64, std::move(*key));
    return base64;
}

// The portal API's answer to an attach: HTTP status (-1 when no answer came in 15 s) and body.
struct AttachAnswer
{
    int status = -1;
    QJsonObject json;
    QByteArray retryAfter;
};

inline AttachAnswer postJson(const QSslConfiguration &gateway, quint16 port, const QString &path,
                             const QJsonObject &body)
{
    QNetworkAccessManager network;
    QNetworkRequest request{QUrl(QStringLiteral("https://127.0.0.1:%1%2").arg(port).arg(path))};
    request.setSslConfiguration(gateway);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = network.post(request, QJsonDocument(body).toJson());
    QSignalSpy finished(reply, &QNetworkReply::finished);
    AttachAnswer answer;
    if (!finished.wait(15000))
        return answer;
    reply->deleteLater();
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.retryAfter = reply->rawHeader("Retry-After");
    answer.json = QJsonDocument::fromJson(reply->readAll()).object();
    return answer;
}

// The attach exchange as a gateway runs it (docs/api.md "Attach"): POST /api/v1/devices (type
// meter, subscriber lab) with a fresh gateway key G, then POST /devices/{id}/proof signed, as
// the device would sign it, with the private key of `publicKeyBase64` when newDeviceKeyBase64()
// made it, else with `signer` when given (the device's own signing, r ‖ s over the proof
// string), else with an unrelated key (a gateway that knows only the public key). Answers the
// first refusal, or the proof's answer (200 ready / 202 pending, with the authorisation).
using ProofSigner = std::function<QByteArray(const QByteArray &signedBytes)>;
inline AttachAnswer attachDeviceWithKey(const QSslConfiguration &gateway, quint16 port,
                                        const QString &deviceId, const QString &vendor,
                                        const QByteArray &publicKeyBase64,
                                        const QString &type = QStringLiteral("meter"),
                                        const ProofSigner &signer = {})
{
    auto gatewayKey = Crypto::PrivateKey::generateP256();
    const auto gatewayPoint = gatewayKey->publicKeyUncompressedPoint();
    const QByteArray gatewayPointBytes(reinterpret_cast<const char *>(gatewayPoint.data()),
                                       qsizetype(gatewayPoint.size()));
    const QJsonObject body{
        {QStringLiteral("deviceId"), deviceId},
        {QStringLiteral("vendor"), vendor},
        {QStringLiteral("type"), type},
        {QStringLiteral("subscriber"), QStringLiteral("lab")},
        {QStringLiteral("publicKey"), QString::fromLatin1(publicKeyBase64)},
        {QStringLiteral("gatewayKey"), QString::fromLatin1(gatewayPointBytes.toBase64())}};
    const AttachAnswer challenged =
        postJson(gateway, port, QStringLiteral("/api/v1/devices"), body);
    if (challenged.status != 202 || challenged.json.value(QStringLiteral("state")).toString() !=
                                        QLatin1String("proof_required"))
        return challenged;
    const QByteArray challenge = QByteArray::fromBase64(
        challenged.json.value(QStringLiteral("challenge")).toString().toLatin1());
    auto deviceKey = Crypto::PrivateKey::generateP256(); // D
    const auto devicePoint = deviceKey->publicKeyUncompressedPoint();
    const QByteArray devicePointBytes(reinterpret_cast<const char *>(devicePoint.data()),
                                      qsizetype(devicePoint.size()));
    const auto known = deviceKeys().find(publicKeyBase64);
    auto impostor = Crypto::PrivateKey::generateP256();
    const QByteArray proven = QByteArray("iot-portal attach proof v2") + challenge +
                              QByteArray::fromHex(deviceId.toLatin1()) + gatewayPointBytes +
                              devicePointBytes;
    QByteArray signature;
    if (known == deviceKeys().end() && signer) {
        signature = signer(proven);
    } else {
        const Crypto::PrivateKey &key = known != deviceKeys().end() ? known->second : *impostor;
        const auto signedBytes = Crypto::signParts(
            key, {Crypto::ByteView(reinterpret_cast<const uint8_t *>(proven.constData()),
                                   size_t(proven.size()))});
        signature = QByteArray(reinterpret_cast<const char *>(signedBytes->data()), 64);
    }
    const QJsonObject proof{
        {QStringLiteral("challenge"), QString::fromLatin1(challenge.toBase64())},
        {QStringLiteral("deviceKey"), QString::fromLatin1(devicePointBytes.toBase64())},
        {QStringLiteral("signature"), QString::fromLatin1(signature.toBase64())}};
    return postJson(gateway, port, QStringLiteral("/api/v1/devices/%1/proof").arg(deviceId), proof);
}

// The same for a device with a fresh key; answers the HTTP status.
inline int attachDevice(const QSslConfiguration &gateway, quint16 port, const QString &deviceId,
                        const QString &vendor)
{
    return attachDeviceWithKey(gateway, port, deviceId, vendor, newDeviceKeyBase64()).status;
}

} // namespace Portal::Testing
