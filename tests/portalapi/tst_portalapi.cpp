// The portal API's HTTP adapter in process: requests as the TLS layer hands them over (the
// verified client certificate already attached), answered by PortalApi over a real
// PortalEngine and SQLite store. The backend is a FAKE (tests/support/fakecloudbackend.h): no
// instance ever runs here, so every attach stays pending; tst_portald and tst_identities
// drive the same routes over real TLS against iot-portald.

#include "tests/support/fakecloudbackend.h"
#include "tests/support/gatewaytls.h"

#include <portal-core/crypto/attachcrypto.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/portalapi/portalapi.h>
#include <portal-core/store/store.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Portal;

namespace {

enum class Caller { None, Gateway, OtherGateway, FirstLayout, PortalCaTyped, UsersCaTyped };

const QString kDeviceId = QStringLiteral("00000000000000a1");

} // namespace

Q_DECLARE_METATYPE(Caller)

class TestPortalApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void answers_data();
    void answers();
    void refusalsAreCounted();
    void blockedGatewayIsRefusedAndAudited();

private:
    Http::HttpAnswer send(Caller caller, const QByteArray &method, const QString &path,
                          const QByteArray &body = QByteArray());
    static QString codeOf(const Http::HttpAnswer &answer);
    QByteArray attachBody() const;
    // A proof for the last challenge, signed by the device's key (or an unrelated one).
    QByteArray proofBody(bool impostor) const;

    QTemporaryDir m_dir;
    Crypto::LabPkiPaths m_pki;
    std::unique_ptr<Store::Store> m_store;
    Testing::FakeCloudBackend m_backend;
    std::unique_ptr<Engine::PortalEngine> m_engine;
    std::unique_ptr<PortalApi::PortalApi> m_api;
    QMap<Caller, QSslCertificate> m_certificates;
    QByteArray m_deviceKey;
    std::shared_ptr<const Crypto::PrivateKey> m_authority;
    QByteArray m_gatewayPoint; // G of every attach here
    QByteArray m_challenge;    // from the last proof_required answer
};

void TestPortalApi::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto pki = Crypto::LabPki::ensure(m_dir.filePath(QStringLiteral("pki")).toStdString());
    QVERIFY(pki);
    m_pki = *pki;
    auto store = Store::Store::open(m_dir.filePath(QStringLiteral("portal.sqlite")));
    QVERIFY(store);
    m_store = std::move(*store);
    QVERIFY(m_store->upsertTemplate({QStringLiteral("local-m2m"), {}}));
    Store::DeviceClass meters;
    meters.name = QStringLiteral("meters");
    meters.vendor = QStringLiteral("acme");
    meters.templateName = QStringLiteral("local-m2m");
    meters.enrolment = Store::Enrolment::Open;
    QVERIFY(m_store->upsertDeviceClass(meters));

    // The engine is never started: no tick, so its instances stay requested.
    m_authority =
        std::make_shared<const Crypto::PrivateKey>(std::move(*Crypto::PrivateKey::generateP256()));
    Engine::EngineConfig engineConfig;
    engineConfig.deviceAuthority = m_authority;
    m_engine = std::make_unique<Engine::PortalEngine>(
        *m_store, m_backend, QSslConfiguration(), Engine::DeviceCredentials(QByteArray(32, 'k')),
        engineConfig);
    const auto gatewayPoint = Crypto::PrivateKey::generateP256()->publicKeyUncompressedPoint();
    m_gatewayPoint = QByteArray(reinterpret_cast<const char *>(gatewayPoint.data()), 65);
    PortalApi::PortalApiConfig config;
    config.gatewayCaPem = Testing::readFile(m_pki.gatewayCa.certificatePath);
    config.legacyGatewayCaPem = Testing::readFile(m_pki.portalCa.certificatePath);
    config.retryAfterS = 3;
    m_api = std::make_unique<PortalApi::PortalApi>(*m_engine, config);

    const auto certificate = [this](const QString &id, const Crypto::LabPkiFilePair *issuer,
                                    bool typed) {
        return Testing::gatewayTls(m_pki, id, 3600, issuer, typed).localCertificate();
    };
    m_certificates[Caller::Gateway] = certificate(QStringLiteral("gw-a"), nullptr, true);
    m_certificates[Caller::OtherGateway] = certificate(QStringLiteral("gw-b"), nullptr, true);
    m_certificates[Caller::FirstLayout] =
        certificate(QStringLiteral("gw-a"), &m_pki.portalCa, false);
    m_certificates[Caller::PortalCaTyped] =
        certificate(QStringLiteral("gw-a"), &m_pki.portalCa, true);
    m_certificates[Caller::UsersCaTyped] =
        certificate(QStringLiteral("gw-a"), &m_pki.usersCa, true);
    for (const QSslCertificate &made : std::as_const(m_certificates))
        QVERIFY(!made.isNull());
    m_deviceKey = Testing::newDeviceKeyBase64();
}

Http::HttpAnswer TestPortalApi::send(Caller caller, const QByteArray &method, const QString &path,
                                     const QByteArray &body)
{
    Http::HttpRequest request;
    request.method = method;
    request.path = path;
    request.body = body;
    request.peerAddress = QHostAddress(QStringLiteral("127.0.0.7"));
    request.peerCertificate = m_certificates.value(caller);
    return m_api->handle(request);
}

QString TestPortalApi::codeOf(const Http::HttpAnswer &answer)
{
    return QJsonDocument::fromJson(answer.body)
        .object()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

QByteArray TestPortalApi::attachBody() const
{
    return QJsonDocument(
               QJsonObject{
                   {QStringLiteral("deviceId"), kDeviceId},
                   {QStringLiteral("vendor"), QStringLiteral("acme")},
                   {QStringLiteral("type"), QStringLiteral("meter")},
                   {QStringLiteral("publicKey"), QString::fromLatin1(m_deviceKey)},
                   {QStringLiteral("gatewayKey"), QString::fromLatin1(m_gatewayPoint.toBase64())}})
        .toJson(QJsonDocument::Compact);
}

QByteArray TestPortalApi::proofBody(bool impostor) const
{
    auto ephemeral = Crypto::PrivateKey::generateP256();
    const auto point = ephemeral->publicKeyUncompressedPoint();
    const QByteArray devicePoint(reinterpret_cast<const char *>(point.data()), 65);
    const QByteArray proven = QByteArray("iot-portal attach proof v2") + m_challenge +
                              QByteArray::fromHex(kDeviceId.toLatin1()) + m_gatewayPoint +
                              devicePoint;
    auto unrelated = Crypto::PrivateKey::generateP256();
    const Crypto::PrivateKey &signer =
        impostor ? *unrelated : Testing::deviceKeys().at(m_deviceKey);
    const auto signature = Crypto::signParts(
        signer, {Crypto::ByteView(reinterpret_cast<const uint8_t *>(proven.constData()),
                                  size_t(proven.size()))});
    return QJsonDocument(
               QJsonObject{
                   {QStringLiteral("challenge"), QString::fromLatin1(m_challenge.toBase64())},
                   {QStringLiteral("deviceKey"), QString::fromLatin1(devicePoint.toBase64())},
                   {QStringLiteral("signature"),
                    QString::fromLatin1(
                        QByteArray(reinterpret_cast<const char *>(signature->data()), 64)
                            .toBase64())}})
        .toJson(QJsonDocument::Compact);
}

void TestPortalApi::answers_data()
{
    QTest::addColumn<Caller>("caller");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    // "attach": a valid attach of kDeviceId; "proof" / "impostor": a proof for the last
    // challenge signed by the device's key / by another key.
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code"); // empty: a success
    const QString devices = QStringLiteral("/api/v1/devices");
    const QString device = devices + QLatin1Char('/') + kDeviceId;
    const QString proof = device + QStringLiteral("/proof");
    const QString heartbeat = QStringLiteral("/api/v1/gateways/gw-a/heartbeat");
    // Rows run in order: the attach comes before the rows that need the device.
    QTest::newRow("no certificate") << Caller::None << QByteArray("POST") << heartbeat
                                    << QByteArray("{}") << 401 << "portal.unauthenticated";
    QTest::newRow("first layout: asked to re-enrol")
        << Caller::FirstLayout << QByteArray("POST") << heartbeat << QByteArray("{}") << 401
        << "portal.reenrol";
    QTest::newRow("portal CA with a gateway name")
        << Caller::PortalCaTyped << QByteArray("POST") << heartbeat << QByteArray("{}") << 403
        << "portal.wrong_identity";
    QTest::newRow("users CA with a gateway name")
        << Caller::UsersCaTyped << QByteArray("POST") << heartbeat << QByteArray("{}") << 403
        << "portal.wrong_identity";
    QTest::newRow("another gateway's heartbeat")
        << Caller::OtherGateway << QByteArray("POST") << heartbeat << QByteArray("{}") << 403
        << "portal.forbidden";
    QTest::newRow("heartbeat") << Caller::Gateway << QByteArray("POST") << heartbeat
                               << QByteArray("{\"version\":\"1\",\"queueDepth\":0}") << 200 << "";
    QTest::newRow("heartbeat by GET") << Caller::Gateway << QByteArray("GET") << heartbeat
                                      << QByteArray() << 400 << "portal.invalid";
    QTest::newRow("heartbeat not an object") << Caller::Gateway << QByteArray("POST") << heartbeat
                                             << QByteArray("[1]") << 400 << "portal.invalid";
    QTest::newRow("heartbeat with a fractional count")
        << Caller::Gateway << QByteArray("POST") << heartbeat << QByteArray("{\"queueDepth\":1.5}")
        << 400 << "portal.invalid";
    QTest::newRow("heartbeat with a fractional lastCounter")
        << Caller::Gateway << QByteArray("POST") << heartbeat
        << QByteArray("{\"devices\":[{\"id\":\"00000000000000a1\",\"lastCounter\":2.5}]}") << 400
        << "portal.invalid";
    QTest::newRow("heartbeat with a lastCounter over 2^32-1")
        << Caller::Gateway << QByteArray("POST") << heartbeat
        << QByteArray("{\"devices\":[{\"id\":\"00000000000000a1\",\"lastCounter\":4294967296}]}")
        << 400 << "portal.invalid";
    QTest::newRow("body over 16 KiB")
        << Caller::Gateway << QByteArray("POST") << devices << QByteArray(16 * 1024 + 1, ' ') << 413
        << "portal.too_large";
    QTest::newRow("heartbeat over 192 KiB")
        << Caller::Gateway << QByteArray("POST") << heartbeat << QByteArray(192 * 1024 + 1, ' ')
        << 413 << "portal.too_large";
    QTest::newRow("attach with a short key")
        << Caller::Gateway << QByteArray("POST") << devices
        << QByteArray("{\"deviceId\":\"00000000000000a1\",\"publicKey\":\"AAAA\"}") << 400
        << "portal.invalid";
    QTest::newRow("attach without a gateway key (link version 1)")
        << Caller::Gateway << QByteArray("POST") << devices
        << QJsonDocument(QJsonObject{{QStringLiteral("deviceId"), kDeviceId},
                                     {QStringLiteral("vendor"), QStringLiteral("acme")},
                                     {QStringLiteral("publicKey"),
                                      QString::fromLatin1(Testing::newDeviceKeyBase64())}})
               .toJson(QJsonDocument::Compact)
        << 400 << "portal.invalid";
    QTest::newRow("attach with no class")
        << Caller::Gateway << QByteArray("POST") << devices
        << QJsonDocument(
               QJsonObject{{QStringLiteral("deviceId"), QStringLiteral("00000000000000b1")},
                           {QStringLiteral("vendor"), QStringLiteral("other")},
                           {QStringLiteral("publicKey"),
                            QString::fromLatin1(Testing::newDeviceKeyBase64())},
                           {QStringLiteral("gatewayKey"),
                            QString::fromLatin1(Testing::newDeviceKeyBase64())}})
               .toJson(QJsonDocument::Compact)
        << 422 << "portal.no_class";
    QTest::newRow("attach: a challenge")
        << Caller::Gateway << QByteArray("POST") << devices << QByteArray("attach") << 202 << "";
    QTest::newRow("proof signed by another key")
        << Caller::Gateway << QByteArray("POST") << proof << QByteArray("impostor") << 403
        << "portal.proof_refused";
    QTest::newRow("proof with a used challenge")
        << Caller::Gateway << QByteArray("POST") << proof << QByteArray("proof") << 409
        << "portal.challenge_unknown";
    QTest::newRow("device: not attached by a refused proof")
        << Caller::Gateway << QByteArray("GET") << device << QByteArray() << 404
        << "portal.not_found";
    QTest::newRow("attach: another challenge")
        << Caller::Gateway << QByteArray("POST") << devices << QByteArray("attach") << 202 << "";
    QTest::newRow("proof from another gateway")
        << Caller::OtherGateway << QByteArray("POST") << proof << QByteArray("proof") << 409
        << "portal.challenge_unknown";
    QTest::newRow("attach: a third challenge")
        << Caller::Gateway << QByteArray("POST") << devices << QByteArray("attach") << 202 << "";
    QTest::newRow("proof: pending")
        << Caller::Gateway << QByteArray("POST") << proof << QByteArray("proof") << 202 << "";
    QTest::newRow("device: pending")
        << Caller::Gateway << QByteArray("GET") << device << QByteArray() << 200 << "";
    QTest::newRow("heartbeat raises the counter floor")
        << Caller::Gateway << QByteArray("POST") << heartbeat
        << QByteArray("{\"devices\":[{\"id\":\"00000000000000a1\",\"lastCounter\":41}]}") << 200
        << "";
    QTest::newRow("device of another gateway")
        << Caller::OtherGateway << QByteArray("GET") << device << QByteArray() << 403
        << "portal.forbidden";
    QTest::newRow("another gateway attaches it")
        << Caller::OtherGateway << QByteArray("POST") << devices << QByteArray("attach") << 403
        << "portal.forbidden";
    QTest::newRow("device id not hex")
        << Caller::Gateway << QByteArray("GET") << devices + QStringLiteral("/xyz") << QByteArray()
        << 404 << "portal.not_found";
    QTest::newRow("device by PUT") << Caller::Gateway << QByteArray("PUT") << device
                                   << QByteArray("{}") << 400 << "portal.invalid";
    QTest::newRow("unknown route")
        << Caller::Gateway << QByteArray("GET") << QStringLiteral("/api/v1/instances")
        << QByteArray() << 404 << "portal.not_found";
    QTest::newRow("detach") << Caller::Gateway << QByteArray("DELETE") << device << QByteArray()
                            << 204 << "";
}

void TestPortalApi::answers()
{
    QFETCH(Caller, caller);
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    const QByteArray request = body == "attach"     ? attachBody()
                               : body == "proof"    ? proofBody(false)
                               : body == "impostor" ? proofBody(true)
                                                    : body;
    const Http::HttpAnswer answer = send(caller, method, path, request);
    QVERIFY2(answer.status == status, answer.body.constData());
    QCOMPARE(codeOf(answer), code);
    const QJsonObject json = QJsonDocument::fromJson(answer.body).object();
    if (status == 202 && body == "attach") {
        QCOMPARE(json.value(QStringLiteral("state")).toString(), QStringLiteral("proof_required"));
        m_challenge =
            QByteArray::fromBase64(json.value(QStringLiteral("challenge")).toString().toLatin1());
        QCOMPARE(m_challenge.size(), 16);
        QVERIFY(QDateTime::fromString(json.value(QStringLiteral("expires")).toString(),
                                      Qt::ISODate) > QDateTime::currentDateTimeUtc());
    } else if (status == 202) {
        QCOMPARE(json.value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
        QVERIFY(answer.headers.contains({"Retry-After", "3"}));
        // The authorisation verifies with the device-authority key.
        const QByteArray authorisation = QByteArray::fromBase64(
            json.value(QStringLiteral("authorisation")).toString().toLatin1());
        QCOMPARE(authorisation.size(), 64);
    }
    if (QByteArray(QTest::currentDataTag()).startsWith("proof signed by another key")) {
        auto log = m_store->auditLog(20);
        QVERIFY(log);
        QVERIFY(std::any_of(log->cbegin(), log->cend(), [](const Store::AuditEntry &entry) {
            return entry.action == QLatin1String("device.proof_refused") &&
                   entry.subject == QStringLiteral("device:") + kDeviceId;
        }));
    }
    if (QByteArray(QTest::currentDataTag()) == "heartbeat raises the counter floor")
        QCOMPARE(m_store->findDevice(kDeviceId)->counterFloor, qint64(41));
    if (status == 200 && path.endsWith(QLatin1String("/heartbeat")))
        QVERIFY(QJsonDocument::fromJson(answer.body)
                    .object()
                    .value(QStringLiteral("devices"))
                    .isArray());
}

void TestPortalApi::refusalsAreCounted()
{
    auto failures = m_store->authFailures(100);
    QVERIFY(failures);
    QMap<QString, qint64> counted; // reason → count, from 127.0.0.7
    for (const Store::AuthFailure &failure : *failures) {
        QCOMPARE(failure.source, QStringLiteral("127.0.0.7"));
        counted[failure.reason] += failure.count;
    }
    QCOMPARE(counted.value(QStringLiteral("portal.unauthenticated")), qint64(1));
    QCOMPARE(counted.value(QStringLiteral("portal.reenrol")), qint64(1));
    QCOMPARE(counted.value(QStringLiteral("portal.wrong_identity")), qint64(2));
}

void TestPortalApi::blockedGatewayIsRefusedAndAudited()
{
    QVERIFY(m_store->setGatewayBlocked(QStringLiteral("gw-a"), true));
    const Http::HttpAnswer answer =
        send(Caller::Gateway, "POST", QStringLiteral("/api/v1/gateways/gw-a/heartbeat"), "{}");
    QCOMPARE(answer.status, 403);
    QCOMPARE(codeOf(answer), QStringLiteral("portal.forbidden"));
    auto log = m_store->auditLog(20);
    QVERIFY(log);
    QVERIFY(std::any_of(log->cbegin(), log->cend(), [](const Store::AuditEntry &entry) {
        return entry.action == QLatin1String("gateway.blocked_request") &&
               entry.subject == QLatin1String("gateway:gw-a");
    }));
}

QTEST_GUILESS_MAIN(TestPortalApi)
#include "tst_portalapi.moc"
