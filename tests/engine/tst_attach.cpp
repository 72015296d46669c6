// The attach workflow end to end inside one process: Portal::Engine over a real SQLite store
// and the local backend running real iot-m2m-service processes (or the test stand-in while
// the service is not built; M2M_SERVICE_PATH says which). Every expectation comes from
// docs/api.md; the instance is checked over its own admin API, independently of the engine.

#include "tests/support/signedreading.h"
#include "tests/support/testfiles.h"

#include <portal-core/cloud/local/localbackend.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/engine/portalengine.h>

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <csignal>
#include <memory>

// QCOMPARE prints the store's enumerations by their stored words.
namespace Portal::Store {
inline char *toString(AdminRequestState value)
{
    return qstrdup(qPrintable(toText(value)));
}
inline char *toString(InstanceState value)
{
    return qstrdup(qPrintable(toText(value)));
}
inline char *toString(DeviceState value)
{
    return qstrdup(qPrintable(toText(value)));
}
} // namespace Portal::Store

using namespace Portal;

namespace {

constexpr int kReadyTimeoutMs = 30000;

QByteArray newDeviceKey()
{
    auto key = Crypto::PrivateKey::generateP256();
    const auto point = key->publicKeyUncompressedPoint();
    return QByteArray(reinterpret_cast<const char *>(point.data()), qsizetype(point.size()));
}

} // namespace

class TestAttach : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void openClassAttachBecomesReady();
    void reattachIsIdempotent();
    void policiesReachReadyInstances();
    void sharedClassFillsThenAddsSibling();
    void preregisteredRefusesOtherKey();
    void unknownAttributesHaveNoClass();
    void otherGatewayIsForbidden();
    void reattachedOpenDeviceNeverGetsAnOldCredential();
    void killedInstanceIsRestarted();
    void reconcileRequestReportsWhatItFound();
    void adminRequestsTheEngineCannotDoFail_data();
    void adminRequestsTheEngineCannotDoFail();
    void vanishedInstanceIsMarkedNotRecreated();
    void deletedInstanceTakesItsMachineAndItsDevicesMove();
    void readingsCapturedBeforeAMoveAreRefusedAfterIt();
    void blockedGatewaysCredentialsAreRevokedOnceTheInstanceAnswers();
    void lapsedGatewaysCredentialsAreRevokedAfterTenMinutes();
    void detachedDeviceIsDroppedByAnInstanceThatWasDown();

private:
    Engine::DeviceView waitUntilSettled(const QString &gatewayId, const QString &deviceId);
    // Queues an admin request and waits (ticks run meanwhile) until the engine finished it.
    Store::AdminRequest doAdminRequest(const QString &action, const QString &subject,
                                       const QJsonObject &options = {});
    QJsonObject instanceHealth(const QString &url);
    // HTTP status of GET path on the instance as `originator`, without a client certificate.
    // POST of a signed reading as the gateway sends it: the status and the error code.
    std::pair<int, QString> postReading(const QString &url, const QString &deviceId,
                                        const QByteArray &credential, const QByteArray &cose);
    // A GET without a client certificate, as originator, with a bearer credential when given.
    int retrieveAs(const QString &url, const QString &path, const QByteArray &originator,
                   const QByteArray &bearer = QByteArray());

    QTemporaryDir m_dir;
    Crypto::LabPkiPaths m_pki;
    QSslConfiguration m_adminTls;
    std::unique_ptr<Store::Store> m_store;
    std::unique_ptr<Cloud::LocalBackend> m_backend;
    std::unique_ptr<Engine::PortalEngine> m_engine;
    QByteArray m_keyA = newDeviceKey();
    QString m_urlA;
    QByteArray m_credentialA;
};

void TestAttach::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto pki = Crypto::LabPki::ensure(m_dir.filePath(QStringLiteral("pki")).toStdString());
    QVERIFY(pki);
    m_pki = *pki;
    auto store = Store::Store::open(m_dir.filePath(QStringLiteral("portal.sqlite")));
    QVERIFY(store);
    m_store = std::move(*store);
    QVERIFY(m_store->upsertTemplate({QStringLiteral("small"), {}}));
    Store::DeviceClass open;
    open.name = QStringLiteral("open-meters");
    open.vendor = QStringLiteral("acme");
    open.templateName = QStringLiteral("small");
    open.sharing = Store::Sharing::Shared;
    open.capacity = 2;
    open.enrolment = Store::Enrolment::Open;
    QVERIFY(m_store->upsertDeviceClass(open));
    Store::DeviceClass secure = open;
    secure.name = QStringLiteral("secure");
    secure.vendor = QStringLiteral("secure");
    secure.enrolment = Store::Enrolment::Preregistered;
    QVERIFY(m_store->upsertDeviceClass(secure));

    Cloud::LocalBackendConfig config;
    config.m2mServicePath = QStringLiteral(M2M_SERVICE_PATH);
    config.instancesDir = m_dir.filePath(QStringLiteral("instances"));
    config.portalCaCertificatePath = QString::fromStdString(m_pki.portalCa.certificatePath);
    config.adminCaCertificatePath = QString::fromStdString(m_pki.adminCa.certificatePath);
    config.portalCaKeyPath = QString::fromStdString(m_pki.portalCa.keyPath);
    config.adminTls = {QString::fromStdString(m_pki.portalAdmin.certificatePath),
                       QString::fromStdString(m_pki.portalAdmin.keyPath),
                       config.portalCaCertificatePath};
    config.healthIntervalMs = 300;
    auto adminTls = Cloud::makeAdminTlsConfiguration(config.adminTls);
    QVERIFY(adminTls);
    m_adminTls = *adminTls;
    auto backend = Cloud::LocalBackend::create(config);
    QVERIFY2(backend, backend ? "" : backend.error().message.c_str());
    m_backend = std::move(*backend);
    Engine::EngineConfig engineConfig;
    engineConfig.tickMs = 100;
    m_engine = std::make_unique<Engine::PortalEngine>(
        *m_store, *m_backend, m_adminTls, Engine::DeviceCredentials(QByteArray(32, '\x5a')),
        engineConfig);
    m_engine->start();
    QVERIFY(m_engine->isLeader());
}

void TestAttach::cleanupTestCase()
{
    m_engine.reset();
    if (m_backend)
        m_backend->shutdown();
}

Engine::DeviceView TestAttach::waitUntilSettled(const QString &gatewayId, const QString &deviceId)
{
    Engine::DeviceView view;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < kReadyTimeoutMs) {
        auto current = m_engine->device(gatewayId, deviceId);
        if (current && current->state != Store::DeviceState::Pending)
            return *current;
        QTest::qWait(50);
    }
    return view;
}

Store::AdminRequest TestAttach::doAdminRequest(const QString &action, const QString &subject,
                                               const QJsonObject &options)
{
    auto id = m_store->requestAdminAction(action, subject, options, QStringLiteral("test"));
    if (!id)
        return {};
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < kReadyTimeoutMs) {
        auto request = m_store->findAdminRequest(*id);
        if (request && request->state != Store::AdminRequestState::Pending)
            return *request;
        QTest::qWait(50);
    }
    return {};
}

QJsonObject TestAttach::instanceHealth(const QString &url)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(url + QStringLiteral("/admin/v1/health")));
    request.setSslConfiguration(m_adminTls);
    QNetworkReply *reply = network.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {};
    reply->deleteLater();
    if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
        return {};
    return QJsonDocument::fromJson(reply->readAll()).object();
}

std::pair<int, QString> TestAttach::postReading(const QString &url, const QString &deviceId,
                                                const QByteArray &credential,
                                                const QByteArray &cose)
{
    QSslConfiguration anonymous = m_adminTls;
    anonymous.setLocalCertificate(QSslCertificate());
    anonymous.setPrivateKey(QSslKey());
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(url + QStringLiteral("/m2m/%1/data").arg(deviceId)));
    request.setSslConfiguration(anonymous);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json;ty=4"));
    request.setRawHeader("X-M2M-Origin", "C" + deviceId.toLatin1());
    request.setRawHeader("X-M2M-RI", "floor");
    request.setRawHeader("Authorization", "Bearer " + credential);
    QNetworkReply *reply = network.post(request, Testing::readingBody(cose));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {0, {}};
    reply->deleteLater();
    const QString code = QJsonDocument::fromJson(reply->readAll())
                             .object()
                             .value(QStringLiteral("error"))
                             .toObject()
                             .value(QStringLiteral("code"))
                             .toString();
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), code};
}

int TestAttach::retrieveAs(const QString &url, const QString &path, const QByteArray &originator,
                           const QByteArray &bearer)
{
    QSslConfiguration anonymous = m_adminTls;
    anonymous.setLocalCertificate(QSslCertificate());
    anonymous.setPrivateKey(QSslKey());
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(url + path));
    request.setSslConfiguration(anonymous);
    request.setRawHeader("X-M2M-Origin", originator);
    if (!bearer.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + bearer);
    QNetworkReply *reply = network.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return 0;
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

void TestAttach::openClassAttachBecomesReady()
{
    const Engine::AttachRequest request{QStringLiteral("00000000000000a1"),
                                        {QStringLiteral("acme"), QStringLiteral("temp"), {}},
                                        m_keyA};
    auto first = m_engine->attach(QStringLiteral("gw1"), request);
    QVERIFY(first);
    QCOMPARE(first->state, Store::DeviceState::Pending);
    QVERIFY(first->credential.isEmpty());

    const Engine::DeviceView ready = waitUntilSettled(QStringLiteral("gw1"), request.deviceId);
    QCOMPARE(ready.state, Store::DeviceState::Ready);
    QVERIFY(ready.instanceUrl.startsWith(QLatin1String("https://127.0.0.1:")));
    // 32 bytes in base64url without padding.
    QCOMPARE(ready.credential.size(), 43);
    QCOMPARE(QByteArray::fromBase64(ready.credential, QByteArray::Base64UrlEncoding).size(), 32);
    // The store keeps only the credential's SHA-256.
    auto stored = m_store->findDevice(request.deviceId);
    QVERIFY(stored);
    QCOMPARE(stored->credentialSha256,
             QString::fromLatin1(
                 QCryptographicHash::hash(ready.credential, QCryptographicHash::Sha256).toHex()));
    // The instance itself says it holds the device.
    const QJsonObject health = instanceHealth(ready.instanceUrl);
    QCOMPARE(health.value(QStringLiteral("devices")).toInt(-1), 1);

    auto log = m_store->auditLog(50);
    QVERIFY(log);
    QStringList actions;
    for (const auto &entry : *log)
        actions << entry.action;
    QVERIFY(actions.contains(QStringLiteral("device.trusted_on_first_attach")));
    QVERIFY(actions.contains(QStringLiteral("instance.puppet_skipped")));
    QVERIFY(actions.contains(QStringLiteral("device.ready")));
    m_urlA = ready.instanceUrl;
    m_credentialA = ready.credential;
}

void TestAttach::reattachIsIdempotent()
{
    QVERIFY(!m_urlA.isEmpty());
    auto again = m_engine->attach(QStringLiteral("gw1"),
                                  {QStringLiteral("00000000000000a1"),
                                   {QStringLiteral("acme"), QStringLiteral("temp"), {}},
                                   m_keyA});
    QVERIFY(again);
    QCOMPARE(again->state, Store::DeviceState::Ready);
    QCOMPARE(again->instanceUrl, m_urlA);
    QCOMPARE(again->credential, m_credentialA);
    QCOMPARE(m_store->instances()->size(), 1);
}

void TestAttach::policiesReachReadyInstances()
{
    const QString device = QStringLiteral("/m2m/00000000000000a1");
    QCOMPARE(retrieveAs(m_urlA, device, "Cviewer"), 403);
    const QJsonObject viewers =
        QJsonDocument::fromJson(
            R"({"m2m:acp": {"pv": {"acr": [{"acor": ["Cviewer"], "acop": 2}]}}})")
            .object();
    QVERIFY(m_store->upsertPolicy({QStringLiteral("viewers"), viewers, false, {}}));
    QTRY_COMPARE_WITH_TIMEOUT(retrieveAs(m_urlA, device, "Cviewer"), 200, 10000);
    QCOMPARE(retrieveAs(m_urlA, device, "Cother"), 403);
    // Deleted in the store: the instance is told too.
    QVERIFY(m_store->deletePolicy(QStringLiteral("viewers")));
    QTRY_COMPARE_WITH_TIMEOUT(retrieveAs(m_urlA, device, "Cviewer"), 403, 10000);
}

void TestAttach::sharedClassFillsThenAddsSibling()
{
    // Capacity 2: a1 and a2 share the first instance; a3 gets a sibling.
    QList<QString> urls;
    for (const char *id : {"00000000000000a2", "00000000000000a3"}) {
        auto attached =
            m_engine->attach(QStringLiteral("gw1"),
                             {QLatin1String(id), {QStringLiteral("acme"), {}, {}}, newDeviceKey()});
        QVERIFY(attached);
        const auto ready = waitUntilSettled(QStringLiteral("gw1"), QLatin1String(id));
        QCOMPARE(ready.state, Store::DeviceState::Ready);
        urls << ready.instanceUrl;
    }
    QCOMPARE(urls[0], m_urlA);
    QVERIFY(urls[1] != m_urlA);
    QCOMPARE(m_store->instances()->size(), 2);
    QCOMPARE(instanceHealth(m_urlA).value(QStringLiteral("devices")).toInt(-1), 2);
    QCOMPARE(instanceHealth(urls[1]).value(QStringLiteral("devices")).toInt(-1), 1);
}

void TestAttach::preregisteredRefusesOtherKey()
{
    Store::Device registered;
    registered.id = QStringLiteral("00000000000000b1");
    registered.publicKey = newDeviceKey();
    registered.className = QStringLiteral("secure");
    QVERIFY(m_store->insertDevice(registered));

    auto wrongKey = m_engine->attach(
        QStringLiteral("gw1"), {registered.id, {QStringLiteral("secure"), {}, {}}, newDeviceKey()});
    QVERIFY(!wrongKey);
    QCOMPARE(wrongKey.error().code, std::string("portal.enrolment_refused"));
    auto unknown = m_engine->attach(
        QStringLiteral("gw1"),
        {QStringLiteral("00000000000000b2"), {QStringLiteral("secure"), {}, {}}, newDeviceKey()});
    QVERIFY(!unknown);
    QCOMPARE(unknown.error().code, std::string("portal.enrolment_refused"));
    QCOMPARE(m_store->findDevice(QStringLiteral("00000000000000b2")).error().code,
             std::string("store.not_found"));
    const auto log = *m_store->auditLog(5);
    QCOMPARE(log.at(0).action, QStringLiteral("device.enrolment_refused"));
    QCOMPARE(log.at(1).action, QStringLiteral("device.enrolment_refused"));
    QCOMPARE(log.at(1).subject, QStringLiteral("device:00000000000000b1"));
    // Nothing was attached or placed by the refusals.
    auto after = m_store->findDevice(registered.id);
    QVERIFY(after->gatewayId.isEmpty());
    QCOMPARE(after->instanceId, 0);

    auto right =
        m_engine->attach(QStringLiteral("gw1"),
                         {registered.id, {QStringLiteral("secure"), {}, {}}, registered.publicKey});
    QVERIFY(right);
    QCOMPARE(waitUntilSettled(QStringLiteral("gw1"), registered.id).state,
             Store::DeviceState::Ready);
}

void TestAttach::unknownAttributesHaveNoClass()
{
    auto attached = m_engine->attach(
        QStringLiteral("gw1"),
        {QStringLiteral("00000000000000c1"), {QStringLiteral("zeta"), {}, {}}, newDeviceKey()});
    QVERIFY(!attached);
    QCOMPARE(attached.error().code, std::string("portal.no_class"));
}

void TestAttach::otherGatewayIsForbidden()
{
    QCOMPARE(
        m_engine->device(QStringLiteral("gw2"), QStringLiteral("00000000000000a1")).error().code,
        std::string("portal.forbidden"));
    QCOMPARE(
        m_engine->detach(QStringLiteral("gw2"), QStringLiteral("00000000000000a1")).error().code,
        std::string("portal.forbidden"));
    auto stolen = m_engine->attach(
        QStringLiteral("gw2"),
        {QStringLiteral("00000000000000a1"), {QStringLiteral("acme"), {}, {}}, m_keyA});
    QCOMPARE(stolen.error().code, std::string("portal.forbidden"));
    QCOMPARE(
        m_engine->device(QStringLiteral("gw1"), QStringLiteral("00000000000000ff")).error().code,
        std::string("portal.not_found"));
}

void TestAttach::reattachedOpenDeviceNeverGetsAnOldCredential()
{
    // Detached by gw1 (an open class deletes the device), then attached through gw2: the
    // credential gw1 held must stay dead on the instance.
    const Engine::AttachRequest request{QStringLiteral("00000000000000a7"),
                                        {QStringLiteral("acme"), QStringLiteral("temp"), {}},
                                        newDeviceKey()};
    QVERIFY(m_engine->attach(QStringLiteral("gw1"), request));
    const Engine::DeviceView first = waitUntilSettled(QStringLiteral("gw1"), request.deviceId);
    QCOMPARE(first.state, Store::DeviceState::Ready);
    const QString path = QStringLiteral("/m2m/") + request.deviceId;
    const QByteArray originator = "C" + request.deviceId.toLatin1();
    QVERIFY(retrieveAs(first.instanceUrl, path, originator, first.credential) != 401);
    // gw1's command socket, open while it held the device.
    QSslConfiguration anonymous = m_adminTls;
    anonymous.setLocalCertificate(QSslCertificate());
    anonymous.setPrivateKey(QSslKey());
    QWebSocket oldSocket;
    oldSocket.setSslConfiguration(anonymous);
    QNetworkRequest handshake(
        QUrl(QString(first.instanceUrl).replace(QLatin1String("https:"), QLatin1String("wss:")) +
             path + QStringLiteral("/commands/ws")));
    handshake.setRawHeader("Authorization", "Bearer " + first.credential);
    QSignalSpy connected(&oldSocket, &QWebSocket::connected);
    QSignalSpy oldMessages(&oldSocket, &QWebSocket::textMessageReceived);
    oldSocket.open(handshake);
    QVERIFY(connected.wait(10000));
    QVERIFY(m_engine->detach(QStringLiteral("gw1"), request.deviceId));
    QTRY_COMPARE_WITH_TIMEOUT(oldSocket.state(), QAbstractSocket::UnconnectedState, 10000);
    QCOMPARE(oldSocket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);

    QVERIFY(m_engine->attach(QStringLiteral("gw2"), request));
    const Engine::DeviceView again = waitUntilSettled(QStringLiteral("gw2"), request.deviceId);
    QCOMPARE(again.state, Store::DeviceState::Ready);
    QVERIFY(again.credential != first.credential);
    QCOMPARE(m_store->findDevice(request.deviceId)->credentialEpoch, 1);
    QTRY_COMPARE_WITH_TIMEOUT(retrieveAs(again.instanceUrl, path, originator, first.credential),
                              401, kReadyTimeoutMs);
    QVERIFY(retrieveAs(again.instanceUrl, path, originator, again.credential) != 401);
    QCOMPARE(oldMessages.count(), 0); // no command ever reached gw1's socket
}

void TestAttach::killedInstanceIsRestarted()
{
    auto device = m_store->findDevice(QStringLiteral("00000000000000a1"));
    QVERIFY(device);
    const qint64 pid = m_backend->processId(device->instanceId);
    QVERIFY(pid > 0);
    QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
    // The backend restarts it (a new process, maybe a new port) and the heartbeat follows.
    QTRY_VERIFY_WITH_TIMEOUT(m_backend->processId(device->instanceId) > 0 &&
                                 m_backend->processId(device->instanceId) != pid,
                             kReadyTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_store->findInstance(device->instanceId)->url ==
                                     m_backend->status(device->instanceId).url &&
                                 m_backend->status(device->instanceId).state ==
                                     Cloud::InstanceStatus::State::Running,
                             kReadyTimeoutMs);
    const QString url = m_store->findInstance(device->instanceId)->url;
    Store::Gateway report;
    report.id = QStringLiteral("gw1");
    auto devices = m_engine->heartbeat(report);
    QVERIFY(devices);
    bool found = false;
    for (const auto &view : *devices) {
        if (view.deviceId == QLatin1String("00000000000000a1")) {
            found = true;
            QCOMPARE(view.instanceUrl, url);
        }
    }
    QVERIFY(found);
    QVERIFY(!instanceHealth(url).isEmpty());
}

void TestAttach::reconcileRequestReportsWhatItFound()
{
    auto device = m_store->findDevice(QStringLiteral("00000000000000a1"));
    QVERIFY(device);
    const Store::AdminRequest request = doAdminRequest(QStringLiteral("reconcile"), QString());
    QCOMPARE(request.state, Store::AdminRequestState::Done);
    const QJsonObject report = QJsonDocument::fromJson(request.result.toUtf8()).object();
    QVERIFY2(report.value(QStringLiteral("found")).toArray().contains(device->instanceId),
             qPrintable(request.result));
    for (const char *key : {"vanished", "removed"})
        QVERIFY2(report.value(QLatin1String(key)).toArray().isEmpty(), qPrintable(request.result));
    QCOMPARE(m_store->auditLog(1)->value(0).action, QStringLiteral("instance.reconciled"));
}

void TestAttach::adminRequestsTheEngineCannotDoFail_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("subject");
    QTest::addColumn<QString>("resultPart");
    QTest::newRow("unknown action") << "instance.teleport"
                                    << "instance:1"
                                    << "does not know the action instance.teleport";
    QTest::newRow("subject not an instance") << "instance.reprovision"
                                             << "device:1"
                                             << "must be instance:<id>";
    QTest::newRow("no such instance") << "instance.reprovision"
                                      << "instance:999"
                                      << "no instance 999";
    // The local backend has no SSH target here: Puppet is skipped, which is not a success.
    QTest::newRow("nothing to run Puppet on")
        << "instance.reprovision" << QString() << "\"outcome\": \"skipped\"";
}

void TestAttach::adminRequestsTheEngineCannotDoFail()
{
    QFETCH(QString, action);
    QFETCH(QString, subject);
    QFETCH(QString, resultPart);
    if (subject.isEmpty())
        subject = QStringLiteral("instance:%1")
                      .arg(m_store->findDevice(QStringLiteral("00000000000000a1"))->instanceId);
    const Store::AdminRequest request = doAdminRequest(action, subject);
    QCOMPARE(request.state, Store::AdminRequestState::Failed);
    QVERIFY2(request.result.contains(resultPart), qPrintable(request.result));
}

void TestAttach::vanishedInstanceIsMarkedNotRecreated()
{
    // Someone removes the machine behind a ready instance (here: the local backend's process
    // and supervision, as `openstack server delete` would a server).
    auto device = m_store->findDevice(QStringLiteral("00000000000000a1"));
    QVERIFY(device);
    const qint64 instanceId = device->instanceId;
    QCOMPARE(m_store->findInstance(instanceId)->state, Store::InstanceState::Ready);
    QVERIFY(m_backend->remove(instanceId));
    QTRY_COMPARE_WITH_TIMEOUT(m_store->findInstance(instanceId)->state,
                              Store::InstanceState::Failed, kReadyTimeoutMs);
    QVERIFY2(m_store->findInstance(instanceId)->reason.contains(QLatin1String("vanished")),
             qPrintable(m_store->findInstance(instanceId)->reason));
    // Its devices fail with it, so their gateway re-attaches them elsewhere.
    QCOMPARE(m_store->findDevice(device->id)->state, Store::DeviceState::Failed);
    QTest::qWait(1000); // ten ticks
    QCOMPARE(m_backend->status(instanceId).state, Cloud::InstanceStatus::State::Missing);
    QCOMPARE(m_backend->processId(instanceId), 0);
    // Re-attaching places the device on a new instance that becomes ready.
    const Engine::AttachRequest request{
        device->id, {QStringLiteral("acme"), QStringLiteral("temp"), {}}, m_keyA};
    QVERIFY(m_engine->attach(QStringLiteral("gw1"), request));
    const Engine::DeviceView ready = waitUntilSettled(QStringLiteral("gw1"), device->id);
    QCOMPARE(ready.state, Store::DeviceState::Ready);
    QVERIFY(m_store->findDevice(device->id)->instanceId != instanceId);
}

void TestAttach::deletedInstanceTakesItsMachineAndItsDevicesMove()
{
    auto device = m_store->findDevice(QStringLiteral("00000000000000a1"));
    QVERIFY(device);
    const qint64 instanceId = device->instanceId;
    QCOMPARE(m_store->findInstance(instanceId)->state, Store::InstanceState::Ready);
    const QString url = m_store->findInstance(instanceId)->url;
    QVERIFY(!instanceHealth(url).isEmpty());

    const Store::AdminRequest request = doAdminRequest(
        QStringLiteral("instance.delete"), QStringLiteral("instance:%1").arg(instanceId));
    QCOMPARE(request.state, Store::AdminRequestState::Done);
    QCOMPARE(m_store->findInstance(instanceId).error().code, std::string("store.not_found"));
    QCOMPARE(m_backend->processId(instanceId), 0);
    QTRY_VERIFY_WITH_TIMEOUT(instanceHealth(url).isEmpty(), 10000); // its process is gone
    const Store::Device failed = *m_store->findDevice(device->id);
    QCOMPARE(failed.state, Store::DeviceState::Failed);
    QCOMPARE(failed.instanceId, 0);
    QVERIFY2(failed.reason.contains(QLatin1String("deleted by test")), qPrintable(failed.reason));
    const auto entries = m_store->auditLog(20);
    QVERIFY(entries);
    bool audited = false;
    for (const Store::AuditEntry &entry : *entries)
        audited |= entry.action == QLatin1String("instance.deleted") &&
                   entry.subject == QStringLiteral("instance:%1").arg(instanceId) &&
                   entry.actor == QLatin1String("test");
    QVERIFY(audited);

    // A second delete finds nothing; the gateway's re-attach places the device anew.
    QVERIFY(doAdminRequest(QStringLiteral("instance.delete"),
                           QStringLiteral("instance:%1").arg(instanceId))
                .result.contains(QLatin1String("no instance")));
    const Engine::AttachRequest attach{
        device->id, {QStringLiteral("acme"), QStringLiteral("temp"), {}}, m_keyA};
    QVERIFY(m_engine->attach(QStringLiteral("gw1"), attach));
    QCOMPARE(waitUntilSettled(QStringLiteral("gw1"), device->id).state, Store::DeviceState::Ready);
    QVERIFY(m_store->findDevice(device->id)->instanceId != instanceId);
}

void TestAttach::readingsCapturedBeforeAMoveAreRefusedAfterIt()
{
    // Readings an attacker captured on the way to the first instance, replayed to the one the
    // device moved to after the first was deleted: the portal's counter floor refuses them.
    const Testing::Device device = Testing::makeDevice(QStringLiteral("00000000000000a9"));
    const QString id = QString::fromLatin1(device.id.toHex());
    const Engine::AttachRequest attach{
        id, {QStringLiteral("acme"), QStringLiteral("temp"), {}}, device.publicKey};
    QVERIFY(m_engine->attach(QStringLiteral("gw3"), attach));
    const Engine::DeviceView first = waitUntilSettled(QStringLiteral("gw3"), id);
    QCOMPARE(first.state, Store::DeviceState::Ready);
    QList<QByteArray> captured;
    for (quint32 counter = 1; counter <= 3; ++counter) {
        captured.append(Testing::signReading(device, counter, 200 + qint32(counter)));
        QCOMPARE(postReading(first.instanceUrl, id, first.credential, captured.last()).first, 201);
    }
    // The gateway's heartbeat reports what the instance accepted.
    Store::Gateway report;
    report.id = QStringLiteral("gw3");
    report.lastHeartbeat = QDateTime::currentDateTimeUtc();
    Store::DeviceActivity activity;
    activity.deviceId = id;
    activity.lastCounter = 3;
    QVERIFY(m_engine->heartbeat(report, {activity}));
    QCOMPARE(m_store->findDevice(id)->counterFloor, qint64(3));
    activity.lastCounter = 1; // a restarted gateway's lower figure never lowers it
    QVERIFY(m_engine->heartbeat(report, {activity}));
    QCOMPARE(m_store->findDevice(id)->counterFloor, qint64(3));

    const qint64 firstInstance = m_store->findDevice(id)->instanceId;
    QCOMPARE(doAdminRequest(QStringLiteral("instance.delete"),
                            QStringLiteral("instance:%1").arg(firstInstance))
                 .state,
             Store::AdminRequestState::Done);
    QVERIFY(m_engine->attach(QStringLiteral("gw3"), attach));
    const Engine::DeviceView moved = waitUntilSettled(QStringLiteral("gw3"), id);
    QCOMPARE(moved.state, Store::DeviceState::Ready);
    QVERIFY(m_store->findDevice(id)->instanceId != firstInstance);
    for (const QByteArray &replayed : captured) {
        const auto answer = postReading(moved.instanceUrl, id, moved.credential, replayed);
        QCOMPARE(answer.first, 409);
        QCOMPARE(answer.second, QStringLiteral("m2m.below_floor"));
    }
    QCOMPARE(
        postReading(moved.instanceUrl, id, moved.credential, Testing::signReading(device, 4, 204))
            .first,
        201);
    const QJsonObject health = instanceHealth(moved.instanceUrl);
    QVERIFY(health.value(QStringLiteral("readingsRejected")).toInt() >= 3);
}

void TestAttach::blockedGatewaysCredentialsAreRevokedOnceTheInstanceAnswers()
{
    const Testing::Device device = Testing::makeDevice(QStringLiteral("00000000000000aa"));
    const QString id = QString::fromLatin1(device.id.toHex());
    const Engine::AttachRequest attach{
        id, {QStringLiteral("acme"), QStringLiteral("temp"), {}}, device.publicKey};
    QVERIFY(m_engine->attach(QStringLiteral("gw5"), attach));
    const Engine::DeviceView ready = waitUntilSettled(QStringLiteral("gw5"), id);
    QCOMPARE(ready.state, Store::DeviceState::Ready);
    QCOMPARE(
        postReading(ready.instanceUrl, id, ready.credential, Testing::signReading(device, 1, 1))
            .first,
        201);

    // Blocked while its instance does not answer (the process stopped): the revocation waits.
    const qint64 instanceId = m_store->findDevice(id)->instanceId;
    const qint64 pid = m_backend->processId(instanceId);
    QVERIFY(pid > 0);
    QCOMPARE(::kill(pid_t(pid), SIGSTOP), 0);
    QVERIFY(m_store->setGatewayBlocked(QStringLiteral("gw5"), true));
    QTest::qWait(1500);
    if (m_backend->processId(instanceId) == pid) // the backend may have restarted it meanwhile
        QCOMPARE(::kill(pid_t(pid), SIGCONT), 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_store->findDevice(id)->state, Store::DeviceState::Failed,
                              kReadyTimeoutMs);
    const QString url = m_store->findInstance(instanceId)->url;
    const auto refused = postReading(url, id, ready.credential, Testing::signReading(device, 2, 2));
    QCOMPARE(refused.first, 403);
    QCOMPARE(refused.second, QStringLiteral("m2m.revoked"));
    QVERIFY(m_store->findDevice(id)->reason.contains(QLatin1String("gw5 is blocked")));
    QVERIFY(m_store->findDevice(id)->credentialSha256.isEmpty());

    // Unblocked, the gateway attaches it again with a new credential; the old one stays dead.
    QVERIFY(m_store->setGatewayBlocked(QStringLiteral("gw5"), false));
    QVERIFY(m_engine->attach(QStringLiteral("gw5"), attach));
    const Engine::DeviceView again = waitUntilSettled(QStringLiteral("gw5"), id);
    QCOMPARE(again.state, Store::DeviceState::Ready);
    QVERIFY(again.credential != ready.credential);
    QCOMPARE(
        postReading(again.instanceUrl, id, again.credential, Testing::signReading(device, 3, 3))
            .first,
        201);
    QCOMPARE(
        postReading(again.instanceUrl, id, ready.credential, Testing::signReading(device, 4, 4))
            .first,
        401);
}

void TestAttach::lapsedGatewaysCredentialsAreRevokedAfterTenMinutes()
{
    const Testing::Device device = Testing::makeDevice(QStringLiteral("00000000000000ab"));
    const QString id = QString::fromLatin1(device.id.toHex());
    QVERIFY(m_engine->attach(
        QStringLiteral("gw6"),
        {id, {QStringLiteral("acme"), QStringLiteral("temp"), {}}, device.publicKey}));
    const Engine::DeviceView ready = waitUntilSettled(QStringLiteral("gw6"), id);
    QCOMPARE(ready.state, Store::DeviceState::Ready);
    Store::Gateway report;
    report.id = QStringLiteral("gw6");
    report.lastHeartbeat = QDateTime::currentDateTimeUtc();
    // Lapsed 9 minutes ago: within the grace for a renewal.
    report.btidExpiry = QDateTime::currentDateTimeUtc().addSecs(-9 * 60);
    QVERIFY(m_engine->heartbeat(report));
    QTest::qWait(1000); // ten ticks
    QCOMPARE(m_store->findDevice(id)->state, Store::DeviceState::Ready);
    // 11 minutes ago, and no renewal reported since: revoked.
    report.btidExpiry = QDateTime::currentDateTimeUtc().addSecs(-11 * 60);
    QVERIFY(m_engine->heartbeat(report));
    QTRY_COMPARE_WITH_TIMEOUT(m_store->findDevice(id)->state, Store::DeviceState::Failed,
                              kReadyTimeoutMs);
    QVERIFY(m_store->findDevice(id)->reason.contains(QLatin1String("certificate lapsed")));
    const auto refused =
        postReading(ready.instanceUrl, id, ready.credential, Testing::signReading(device, 1, 1));
    QCOMPARE(refused.second, QStringLiteral("m2m.revoked"));
}

void TestAttach::detachedDeviceIsDroppedByAnInstanceThatWasDown()
{
    const Testing::Device device = Testing::makeDevice(QStringLiteral("00000000000000ac"));
    const QString id = QString::fromLatin1(device.id.toHex());
    QVERIFY(m_engine->attach(
        QStringLiteral("gw7"),
        {id, {QStringLiteral("acme"), QStringLiteral("temp"), {}}, device.publicKey}));
    const Engine::DeviceView ready = waitUntilSettled(QStringLiteral("gw7"), id);
    QCOMPARE(ready.state, Store::DeviceState::Ready);
    const qint64 instanceId = m_store->findDevice(id)->instanceId;
    const qint64 pid = m_backend->processId(instanceId);
    QCOMPARE(::kill(pid_t(pid), SIGSTOP), 0);
    QVERIFY(m_engine->detach(QStringLiteral("gw7"), id));
    QCOMPARE(m_store->deviceRemovals()->size(), 1);
    QTest::qWait(1500);
    if (m_backend->processId(instanceId) == pid)
        QCOMPARE(::kill(pid_t(pid), SIGCONT), 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_store->deviceRemovals()->isEmpty(), kReadyTimeoutMs);
    const auto refused = postReading(m_store->findInstance(instanceId)->url, id, ready.credential,
                                     Testing::signReading(device, 1, 1));
    QCOMPARE(refused.first, 403);
    QCOMPARE(refused.second, QStringLiteral("m2m.revoked"));
}

QTEST_GUILESS_MAIN(TestAttach)
#include "tst_attach.moc"
