#include "portalapi.h"

#include <portal-core/crypto/es256.h>
#include <portal-core/crypto/identity.h>
#include <portal-core/crypto/x509.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>

Q_LOGGING_CATEGORY(lcPortalApi, "portal.api")

namespace Portal::PortalApi {

namespace {

Error portalError(const char *code, std::string message)
{
    return makeError(code, std::move(message));
}

int statusFor(const Error &error)
{
    const std::string &code = error.code;
    if (code == "portal.invalid")
        return 400;
    if (code == "portal.unauthenticated" || code == "portal.reenrol")
        return 401;
    if (code == "portal.forbidden" || code == "portal.enrolment_refused" ||
        code == "portal.wrong_identity" || code == "portal.proof_refused")
        return 403;
    if (code == "portal.challenge_unknown")
        return 409;
    if (code == "portal.not_found")
        return 404;
    if (code == "portal.too_large")
        return 413;
    if (code == "portal.no_class")
        return 422;
    return 500;
}

Http::HttpAnswer errorAnswer(const Error &error)
{
    return Http::jsonError(statusFor(error), error);
}

// The gateway id of the typed name in a gateway CA certificate (DESIGN §7.1); the CN is
// never consulted except to name what was presented.
// `claimed` is set to what was presented (the typed name, else the CN) for the failure log.
Result<QString> authenticateGateway(const QSslCertificate &peer,
                                    const Crypto::Certificate *gatewayCa,
                                    const Crypto::Certificate *legacyCa, QString &claimed)
{
    claimed = QStringLiteral("(no certificate)");
    if (peer.isNull())
        return portalError("portal.unauthenticated",
                           "a gateway client certificate from the NAF is needed");
    auto leaf = Crypto::Certificate::fromPem(peer.toPem().toStdString());
    claimed = QStringLiteral("(unreadable)");
    if (!leaf)
        return portalError("portal.wrong_identity", "unreadable client certificate");
    const QString presented = QString::fromStdString(Crypto::describeIdentity(*leaf));
    // The CN is the caller's text: printable ASCII only and bounded before it is logged.
    claimed = presented.startsWith(QLatin1String(Crypto::kIdentityUriPrefix))
                  ? presented
                  : QStringLiteral("CN=") +
                        authFailureField(QString::fromStdString(leaf->subjectCommonName()), 64);
    if (gatewayCa) {
        auto name = Crypto::verifyIdentity(*leaf, *gatewayCa, Crypto::ChainPurpose::TlsClient,
                                           Crypto::IdentityType::Gateway);
        if (name && Store::isValidGatewayId(QString::fromStdString(*name)))
            return QString::fromStdString(*name);
        if (legacyCa && !Crypto::identityOf(*leaf) &&
            Crypto::verifyChain(*leaf, *legacyCa, Crypto::ChainPurpose::TlsClient))
            return portalError("portal.reenrol",
                               "this certificate is from the portal's former gateway "
                               "issuer; enrol again at the NAF");
        if (!name)
            return portalError("portal.wrong_identity",
                               "a gateway certificate from the gateway CA is needed: " +
                                   name.error().message);
    }
    return portalError("portal.wrong_identity",
                       "a gateway certificate from the gateway CA is needed");
}

bool isBoundedText(const QJsonValue &value, int maxChars)
{
    if (!value.isString() || value.toString().size() > maxChars)
        return false;
    for (const QChar c : value.toString()) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return false;
    }
    return true;
}

Result<QJsonObject> parseObject(const QByteArray &body)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return portalError("portal.invalid", "the body must be one JSON object");
    return document.object();
}

// A base64 text field of exactly `size` bytes.
Result<QByteArray> parseBase64(const QJsonObject &object, const char *name, qsizetype size)
{
    const QJsonValue value = object.value(QLatin1String(name));
    const std::string what =
        std::string(name) + " must be base64 of " + std::to_string(size) + " bytes";
    if (!value.isString() || value.toString().size() > 4 * size)
        return portalError("portal.invalid", what);
    auto decoded = QByteArray::fromBase64Encoding(value.toString().toLatin1(),
                                                  QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != size)
        return portalError("portal.invalid", what);
    return decoded.decoded;
}

// A P-256 point, SEC1 uncompressed (65 bytes), in base64.
Result<QByteArray> parsePoint(const QJsonObject &object, const char *name)
{
    auto point = parseBase64(object, name, 65);
    if (!point)
        return point.error();
    const auto *bytes = reinterpret_cast<const uint8_t *>(point->constData());
    if (!Crypto::Es256PublicKey::fromUncompressedPoint(Crypto::ByteView(bytes, 65)))
        return portalError("portal.invalid", std::string(name) + " is not a point on P-256");
    return *point;
}

// An attach request and the gateway's ephemeral point G that comes with it.
struct AttachCall
{
    Engine::AttachRequest request;
    QByteArray gatewayKey;
};

Result<AttachCall> parseAttach(const QJsonObject &object)
{
    AttachCall call;
    Engine::AttachRequest &request = call.request;
    const QJsonValue id = object.value(QStringLiteral("deviceId"));
    if (!id.isString() || !Store::isValidDeviceId(id.toString()))
        return portalError("portal.invalid", "deviceId must be 16 lowercase hex digits");
    request.deviceId = id.toString();
    for (const auto &[name, target] : {std::pair{"vendor", &request.attributes.vendor},
                                       std::pair{"type", &request.attributes.type},
                                       std::pair{"subscriber", &request.attributes.subscriber}}) {
        const QJsonValue value = object.value(QLatin1String(name));
        if (value.isUndefined())
            continue;
        if (!isBoundedText(value, Store::kMaxAttributeChars))
            return portalError("portal.invalid",
                               std::string(name) + " must be text of at most 64 printable chars");
        *target = value.toString();
    }
    auto publicKey = parsePoint(object, "publicKey");
    if (!publicKey)
        return publicKey.error();
    request.publicKey = *publicKey;
    auto gatewayKey = parsePoint(object, "gatewayKey");
    if (!gatewayKey)
        return gatewayKey.error();
    call.gatewayKey = *gatewayKey;
    return call;
}

Result<Engine::AttachProof> parseProof(const QString &deviceId, const QJsonObject &object)
{
    Engine::AttachProof proof;
    proof.deviceId = deviceId;
    auto challenge = parseBase64(object, "challenge", 16);
    if (!challenge)
        return challenge.error();
    proof.challenge = *challenge;
    auto deviceKey = parsePoint(object, "deviceKey");
    if (!deviceKey)
        return deviceKey.error();
    proof.deviceKey = *deviceKey;
    auto signature = parseBase64(object, "signature", 64);
    if (!signature)
        return signature.error();
    proof.signature = *signature;
    return proof;
}

constexpr int kMaxGatewayClockAheadS = 300;

Result<QDateTime> parseOptionalTime(const QJsonObject &object, const char *name)
{
    const QJsonValue value = object.value(QLatin1String(name));
    if (value.isUndefined())
        return QDateTime();
    QDateTime time;
    if (isBoundedText(value, 40))
        time = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    if (!time.isValid())
        return portalError("portal.invalid", std::string(name) + " must be an ISO 8601 UTC time");
    // The gateway's clock may drift a little; a time from the future is not a sighting.
    if (time > QDateTime::currentDateTimeUtc().addSecs(kMaxGatewayClockAheadS))
        return portalError("portal.invalid",
                           std::string(name) + " is later than the portal's clock allows");
    return time.toUTC();
}

Result<QList<Store::DeviceActivity>> parseDeviceActivity(const QJsonValue &devices)
{
    QList<Store::DeviceActivity> activity;
    if (devices.isUndefined())
        return activity;
    if (!devices.isArray() || devices.toArray().size() > kMaxHeartbeatDevices)
        return portalError("portal.invalid", "devices must be an array of at most " +
                                                 std::to_string(kMaxHeartbeatDevices) + " entries");
    for (const QJsonValue &entry : devices.toArray()) {
        const QJsonObject object = entry.toObject();
        Store::DeviceActivity line;
        line.deviceId = object.value(QStringLiteral("id")).toString();
        if (!Store::isValidDeviceId(line.deviceId))
            return portalError("portal.invalid", "each device needs an id of 16 lowercase hex");
        auto lastSeen = parseOptionalTime(object, "lastSeen");
        if (!lastSeen)
            return lastSeen.error();
        auto lastReading = parseOptionalTime(object, "lastReading");
        if (!lastReading)
            return lastReading.error();
        const auto signature = Store::signatureStateFromText(
            object.value(QStringLiteral("signature")).toString(QStringLiteral("none")));
        if (!signature)
            return portalError("portal.invalid", "signature must be none, verified, "
                                                 "bad_signature, replay or refused");
        line.lastSeen = *lastSeen;
        line.lastReading = *lastReading;
        const QJsonValue lastCounter = object.value(QStringLiteral("lastCounter"));
        if (!lastCounter.isUndefined()) {
            // A reading counter is a u32; toInteger refuses a fraction.
            const qint64 counter = lastCounter.toInteger(-1);
            if (counter < 0 || counter > 0xffffffffLL)
                return portalError("portal.invalid", "lastCounter must be an integer 0..2^32-1");
            line.lastCounter = counter;
        }
        line.signature = *signature;
        activity.append(line);
    }
    return activity;
}

Result<Store::Gateway> parseHeartbeat(const QString &gatewayId, const QJsonObject &object)
{
    Store::Gateway report;
    report.id = gatewayId;
    report.lastHeartbeat = QDateTime::currentDateTimeUtc();
    const QJsonValue version = object.value(QStringLiteral("version"));
    if (!version.isUndefined()) {
        if (!isBoundedText(version, 64))
            return portalError("portal.invalid", "version must be text of at most 64 chars");
        report.version = version.toString();
    }
    for (const auto &[name, target] : {std::pair{"deviceCount", &report.deviceCount},
                                       std::pair{"queueDepth", &report.queueDepth}}) {
        const QJsonValue value = object.value(QLatin1String(name));
        if (value.isUndefined())
            continue;
        const double number = value.toDouble(-1);
        if (!value.isDouble() || number < 0 || number > 1e9 || number != double(qint64(number)))
            return portalError("portal.invalid",
                               std::string(name) + " must be an integer 0..1000000000");
        *target = int(number);
    }
    const QJsonValue expiry = object.value(QStringLiteral("btidExpiry"));
    if (!expiry.isUndefined()) {
        if (!isBoundedText(expiry, 40))
            return portalError("portal.invalid", "btidExpiry must be an ISO 8601 UTC time");
        report.btidExpiry = QDateTime::fromString(expiry.toString(), Qt::ISODate);
        if (!report.btidExpiry.isValid())
            return portalError("portal.invalid", "btidExpiry must be an ISO 8601 UTC time");
    }
    return report;
}

QJsonObject toJson(const Engine::DeviceView &view)
{
    QJsonObject object{{QStringLiteral("deviceId"), view.deviceId},
                       {QStringLiteral("state"), Store::toText(view.state)}};
    if (!view.instanceUrl.isEmpty())
        object.insert(QStringLiteral("instanceUrl"), view.instanceUrl);
    if (!view.instanceName.isEmpty())
        object.insert(QStringLiteral("instanceName"), view.instanceName);
    if (!view.credential.isEmpty())
        object.insert(QStringLiteral("credential"), QString::fromLatin1(view.credential));
    if (!view.reason.isEmpty())
        object.insert(QStringLiteral("reason"), view.reason);
    return object;
}

} // namespace

PortalApi::PortalApi(Engine::PortalEngine &engine, PortalApiConfig config)
    : m_engine(engine), m_config(std::move(config))
{
    const auto parsed = [](const QByteArray &pem) -> std::unique_ptr<const Crypto::Certificate> {
        if (pem.isEmpty())
            return nullptr;
        auto certificate = Crypto::Certificate::fromPem(pem.toStdString());
        if (!certificate) {
            qCWarning(lcPortalApi) << "a gateway CA certificate is unreadable; gateways it "
                                      "issued are refused:"
                                   << certificate.error().message.c_str();
            return nullptr;
        }
        return std::make_unique<const Crypto::Certificate>(std::move(*certificate));
    };
    m_gatewayCa = parsed(m_config.gatewayCaPem);
    m_legacyGatewayCa = parsed(m_config.legacyGatewayCaPem);
}

PortalApi::~PortalApi() = default;

Http::HttpAnswer PortalApi::handle(const Http::HttpRequest &request)
{
    // Only a heartbeat carries a list that grows with the gateway's devices.
    if (request.body.size() > kMaxHeartbeatBytes ||
        (request.body.size() > kMaxRequestBytes &&
         !request.path.endsWith(QLatin1String("/heartbeat"))))
        return errorAnswer(portalError("portal.too_large",
                                       "request body larger than 16 KiB (a heartbeat: 192 KiB)"));
    QString claimed;
    auto authenticated = authenticateGateway(request.peerCertificate, m_gatewayCa.get(),
                                             m_legacyGatewayCa.get(), claimed);
    if (!authenticated) {
        m_engine.recordRefusedGateway(request.peerAddress.toString(), claimed,
                                      authenticated.error());
        return errorAnswer(authenticated.error());
    }
    const QString gatewayId = *authenticated;
    if (auto admitted = m_engine.admitGateway(gatewayId, request.path); !admitted)
        return errorAnswer(admitted.error());

    static const QRegularExpression heartbeatPath(
        QStringLiteral("^/api/v1/gateways/([^/]+)/heartbeat$"));
    static const QRegularExpression devicePath(QStringLiteral("^/api/v1/devices/([^/]+)$"));
    static const QRegularExpression proofPath(QStringLiteral("^/api/v1/devices/([^/]+)/proof$"));
    const auto methodNotAllowed = [] {
        return errorAnswer(portalError("portal.invalid", "method not allowed"));
    };

    if (const auto match = heartbeatPath.match(request.path); match.hasMatch()) {
        if (request.method != "POST")
            return methodNotAllowed();
        if (match.captured(1) != gatewayId)
            return errorAnswer(
                portalError("portal.forbidden", "a gateway may send only its own heartbeat"));
        auto object = parseObject(request.body);
        if (!object)
            return errorAnswer(object.error());
        auto report = parseHeartbeat(gatewayId, *object);
        if (!report)
            return errorAnswer(report.error());
        auto activity = parseDeviceActivity(object->value(QStringLiteral("devices")));
        if (!activity)
            return errorAnswer(activity.error());
        auto devices = m_engine.heartbeat(*report, *activity);
        if (!devices)
            return errorAnswer(devices.error());
        QJsonArray list;
        for (const Engine::DeviceView &view : *devices) {
            QJsonObject entry{{QStringLiteral("deviceId"), view.deviceId},
                              {QStringLiteral("state"), Store::toText(view.state)}};
            if (!view.instanceUrl.isEmpty())
                entry.insert(QStringLiteral("instanceUrl"), view.instanceUrl);
            if (!view.instanceName.isEmpty())
                entry.insert(QStringLiteral("instanceName"), view.instanceName);
            list.append(entry);
        }
        return Http::jsonAnswer(200, QJsonDocument(QJsonObject{
                                         {QStringLiteral("devices"), list},
                                         {QStringLiteral("serverTime"),
                                          QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}}));
    }
    if (request.path == QLatin1String("/api/v1/devices")) {
        if (request.method != "POST")
            return methodNotAllowed();
        auto object = parseObject(request.body);
        if (!object)
            return errorAnswer(object.error());
        auto parsed = parseAttach(*object);
        if (!parsed)
            return errorAnswer(parsed.error());
        auto challenge = m_engine.requestAttach(gatewayId, parsed->request, parsed->gatewayKey);
        if (!challenge)
            return errorAnswer(challenge.error());
        return Http::jsonAnswer(
            202,
            QJsonDocument(QJsonObject{
                {QStringLiteral("deviceId"), challenge->deviceId},
                {QStringLiteral("state"), QStringLiteral("proof_required")},
                {QStringLiteral("challenge"), QString::fromLatin1(challenge->challenge.toBase64())},
                {QStringLiteral("expires"), challenge->expires.toString(Qt::ISODate)}}));
    }
    if (const auto match = proofPath.match(request.path); match.hasMatch()) {
        if (request.method != "POST")
            return methodNotAllowed();
        const QString deviceId = match.captured(1);
        if (!Store::isValidDeviceId(deviceId))
            return errorAnswer(portalError("portal.not_found", "no such device"));
        auto object = parseObject(request.body);
        if (!object)
            return errorAnswer(object.error());
        auto proof = parseProof(deviceId, *object);
        if (!proof)
            return errorAnswer(proof.error());
        auto proven = m_engine.proveAttach(gatewayId, *proof);
        if (!proven)
            return errorAnswer(proven.error());
        QJsonObject body = toJson(proven->view);
        body.insert(QStringLiteral("authorisation"),
                    QString::fromLatin1(proven->authorisation.toBase64()));
        if (proven->view.state == Store::DeviceState::Pending) {
            Http::HttpAnswer answer = Http::jsonAnswer(202, QJsonDocument(body));
            answer.headers.append({"Retry-After", QByteArray::number(m_config.retryAfterS)});
            return answer;
        }
        return Http::jsonAnswer(200, QJsonDocument(body));
    }
    if (const auto match = devicePath.match(request.path); match.hasMatch()) {
        const QString deviceId = match.captured(1);
        if (!Store::isValidDeviceId(deviceId))
            return errorAnswer(portalError("portal.not_found", "no such device"));
        if (request.method == "GET") {
            auto result = m_engine.device(gatewayId, deviceId);
            if (!result)
                return errorAnswer(result.error());
            Http::HttpAnswer answer = Http::jsonAnswer(200, QJsonDocument(toJson(*result)));
            if (result->state == Store::DeviceState::Pending)
                answer.headers.append({"Retry-After", QByteArray::number(m_config.retryAfterS)});
            return answer;
        }
        if (request.method == "DELETE") {
            if (auto removed = m_engine.detach(gatewayId, deviceId); !removed)
                return errorAnswer(removed.error());
            Http::HttpAnswer answer;
            answer.status = 204;
            return answer;
        }
        return methodNotAllowed();
    }
    return errorAnswer(portalError("portal.not_found", "no such portal API resource"));
}

} // namespace Portal::PortalApi
