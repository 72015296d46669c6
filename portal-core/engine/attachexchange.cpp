#include "attachexchange.h"

#include "portalengine.h"

#include <portal-core/crypto/attachcrypto.h>
#include <portal-core/crypto/es256.h>
#include <portal-core/protocol/attachexchange.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcAttach, "portal.engine.attach")

namespace Portal::Engine {

namespace {

Error internal(const Error &cause)
{
    qCWarning(lcAttach) << "attach exchange:" << QString::fromStdString(cause.message);
    return makeError("portal.internal", "the portal store failed; try again");
}

const uint8_t *bytes(const QByteArray &data)
{
    return reinterpret_cast<const uint8_t *>(data.constData());
}

QByteArray requestJson(const AttachRequest &request, const QByteArray &gatewayKey)
{
    return QJsonDocument(
               QJsonObject{
                   {QStringLiteral("vendor"), request.attributes.vendor},
                   {QStringLiteral("type"), request.attributes.type},
                   {QStringLiteral("subscriber"), request.attributes.subscriber},
                   {QStringLiteral("publicKey"), QString::fromLatin1(request.publicKey.toBase64())},
                   {QStringLiteral("gatewayKey"), QString::fromLatin1(gatewayKey.toBase64())}})
        .toJson(QJsonDocument::Compact);
}

AttachRequest requestFromJson(const QString &deviceId, const QByteArray &json,
                              QByteArray &gatewayKey)
{
    const QJsonObject object = QJsonDocument::fromJson(json).object();
    AttachRequest request;
    request.deviceId = deviceId;
    request.attributes.vendor = object.value(QStringLiteral("vendor")).toString();
    request.attributes.type = object.value(QStringLiteral("type")).toString();
    request.attributes.subscriber = object.value(QStringLiteral("subscriber")).toString();
    request.publicKey =
        QByteArray::fromBase64(object.value(QStringLiteral("publicKey")).toString().toLatin1());
    gatewayKey =
        QByteArray::fromBase64(object.value(QStringLiteral("gatewayKey")).toString().toLatin1());
    return request;
}

} // namespace

AttachExchange::AttachExchange(Store::Store &store,
                               std::shared_ptr<const Crypto::PrivateKey> authority)
    : m_store(store), m_authority(std::move(authority))
{
}

Result<AttachChallengeView> AttachExchange::issue(const QString &gatewayId,
                                                  const AttachRequest &request,
                                                  const QByteArray &gatewayKey)
{
    Store::AttachChallenge stored;
    stored.challenge.resize(qsizetype(Protocol::kAttachChallengeBytes));
    QRandomGenerator::system()->generate(stored.challenge.begin(), stored.challenge.end());
    stored.deviceId = request.deviceId;
    stored.gatewayId = gatewayId;
    stored.request = requestJson(request, gatewayKey);
    stored.expires = QDateTime::currentDateTimeUtc().addSecs(kChallengeLifetimeS);
    if (auto added = m_store.addAttachChallenge(stored); !added)
        return internal(added.error());
    return AttachChallengeView{request.deviceId, stored.challenge, stored.expires};
}

Result<QByteArray> AttachExchange::verify(const QString &gatewayId, const AttachProof &proof,
                                          AttachRequest &request)
{
    auto taken = m_store.takeAttachChallenge(proof.challenge);
    if (!taken) {
        if (taken.error().code != "store.not_found")
            return internal(taken.error());
        return makeError("portal.challenge_unknown",
                         "unknown, used or expired attach challenge; attach again from HELLO");
    }
    if (taken->gatewayId != gatewayId || taken->deviceId != proof.deviceId)
        return makeError("portal.challenge_unknown",
                         "this challenge was issued for another gateway or device");
    QByteArray gatewayKey;
    request = requestFromJson(taken->deviceId, taken->request, gatewayKey);
    const QByteArray deviceId = QByteArray::fromHex(proof.deviceId.toLatin1());
    if (deviceId.size() != qsizetype(Protocol::kDeviceIdBytes) ||
        gatewayKey.size() != qsizetype(Protocol::kPublicKeyBytes) ||
        proof.deviceKey.size() != qsizetype(Protocol::kPublicKeyBytes) ||
        proof.signature.size() != qsizetype(Crypto::kEs256RawSignatureBytes))
        return makeError("portal.proof_refused", "the proof's fields have the wrong sizes");
    auto deviceKey = Crypto::Es256PublicKey::fromUncompressedPoint(
        Crypto::ByteView(bytes(request.publicKey), size_t(request.publicKey.size())));
    if (!deviceKey)
        return makeError("portal.proof_refused", "the device's key is unusable");
    if (!Crypto::Es256PublicKey::fromUncompressedPoint(
            Crypto::ByteView(bytes(proof.deviceKey), size_t(proof.deviceKey.size()))))
        return makeError("portal.proof_refused", "the device's ephemeral key is not on P-256");
    const auto proofParts = Protocol::attachProofParts(bytes(proof.challenge), bytes(deviceId),
                                                       bytes(gatewayKey), bytes(proof.deviceKey));
    if (!Crypto::verifyParts(
            *deviceKey, Crypto::partsOf(proofParts),
            Crypto::ByteView(bytes(proof.signature), size_t(proof.signature.size()))))
        return makeError("portal.proof_refused",
                         "the proof does not verify with the device's registered key");
    if (!m_authority)
        return internal(makeError("attach.no_authority", "no device-authority key loaded"));
    const QByteArray gateway = gatewayId.toUtf8();
    const auto authorisationParts = Protocol::attachAuthorisationParts(
        bytes(deviceId), bytes(proof.challenge), bytes(gatewayKey), bytes(proof.deviceKey),
        gateway.constData(), size_t(gateway.size()));
    auto signature = Crypto::signParts(*m_authority, Crypto::partsOf(authorisationParts));
    if (!signature)
        return internal(signature.error());
    return QByteArray(reinterpret_cast<const char *>(signature->data()),
                      qsizetype(signature->size()));
}

} // namespace Portal::Engine
