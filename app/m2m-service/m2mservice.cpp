#include "m2mservice.h"

#include <portal-core/crypto/identity.h>
#include <portal-core/crypto/secure.h>
#include <portal-core/crypto/signedreading.h>
#include <portal-core/onem2m/resourcejson.h>
#include <portal-core/protocol/cose.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QTimer>
#include <QWebSocket>

#include <cmath>
#include <cstring>
#include <limits>

Q_LOGGING_CATEGORY(lcM2m, "portal.m2m")

namespace Portal::M2mService {

namespace {

using OneM2M::Operation;
using OneM2M::ResponseStatusCode;

constexpr qsizetype kMaxPathBytes = 512;
constexpr qsizetype kMaxOriginatorBytes = 256;
constexpr qsizetype kMaxRequestIdBytes = 128;

// What a refused admin caller presented, for the failed-authentication row.
QString presentedName(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return QStringLiteral("(no certificate)");
    auto leaf = Crypto::Certificate::fromPem(certificate.toPem().toStdString());
    return leaf ? QString::fromStdString(Crypto::describeIdentity(*leaf))
                : QStringLiteral("(unreadable certificate)");
}
constexpr int kDefaultChildLimit = 100;
constexpr int kMaxChildLimit = 500;

Http::HttpAnswer error(int status, const char *code, const std::string &message)
{
    return Http::jsonError(status, makeError(code, message));
}

Http::HttpAnswer json(int status, const QJsonObject &object)
{
    return Http::jsonAnswer(status, QJsonDocument(object));
}

int rscFor(int status)
{
    switch (status) {
    case 200:
        return int(ResponseStatusCode::Ok);
    case 201:
        return int(ResponseStatusCode::Created);
    case 204:
        return int(ResponseStatusCode::Deleted);
    case 401:
    case 403:
        return int(ResponseStatusCode::OriginatorHasNoPrivilege);
    case 404:
        return int(ResponseStatusCode::NotFound);
    case 405:
        return int(ResponseStatusCode::OperationNotAllowed);
    case 500:
        return int(ResponseStatusCode::InternalServerError);
    default:
        return status >= 500 ? int(ResponseStatusCode::InternalServerError)
                             : int(ResponseStatusCode::BadRequest);
    }
}

bool isPolicyName(const QString &text)
{
    if (text.isEmpty() || text.size() > 64)
        return false;
    for (QChar c : text) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('-') &&
            c != QLatin1Char('_') && c != QLatin1Char('.'))
            return false;
    }
    return true;
}

// Printable ASCII only: an echoed header must not be able to inject another one.
bool isHeaderSafe(const QByteArray &value)
{
    for (char c : value) {
        if (c < 0x20 || c > 0x7e)
            return false;
    }
    return true;
}

std::optional<qint64> integral(const QJsonValue &value, qint64 min, qint64 max)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (!std::isfinite(number) || number != std::floor(number) || number < double(min) ||
        number > double(max))
        return std::nullopt;
    return qint64(number);
}

// "r5" or "<deviceId>-r5" → 5.
std::optional<qint64> childNumber(const QString &child, const QString &deviceId, QChar prefix)
{
    QString name = child;
    const QString qualified = deviceId + QLatin1Char('-');
    if (name.startsWith(qualified))
        name = name.mid(qualified.size());
    if (name.size() < 2 || name.size() > 12 || name[0] != prefix)
        return std::nullopt;
    bool ok = false;
    const qint64 number = name.mid(1).toLongLong(&ok);
    if (!ok || number < 0 || !name[1].isDigit())
        return std::nullopt;
    return number;
}

OneM2M::ContentInstance readingInstance(const ReadingRecord &reading)
{
    OneM2M::ContentInstance cin;
    const QString counter = QString::number(reading.counter);
    cin.resourceName = QStringLiteral("r") + counter;
    cin.resourceId = reading.deviceId + QStringLiteral("-r") + counter;
    cin.parentId = reading.deviceId + QStringLiteral("-data");
    cin.created = reading.received;
    cin.lastModified = reading.received;
    cin.stateTag = reading.counter;
    cin.contentInfo = QString::fromLatin1(kSignedReadingContentInfo);
    const QString content = QString::fromLatin1(reading.cose.toBase64());
    cin.content = content;
    cin.contentSize = content.size();
    // The verified fields, so viewers need not decode COSE to chart the data.
    cin.labels = {QStringLiteral("verified"),
                  QStringLiteral("counter:") + counter,
                  QStringLiteral("sensor:") + QString::number(reading.sensorIndex),
                  QStringLiteral("value:") + QString::number(reading.value),
                  QStringLiteral("scale:") + QString::number(reading.scaleExponent),
                  QStringLiteral("unit:") + reading.unit};
    return cin;
}

QJsonObject commandContent(const CommandRecord &command)
{
    QJsonObject content{{QStringLiteral("commandId"), command.commandId},
                        {QStringLiteral("actuator"), command.actuator},
                        {QStringLiteral("value"), command.value},
                        {QStringLiteral("status"), command.status}};
    if (command.statusValue)
        content.insert(QStringLiteral("statusValue"), *command.statusValue);
    return content;
}

OneM2M::ContentInstance commandInstance(const CommandRecord &command)
{
    OneM2M::ContentInstance cin;
    const QString id = QString::number(command.commandId);
    cin.resourceName = QStringLiteral("c") + id;
    cin.resourceId = command.deviceId + QStringLiteral("-c") + id;
    cin.parentId = command.deviceId + QStringLiteral("-commands");
    cin.created = command.created;
    cin.lastModified = command.updated;
    cin.stateTag = quint64(command.revision);
    cin.contentInfo = QStringLiteral("application/json");
    const QJsonObject content = commandContent(command);
    cin.content = content;
    cin.contentSize = QJsonDocument(content).toJson(QJsonDocument::Compact).size();
    return cin;
}

} // namespace

struct M2mService::Caller
{
    QString originator;
    bool admin = false;
    bool gateway = false; // presented this device's credential
};

M2mService::M2mService(M2mStore &store, M2mServiceConfig config)
    : m_store(store), m_config(std::move(config)), m_started(QDateTime::currentDateTimeUtc()),
      m_authenticator(m_store, m_config.adminClientCa),
      m_commands(std::make_unique<CommandChannel>(m_store, m_authenticator))
{
}

M2mService::~M2mService()
{
    closeWebSockets();
}

Result<std::unique_ptr<M2mService>> M2mService::create(M2mStore &store, M2mServiceConfig config)
{
    std::unique_ptr<M2mService> service(new M2mService(store, std::move(config)));
    if (auto loaded = service->reloadPolicies(); !loaded)
        return loaded.error();
    return service;
}

Result<void> M2mService::reloadPolicies()
{
    auto documents = m_store.policies();
    if (!documents)
        return documents.error();
    QList<OneM2M::AccessControlPolicy> policies;
    for (const QByteArray &document : *documents) {
        auto policy = OneM2M::parseAccessControlPolicy(document, OneM2M::kMaxResourceJsonBytes);
        if (!policy)
            return makeError("m2m.store", "stored policy does not parse: " + policy.error().code);
        policies.append(*policy);
    }
    m_policies = policies;
    return {};
}

const Crypto::Es256PublicKey *M2mService::publicKey(const DeviceRecord &device)
{
    auto found = m_keys.find(device.deviceId);
    if (found != m_keys.end() && found->second.first == device.publicKey)
        return &found->second.second;
    auto key = Crypto::Es256PublicKey::fromUncompressedPoint(
        Crypto::ByteView(reinterpret_cast<const uint8_t *>(device.publicKey.constData()),
                         size_t(device.publicKey.size())));
    if (!key)
        return nullptr;
    m_keys.erase(device.deviceId);
    auto inserted =
        m_keys.emplace(device.deviceId, std::make_pair(device.publicKey, std::move(*key)));
    return &inserted.first->second.second;
}

Http::HttpAnswer M2mService::handle(const Http::HttpRequest &request)
{
    if (request.path.size() > kMaxPathBytes)
        return error(414, "m2m.too_long", "request path too long");
    const QStringList segments = request.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (segments.value(0) == QLatin1String("admin") && segments.value(1) == QLatin1String("v1"))
        return handleAdmin(request, segments.mid(2));
    if (segments.value(0) != QLatin1String("m2m"))
        return error(404, "m2m.not_found", "no such resource");

    Http::HttpAnswer answer = handleOneM2M(request, segments.mid(1));
    answer.headers.append(
        qMakePair(QByteArray("X-M2M-RSC"), QByteArray::number(rscFor(answer.status))));
    const QByteArray requestId = request.header("X-M2M-RI");
    if (!requestId.isEmpty() && requestId.size() <= kMaxRequestIdBytes && isHeaderSafe(requestId))
        answer.headers.append(qMakePair(QByteArray("X-M2M-RI"), requestId));
    return answer;
}

Http::HttpAnswer M2mService::handleOneM2M(const Http::HttpRequest &request,
                                          const QStringList &segments)
{
    Caller caller;
    const QByteArray origin = request.header("X-M2M-Origin");
    if (origin.isEmpty() || origin.size() > kMaxOriginatorBytes || !isHeaderSafe(origin))
        return error(400, "m2m.no_originator", "X-M2M-Origin is required (printable, ≤ 256)");
    caller.originator = QString::fromLatin1(origin);
    caller.admin = m_authenticator.isAdminCertificate(request.peerCertificate);
    if (caller.originator == QLatin1String(kAdminOriginator) && !caller.admin)
        return error(403, "m2m.forbidden",
                     "the admin originator needs the portal's client certificate");
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto granted = [&](Operation operation) {
        return caller.admin || OneM2M::policiesGrant(m_policies, {caller.originator, operation, now,
                                                                  request.peerAddress});
    };

    if (segments.isEmpty()) {
        if (request.method != "GET")
            return error(405, "m2m.method_not_allowed", "the CSEBase supports retrieve only");
        if (!granted(Operation::Retrieve))
            return error(403, "m2m.forbidden", "no privilege to retrieve the CSEBase");
        const OneM2M::CseBase cse{QStringLiteral("cse-") + m_config.instanceName,
                                  QStringLiteral("m2m"),
                                  QStringLiteral("/") + m_config.instanceName, m_started};
        return json(200, OneM2M::toJson(cse));
    }

    const QString deviceId = segments[0];
    if (!isDeviceId(deviceId))
        return error(404, "m2m.unknown_device", "device ids are 16 lowercase hex digits");
    auto found = m_store.device(deviceId);
    if (!found)
        return error(500, "m2m.internal", "the store failed");
    if (!*found)
        return error(404, "m2m.unknown_device", "no such device on this instance");
    const DeviceRecord &device = **found;
    const QByteArray authorization = request.header("Authorization");
    if (!authorization.isEmpty()) {
        if (m_authenticator.isRateLimited(request.peerAddress)) {
            m_authenticator.recordFailure(request.peerAddress, deviceId, "m2m.rate_limited");
            Http::HttpAnswer limited =
                error(429, "m2m.rate_limited", "too many wrong credentials from this address");
            limited.headers.append(
                qMakePair(QByteArray("Retry-After"), QByteArray::number(kAuthenticationWindowS)));
            return limited;
        }
        if (!Authenticator::bearerMatches(authorization, device)) {
            m_authenticator.countFailure(request.peerAddress, deviceId, "m2m.unauthenticated");
            qCInfo(lcM2m).noquote() << "refused a credential for" << deviceId << "from"
                                    << request.peerAddress.toString();
            Http::HttpAnswer refused =
                error(401, "m2m.unauthenticated", "the credential does not match this device");
            refused.headers.append(qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Bearer")));
            return refused;
        }
        caller.gateway = true;
    }

    if (segments.size() == 1) {
        if (request.method != "GET")
            return error(405, "m2m.method_not_allowed", "the device AE supports retrieve only");
        if (!granted(Operation::Retrieve))
            return error(403, "m2m.forbidden", "no privilege to retrieve this AE");
        OneM2M::Ae ae;
        ae.resourceId = QStringLiteral("C") + deviceId;
        ae.resourceName = deviceId;
        ae.parentId = QStringLiteral("cse-") + m_config.instanceName;
        ae.aeId = ae.resourceId;
        ae.appId = QStringLiteral("Nportal.device");
        ae.created = device.created;
        ae.lastModified = device.updated;
        if (device.revoked)
            ae.labels.append(QStringLiteral("revoked"));
        if (device.removed)
            ae.labels.append(QStringLiteral("removed"));
        return json(200, OneM2M::toJson(ae));
    }

    const QString container = segments[1];
    const bool data = container == QLatin1String("data");
    if (!data && container != QLatin1String("commands"))
        return error(404, "m2m.not_found", "a device has the containers data and commands");
    if (segments.size() > 3)
        return error(404, "m2m.not_found", "no such resource");
    if (segments.size() == 3 && !data && segments[2] == QLatin1String("ws"))
        return error(426, "m2m.upgrade_required", "the command channel is a WebSocket");

    if (request.method == "POST" && segments.size() == 2) {
        if (!(granted(Operation::Create) || (caller.gateway && data)))
            return error(403, "m2m.forbidden", "no privilege to create here");
        return data ? createReading(request, device)
                    : createCommand(request, device, caller.originator);
    }
    if (request.method != "GET")
        return error(405, "m2m.method_not_allowed", "containers support create and retrieve");
    if (!(granted(Operation::Retrieve) || (caller.gateway && !data)))
        return error(403, "m2m.forbidden", "no privilege to retrieve this resource");
    if (segments.size() == 3)
        return retrieveInContainer(device, container, segments[2]);

    // rcn=4 (attributes and child resources, TS-0004 §6.3.3.2.16) adds the newest `lim`
    // contentInstances, oldest first; the GUI charts readings and lists commands from it.
    const QString resultContent = request.query.queryItemValue(QStringLiteral("rcn"));
    const QString limitText = request.query.queryItemValue(QStringLiteral("lim"));
    const bool withChildren = resultContent == QLatin1String("4");
    if (!resultContent.isEmpty() && resultContent != QLatin1String("1") && !withChildren)
        return error(400, "m2m.malformed", "rcn must be 1 (attributes) or 4 (with children)");
    bool limitOk = true;
    const int limit = limitText.isEmpty() ? kDefaultChildLimit : limitText.toInt(&limitOk);
    if (!limitOk || limit < 1 || limit > kMaxChildLimit)
        return error(400, "m2m.malformed", "lim must be 1..500");

    auto stats = data ? m_store.readingStats(deviceId) : m_store.commandStats(deviceId);
    if (!stats)
        return error(500, "m2m.internal", "the store failed");
    OneM2M::Container cnt;
    cnt.resourceId = deviceId + QLatin1Char('-') + container;
    cnt.resourceName = container;
    cnt.parentId = QStringLiteral("C") + deviceId;
    cnt.created = device.created;
    cnt.lastModified = device.updated;
    cnt.stateTag = data ? quint64(std::max<qint64>(device.lastCounter, 0)) : quint64(stats->count);
    cnt.currentInstances = stats->count;
    cnt.currentByteSize = stats->bytes;
    QJsonObject answer = OneM2M::toJson(cnt);
    if (!withChildren)
        return json(200, answer);
    QJsonArray children;
    if (data) {
        auto readings = m_store.recentReadings(deviceId, limit);
        if (!readings)
            return error(500, "m2m.internal", "the store failed");
        for (const ReadingRecord &reading : *readings)
            children.append(
                OneM2M::toJson(readingInstance(reading)).value(QStringLiteral("m2m:cin")));
    } else {
        auto commands = m_store.recentCommands(deviceId, limit);
        if (!commands)
            return error(500, "m2m.internal", "the store failed");
        for (const CommandRecord &command : *commands)
            children.append(
                OneM2M::toJson(commandInstance(command)).value(QStringLiteral("m2m:cin")));
    }
    QJsonObject attributes = answer.value(QStringLiteral("m2m:cnt")).toObject();
    attributes.insert(QStringLiteral("m2m:cin"), children);
    return json(200, QJsonObject{{QStringLiteral("m2m:cnt"), attributes}});
}

Http::HttpAnswer M2mService::rejectReading(int status, const char *code, const std::string &message)
{
    if (auto counted = m_store.countRejectedReading(); !counted)
        qCWarning(lcM2m).noquote() << QString::fromStdString(counted.error().message);
    qCInfo(lcM2m) << "reading refused:" << code;
    return error(status, code, message);
}

Http::HttpAnswer M2mService::createReading(const Http::HttpRequest &request,
                                           const DeviceRecord &device)
{
    if (request.body.size() > kMaxReadingBodyBytes)
        return rejectReading(413, "m2m.too_large", "a reading body is at most 4 KiB");
    const QByteArray contentType = request.header("Content-Type");
    if (contentType.contains("ty=") && !contentType.contains("ty=4"))
        return rejectReading(400, "m2m.malformed", "readings are contentInstances (ty=4)");
    auto create = OneM2M::parseContentInstanceCreate(request.body, kMaxReadingBodyBytes);
    if (!create)
        return rejectReading(400, "m2m.malformed", create.error().message);
    if (!create->contentInfo.isEmpty() &&
        create->contentInfo != QLatin1String(kSignedReadingContentInfo))
        return rejectReading(400, "m2m.malformed",
                             std::string("cnf must be ") + kSignedReadingContentInfo);
    if (!create->content.isString())
        return rejectReading(400, "m2m.malformed", "con must be base64 of a COSE_Sign1");
    const QByteArray cose = QByteArray::fromBase64(create->content.toString().toLatin1(),
                                                   QByteArray::AbortOnBase64DecodingErrors);
    if (cose.isEmpty() || cose.size() > qsizetype(Protocol::kMaxSign1Bytes))
        return rejectReading(400, "m2m.malformed", "con must be base64 of a COSE_Sign1");
    if (device.revoked || device.removed)
        return rejectReading(403, "m2m.revoked", "this device is revoked on this instance");

    const Crypto::Es256PublicKey *key = publicKey(device);
    if (!key)
        return error(500, "m2m.internal", "the stored device key does not import");
    uint8_t deviceIdBytes[Protocol::kDeviceIdBytes];
    const QByteArray idBytes = QByteArray::fromHex(device.deviceId.toLatin1());
    std::memcpy(deviceIdBytes, idBytes.constData(), sizeof deviceIdBytes);
    auto verified = Crypto::verifySignedReading(
        Crypto::ByteView(reinterpret_cast<const uint8_t *>(cose.constData()), size_t(cose.size())),
        *key, deviceIdBytes);
    if (!verified) {
        const std::string &code = verified.error().code;
        return rejectReading(400,
                             code == "reading.bad_signature"  ? "m2m.bad_signature"
                             : code == "reading.other_device" ? "m2m.unknown_device"
                                                              : "m2m.malformed",
                             code == "reading.other_device" ? "the kid does not name this device"
                                                            : verified.error().message);
    }
    const Protocol::SignedReading &signedReading = *verified;

    ReadingRecord record;
    record.deviceId = device.deviceId;
    record.counter = signedReading.counter;
    record.sensorIndex = signedReading.sensorIndex;
    record.value = signedReading.value;
    record.scaleExponent = signedReading.scaleExponent;
    record.unit = QString::fromUtf8(signedReading.unit, signedReading.unitSize);
    record.cose = cose;
    record.received = QDateTime::currentDateTimeUtc();
    auto outcome = m_store.storeReading(record);
    if (!outcome) {
        qCWarning(lcM2m).noquote() << QString::fromStdString(outcome.error().message);
        return error(500, "m2m.internal", "the store failed");
    }
    switch (outcome->verdict) {
    case ReadingVerdict::Stored:
        if (outcome->countersSkipped > 0)
            qCInfo(lcM2m).noquote()
                << "device" << device.deviceId << "skipped" << outcome->countersSkipped
                << "counter(s) before" << record.counter
                << "(readings lost before the gateway, or unused after a device reset)";
        return json(201, OneM2M::toJson(readingInstance(record)));
    case ReadingVerdict::IdenticalResend: {
        auto stored = m_store.reading(device.deviceId, record.counter);
        if (!stored || !*stored)
            return error(500, "m2m.internal", "the store failed");
        return json(200, OneM2M::toJson(readingInstance(**stored)));
    }
    case ReadingVerdict::BelowFloor:
        return rejectReading(409, "m2m.below_floor",
                             "counter " + std::to_string(record.counter) +
                                 " was accepted before, on another instance; not stored again");
    case ReadingVerdict::Replay:
        break;
    }
    return rejectReading(400, "m2m.replay",
                         "counter " + std::to_string(record.counter) +
                             " is not above the last accepted one");
}

Http::HttpAnswer M2mService::createCommand(const Http::HttpRequest &request,
                                           const DeviceRecord &device, const QString &originator)
{
    if (request.body.size() > kMaxCommandBodyBytes)
        return error(413, "m2m.too_large", "a command body is at most 4 KiB");
    auto create = OneM2M::parseContentInstanceCreate(request.body, kMaxCommandBodyBytes);
    if (!create)
        return error(400, "m2m.malformed", create.error().message);
    QJsonObject content = create->content.toObject();
    if (create->content.isString()) {
        const QJsonDocument inner = QJsonDocument::fromJson(create->content.toString().toUtf8());
        content = inner.object();
    }
    const auto actuator = integral(content.value(QStringLiteral("actuator")), 0, 255);
    const auto value = integral(content.value(QStringLiteral("value")), INT32_MIN, INT32_MAX);
    if (!actuator || !value || content.size() != 2)
        return error(400, "m2m.malformed",
                     "con must be {\"actuator\": 0..255, \"value\": 32-bit integer}");
    if (device.revoked || device.removed)
        return error(403, "m2m.revoked", "this device is revoked on this instance");
    auto command = m_store.addCommand(device.deviceId, int(*actuator), qint32(*value), originator);
    if (!command)
        return error(500, "m2m.internal", "the store failed");
    qCInfo(lcM2m).noquote() << "command" << command->commandId << "for" << device.deviceId << "from"
                            << originator;
    if (m_commands->send(device.deviceId, *command)) {
        if (auto again = m_store.command(device.deviceId, command->commandId); again && *again)
            return json(201, OneM2M::toJson(commandInstance(**again)));
    }
    return json(201, OneM2M::toJson(commandInstance(*command)));
}

Http::HttpAnswer M2mService::retrieveInContainer(const DeviceRecord &device,
                                                 const QString &container, const QString &child)
{
    const bool latest = child == QLatin1String("la");
    const bool oldest = child == QLatin1String("ol");
    if (container == QLatin1String("data")) {
        Result<std::optional<ReadingRecord>> reading = std::optional<ReadingRecord>();
        if (latest || oldest) {
            reading = latest ? m_store.latestReading(device.deviceId)
                             : m_store.oldestReading(device.deviceId);
        } else {
            const auto counter = childNumber(child, device.deviceId, QLatin1Char('r'));
            if (!counter || *counter > UINT32_MAX)
                return error(404, "m2m.not_found", "no such reading");
            reading = m_store.reading(device.deviceId, quint32(*counter));
        }
        if (!reading)
            return error(500, "m2m.internal", "the store failed");
        if (!*reading)
            return error(404, "m2m.not_found", "no such reading");
        return json(200, OneM2M::toJson(readingInstance(**reading)));
    }
    Result<std::optional<CommandRecord>> command = std::optional<CommandRecord>();
    if (latest || oldest) {
        command = latest ? m_store.latestCommand(device.deviceId)
                         : m_store.oldestCommand(device.deviceId);
    } else {
        const auto id = childNumber(child, device.deviceId, QLatin1Char('c'));
        if (!id)
            return error(404, "m2m.not_found", "no such command");
        command = m_store.command(device.deviceId, *id);
    }
    if (!command)
        return error(500, "m2m.internal", "the store failed");
    if (!*command)
        return error(404, "m2m.not_found", "no such command");
    return json(200, OneM2M::toJson(commandInstance(**command)));
}

Http::HttpAnswer M2mService::handleAdmin(const Http::HttpRequest &request,
                                         const QStringList &segments)
{
    if (!m_config.adminClientCa)
        return error(403, "m2m.admin_requires_tls",
                     "the admin API needs HTTPS with --admin-client-ca");
    if (auto admin = m_authenticator.adminIdentity(request.peerCertificate); !admin) {
        ++m_adminRefusals;
        m_authenticator.recordFailure(request.peerAddress,
                                      presentedName(request.presentedCertificate), "m2m.not_admin");
        qCWarning(lcM2m).noquote()
            << "admin API refused a caller from" << request.peerAddress.toString() << ":"
            << QString::fromStdString(admin.error().message);
        return error(403, "m2m.not_admin",
                     "the admin API needs the portal's admin identity (admin CA, typed admin "
                     "name, admin policy): " +
                         admin.error().code);
    }
    if (request.body.size() > kMaxAdminBodyBytes)
        return error(413, "m2m.too_large", "admin request bodies are at most 16 KiB");

    if (segments == QStringList{QStringLiteral("auth-failures")}) {
        if (request.method != "GET")
            return error(405, "m2m.method_not_allowed", "auth-failures supports GET");
        bool sinceOk = true;
        const QString sinceText = request.query.queryItemValue(QStringLiteral("since"));
        const qint64 sinceMs = sinceText.isEmpty() ? -1 : sinceText.toLongLong(&sinceOk);
        if (!sinceOk)
            return error(400, "m2m.bad_query", "since is milliseconds since the epoch");
        auto rows = m_store.authFailures(sinceMs, kMaxAuthFailureRows);
        if (!rows)
            return error(500, "m2m.internal", "the store failed");
        QJsonArray array;
        for (const AuthFailure &row : *rows)
            array.append(authFailureToJson(row));
        return json(200, QJsonObject{{QStringLiteral("authFailures"), array}});
    }

    if (segments == QStringList{QStringLiteral("health")}) {
        if (request.method != "GET")
            return error(405, "m2m.method_not_allowed", "health supports GET");
        auto devices = m_store.activeDeviceCount();
        auto stored = m_store.readingsStored();
        auto rejected = m_store.readingsRejected();
        auto skipped = m_store.countersSkipped();
        if (!devices || !stored || !rejected || !skipped)
            return error(500, "m2m.internal", "the store failed");
        return json(200,
                    QJsonObject{{QStringLiteral("devices"), *devices},
                                {QStringLiteral("readingsStored"), *stored},
                                {QStringLiteral("readingsRejected"), *rejected},
                                {QStringLiteral("countersSkipped"), *skipped},
                                {QStringLiteral("adminRefusals"), qint64(m_adminRefusals)},
                                {QStringLiteral("instance"), m_config.instanceName},
                                {QStringLiteral("commandSockets"), m_commands->socketCount()}});
    }

    if (segments.size() == 2 && segments[0] == QLatin1String("devices")) {
        const QString deviceId = segments[1];
        if (!isDeviceId(deviceId))
            return error(400, "m2m.bad_device_id", "device ids are 16 lowercase hex digits");
        if (request.method == "DELETE") {
            auto removed = m_store.removeDevice(deviceId);
            if (!removed)
                return error(500, "m2m.internal", "the store failed");
            if (!*removed)
                return error(404, "m2m.unknown_device", "no such device");
            m_keys.erase(deviceId);
            m_commands->drop(deviceId);
            qCInfo(lcM2m).noquote() << "device" << deviceId << "removed";
            return Http::HttpAnswer{204, {}, "application/json", {}};
        }
        if (request.method != "PUT")
            return error(405, "m2m.method_not_allowed", "devices support PUT and DELETE");
        QJsonParseError parseError{};
        const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
        const QJsonObject object = document.object();
        if (parseError.error != QJsonParseError::NoError || !document.isObject())
            return error(400, "m2m.malformed", "send a JSON object");
        const QByteArray publicKey =
            QByteArray::fromBase64(object.value(QStringLiteral("publicKey")).toString().toLatin1(),
                                   QByteArray::AbortOnBase64DecodingErrors);
        if (!Crypto::Es256PublicKey::fromUncompressedPoint(
                Crypto::ByteView(reinterpret_cast<const uint8_t *>(publicKey.constData()),
                                 size_t(publicKey.size()))))
            return error(400, "m2m.bad_key",
                         "publicKey must be base64 of a 65-byte P-256 point on the curve");
        const QString credential =
            object.value(QStringLiteral("credentialSha256")).toString().toLower();
        const auto digest = Crypto::fromHex(credential.toStdString());
        if (credential.size() != 64 || !digest)
            return error(400, "m2m.malformed", "credentialSha256 must be 64 hex digits");
        const QJsonValue revokedValue = object.value(QStringLiteral("revoked"));
        if (!revokedValue.isUndefined() && !revokedValue.isBool())
            return error(400, "m2m.malformed", "revoked must be true or false");
        const bool revoked = revokedValue.toBool(false);
        const QJsonValue floorValue = object.value(QStringLiteral("counterFloor"));
        const qint64 counterFloor = floorValue.isUndefined() ? -1 : floorValue.toInteger(-2);
        if (counterFloor < -1 || counterFloor > 0xffffffffLL ||
            (!floorValue.isUndefined() && counterFloor < 0))
            return error(400, "m2m.malformed", "counterFloor must be an integer 0..2^32-1");
        auto before = m_store.device(deviceId);
        if (!before)
            return error(500, "m2m.internal", "the store failed");
        auto created = m_store.putDevice(deviceId, publicKey, credential, revoked, counterFloor);
        if (!created)
            return error(500, "m2m.internal", "the store failed");
        m_keys.erase(deviceId);
        if (revoked || (*before && (*before)->credentialSha256 != credential))
            m_commands->drop(deviceId);
        qCInfo(lcM2m).noquote() << "device" << deviceId << (*created ? "added" : "updated")
                                << (revoked ? "(revoked)" : "");
        return json(*created ? 201 : 200, QJsonObject{{QStringLiteral("deviceId"), deviceId},
                                                      {QStringLiteral("revoked"), revoked}});
    }

    if (segments.size() == 2 && segments[0] == QLatin1String("policies")) {
        const QString name = segments[1];
        if (!isPolicyName(name))
            return error(400, "m2m.malformed", "policy names are 1..64 of [A-Za-z0-9._-]");
        if (request.method == "DELETE") {
            auto removed = m_store.removePolicy(name);
            if (!removed)
                return error(500, "m2m.internal", "the store failed");
            if (auto reloaded = reloadPolicies(); !reloaded)
                return error(500, "m2m.internal", "the store failed");
            if (*removed)
                qCInfo(lcM2m).noquote() << "policy" << name << "removed";
            return Http::HttpAnswer{204, {}, "application/json", {}};
        }
        if (request.method != "PUT")
            return error(405, "m2m.method_not_allowed", "policies support PUT and DELETE");
        auto policy = OneM2M::parseAccessControlPolicy(request.body, kMaxAdminBodyBytes);
        if (!policy)
            return error(400, "m2m.malformed", policy.error().message);
        if (!policy->resourceName.isEmpty() && policy->resourceName != name)
            return error(400, "m2m.malformed", "rn differs from the policy name in the path");
        const QDateTime now = QDateTime::currentDateTimeUtc();
        policy->resourceName = name;
        policy->resourceId = QStringLiteral("acp-") + name;
        policy->parentId = QStringLiteral("cse-") + m_config.instanceName;
        policy->created = policy->created.isValid() ? policy->created : now;
        policy->lastModified = now;
        const QJsonObject canonical = OneM2M::toJson(*policy);
        auto created =
            m_store.putPolicy(name, QJsonDocument(canonical).toJson(QJsonDocument::Compact));
        if (!created)
            return error(500, "m2m.internal", "the store failed");
        if (auto reloaded = reloadPolicies(); !reloaded)
            return error(500, "m2m.internal", "the store failed");
        qCInfo(lcM2m).noquote() << "policy" << name << (*created ? "added" : "updated");
        return json(*created ? 201 : 200, canonical);
    }
    return error(404, "m2m.not_found", "no such admin resource");
}

void M2mService::acceptWebSocket(QWebSocket *socket)
{
    m_commands->accept(socket);
}

void M2mService::closeWebSockets()
{
    m_commands->closeAll();
}

} // namespace Portal::M2mService
