// iot-portald as a real process over HTTPS (docs/api.md, Portal API): the lab PKI, gateway
// client certificates issued from the portal CA for "gw1" and "gw2", the store filled through
// the program's own CLI, and local instances run by the portal (the real iot-m2m-service, or
// the test stand-in while it is not built). Answers are checked against the contract only.

#include "tests/support/daemonprocess.h"
#include "tests/support/gatewaytls.h"
#include "tests/support/testfiles.h"

#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/store/store.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Portal;

namespace {

const QString kPortald = QStringLiteral(IOT_PORTALD_PATH);
const QString kOpenDevice = QStringLiteral("0102030405060708");
const QString kSecureDevice = QStringLiteral("1112131415161718");

struct Answer
{
    int status = 0;
    QByteArray retryAfter;
    QJsonObject json;
    QByteArray body;
    QString networkError;
};

} // namespace

class TestPortald : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void attachBecomesReadyAfterPolling();
    void reattachGivesTheSameAnswer();
    void instanceRefusalsReachThePortalAudit();
    void preregisteredClassRefusesAnotherKey();
    void heartbeatListsTheGatewaysDevices();
    void otherGatewayIsForbidden();
    void badRequestsChangeNothing();
    void blockedGatewayIsRefused();
    void secretsAreSetFromStandardInputOnly();
    void stopsCleanly();

private:
    Answer call(const QSslConfiguration &tls, const QByteArray &method, const QString &pathOrUrl,
                const QByteArray &body = QByteArray());
    Answer attach(const QSslConfiguration &tls, const QString &deviceId, const QString &vendor,
                  const QByteArray &publicKeyBase64);
    int runCli(const QStringList &arguments);

    QTemporaryDir m_dir;
    Crypto::LabPkiPaths m_pki;
    QString m_database;
    std::unique_ptr<Testing::DaemonProcess> m_portald;
    QSslConfiguration m_gw1;
    QSslConfiguration m_gw2;
    QByteArray m_openKey = Testing::newDeviceKeyBase64();
    QByteArray m_secureKey = Testing::newDeviceKeyBase64();
    QJsonObject m_ready;
};

Answer TestPortald::call(const QSslConfiguration &tls, const QByteArray &method,
                         const QString &pathOrUrl, const QByteArray &body)
{
    QNetworkAccessManager network;
    const QString url =
        pathOrUrl.startsWith(QLatin1String("https://"))
            ? pathOrUrl
            : QStringLiteral("https://127.0.0.1:%1%2").arg(m_portald->port()).arg(pathOrUrl);
    QNetworkRequest request{QUrl(url)};
    request.setSslConfiguration(tls);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    Answer answer;
    if (!finished.wait(15000)) {
        answer.networkError = QStringLiteral("timeout");
        return answer;
    }
    reply->deleteLater();
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.retryAfter = reply->rawHeader("Retry-After");
    answer.body = reply->readAll();
    answer.json = QJsonDocument::fromJson(answer.body).object();
    if (answer.status == 0)
        answer.networkError = reply->errorString();
    return answer;
}

Answer TestPortald::attach(const QSslConfiguration &tls, const QString &deviceId,
                           const QString &vendor, const QByteArray &publicKeyBase64)
{
    const Testing::AttachAnswer attached = Testing::attachDeviceWithKey(
        tls, m_portald->port(), deviceId, vendor, publicKeyBase64, QStringLiteral("temperature"));
    Answer answer;
    answer.status = attached.status == -1 ? 0 : attached.status;
    answer.retryAfter = attached.retryAfter;
    answer.json = attached.json;
    answer.body = QJsonDocument(attached.json).toJson();
    return answer;
}

int TestPortald::runCli(const QStringList &arguments)
{
    QByteArray output;
    const int code = Testing::runCommand(
        kPortald, arguments + QStringList{QStringLiteral("--database"), m_database}, &output);
    if (code != 0)
        qWarning().noquote() << "iot-portald" << arguments.join(' ') << "->" << code << output;
    return code;
}

void TestPortald::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString pkiDir = m_dir.filePath(QStringLiteral("pki"));
    auto pki = Crypto::LabPki::ensure(pkiDir.toStdString());
    QVERIFY(pki);
    m_pki = *pki;
    m_database = m_dir.filePath(QStringLiteral("portal.sqlite"));
    m_gw1 = Testing::gatewayTls(m_pki, QStringLiteral("gw1"));
    m_gw2 = Testing::gatewayTls(m_pki, QStringLiteral("gw2"));
    QVERIFY(!m_gw1.localCertificate().isNull() && !m_gw2.localCertificate().isNull());

    QCOMPARE(runCli({QStringLiteral("template"), QStringLiteral("add"), QStringLiteral("--name"),
                     QStringLiteral("small"), QStringLiteral("--flavor"), QStringLiteral("m1")}),
             0);
    QCOMPARE(runCli({QStringLiteral("class"), QStringLiteral("add"), QStringLiteral("--name"),
                     QStringLiteral("lab-open"), QStringLiteral("--template"),
                     QStringLiteral("small"), QStringLiteral("--vendor"), QStringLiteral("acme"),
                     QStringLiteral("--enrolment"), QStringLiteral("open")}),
             0);
    QCOMPARE(
        runCli({QStringLiteral("class"), QStringLiteral("add"), QStringLiteral("--name"),
                QStringLiteral("secure"), QStringLiteral("--template"), QStringLiteral("small"),
                QStringLiteral("--vendor"), QStringLiteral("secure")}),
        0);
    QCOMPARE(
        runCli({QStringLiteral("device"), QStringLiteral("register"), QStringLiteral("--id"),
                kSecureDevice, QStringLiteral("--public-key"), QString::fromLatin1(m_secureKey),
                QStringLiteral("--class"), QStringLiteral("secure")}),
        0);
    // A CLI mistake is a usage error (2), not a crash or a silent success.
    QCOMPARE(runCli({QStringLiteral("class"), QStringLiteral("add"), QStringLiteral("--name"),
                     QStringLiteral("x"), QStringLiteral("--template"), QStringLiteral("none")}),
             2);

    m_portald = std::make_unique<Testing::DaemonProcess>(
        kPortald,
        QStringList{QStringLiteral("--database"), m_database, QStringLiteral("--pki-dir"), pkiDir,
                    QStringLiteral("--instances-dir"), m_dir.filePath(QStringLiteral("instances")),
                    QStringLiteral("--m2m-service-path"), QStringLiteral(M2M_SERVICE_PATH),
                    QStringLiteral("--auth-failure-pull-interval"), QStringLiteral("1")});
    QVERIFY2(m_portald->start(), m_portald->output().constData());
}

void TestPortald::cleanupTestCase()
{
    m_portald.reset();
}

void TestPortald::attachBecomesReadyAfterPolling()
{
    const Answer first = attach(m_gw1, kOpenDevice, QStringLiteral("acme"), m_openKey);
    QCOMPARE(first.status, 202);
    QCOMPARE(first.retryAfter, QByteArray("1"));
    QCOMPARE(first.json.value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
    QCOMPARE(first.json.value(QStringLiteral("deviceId")).toString(), kOpenDevice);

    Answer polled;
    QElapsedTimer timer;
    timer.start();
    do {
        QTest::qWait(300);
        polled = call(m_gw1, "GET", QStringLiteral("/api/v1/devices/") + kOpenDevice);
        QCOMPARE(polled.status, 200);
    } while (polled.json.value(QStringLiteral("state")).toString() == QLatin1String("pending") &&
             timer.elapsed() < 40000);
    QCOMPARE(polled.json.value(QStringLiteral("state")).toString(), QStringLiteral("ready"));
    const QString instanceUrl = polled.json.value(QStringLiteral("instanceUrl")).toString();
    QVERIFY(instanceUrl.startsWith(QLatin1String("https://127.0.0.1:")));
    QCOMPARE(polled.json.value(QStringLiteral("credential")).toString().size(), 43);

    // The instance URL answers, over TLS with a certificate from the portal CA, and the
    // instance holds the device the portal pushed.
    QSslConfiguration admin = QSslConfiguration::defaultConfiguration();
    admin.setLocalCertificate(
        QSslCertificate(Testing::readFile(m_pki.portalAdmin.certificatePath), QSsl::Pem));
    admin.setPrivateKey(QSslKey(Testing::readFile(m_pki.portalAdmin.keyPath), QSsl::Ec, QSsl::Pem));
    admin.setCaCertificates(
        QSslCertificate::fromData(Testing::readFile(m_pki.portalCa.certificatePath)));
    const Answer health = call(admin, "GET", instanceUrl + QStringLiteral("/admin/v1/health"));
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json.value(QStringLiteral("devices")).toInt(-1), 1);
    m_ready = polled.json;
}

void TestPortald::instanceRefusalsReachThePortalAudit()
{
    // A wrong bearer token at the instance the device was placed on: the instance counts it,
    // and the leading portald copies the row into the portal's store under the instance name.
    const QString instanceUrl = m_ready.value(QStringLiteral("instanceUrl")).toString();
    QVERIFY(!instanceUrl.isEmpty());
    QSslConfiguration anyone = QSslConfiguration::defaultConfiguration();
    anyone.setCaCertificates(
        QSslCertificate::fromData(Testing::readFile(m_pki.portalCa.certificatePath)));
    for (int attempt = 0; attempt < 3; ++attempt) {
        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(instanceUrl + QStringLiteral("/m2m/") + kOpenDevice));
        request.setSslConfiguration(anyone);
        request.setRawHeader("Authorization", "Bearer not-the-credential");
        request.setRawHeader("X-M2M-Origin", "C" + kOpenDevice.toLatin1());
        request.setRawHeader("X-M2M-RI", "audit-" + QByteArray::number(attempt));
        QNetworkReply *reply = network.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
        reply->deleteLater();
    }
    auto store = Store::Store::open(m_database);
    QVERIFY(store.ok());
    qint64 counted = 0;
    QString source;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            auto rows = (*store)->authFailures(100);
            counted = 0;
            for (const AuthFailure &row : rows ? *rows : QList<AuthFailure>()) {
                if (row.reason == QLatin1String("m2m.unauthenticated") &&
                    row.identity == kOpenDevice) {
                    counted += row.count;
                    source = row.source;
                }
            }
            return counted == 3;
        }(),
        15000);
    QVERIFY2(source.startsWith(QLatin1String("instance-")) &&
                 source.endsWith(QLatin1String("/127.0.0.1")),
             qPrintable(source));
}

void TestPortald::reattachGivesTheSameAnswer()
{
    QVERIFY(!m_ready.isEmpty());
    const Answer again = attach(m_gw1, kOpenDevice, QStringLiteral("acme"), m_openKey);
    QCOMPARE(again.status, 200);
    // Each proof is answered with its own authorisation; the placement is the same.
    QCOMPARE(QByteArray::fromBase64(
                 again.json.value(QStringLiteral("authorisation")).toString().toLatin1())
                 .size(),
             64);
    QJsonObject placement = again.json;
    placement.remove(QStringLiteral("authorisation"));
    QCOMPARE(placement, m_ready);
}

void TestPortald::preregisteredClassRefusesAnotherKey()
{
    const Answer refused =
        attach(m_gw1, kSecureDevice, QStringLiteral("secure"), Testing::newDeviceKeyBase64());
    QCOMPARE(refused.status, 403);
    QCOMPARE(refused.json.value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("code"))
                 .toString(),
             QStringLiteral("portal.enrolment_refused"));
    // Not attached by the refusal.
    QCOMPARE(call(m_gw1, "GET", QStringLiteral("/api/v1/devices/") + kSecureDevice).status, 404);
    const Answer accepted = attach(m_gw1, kSecureDevice, QStringLiteral("secure"), m_secureKey);
    QVERIFY(accepted.status == 202 || accepted.status == 200);
    const Answer noClass = attach(m_gw1, QStringLiteral("2122232425262728"),
                                  QStringLiteral("nobody"), Testing::newDeviceKeyBase64());
    QCOMPARE(noClass.status, 422);
}

void TestPortald::heartbeatListsTheGatewaysDevices()
{
    const QJsonObject report{
        {QStringLiteral("version"), QStringLiteral("0.1.0")},
        {QStringLiteral("deviceCount"), 2},
        {QStringLiteral("queueDepth"), 0},
        {QStringLiteral("btidExpiry"), QStringLiteral("2030-01-01T00:00:00Z")},
        {QStringLiteral("devices"),
         QJsonArray{QJsonObject{
             {QStringLiteral("id"), kOpenDevice},
             {QStringLiteral("lastSeen"), QStringLiteral("2026-12-02T10:00:01.250Z")},
             {QStringLiteral("lastReading"), QStringLiteral("2026-12-02T10:00:00.500Z")},
             {QStringLiteral("signature"), QStringLiteral("verified")}}}}};
    const Answer answer = call(m_gw1, "POST", QStringLiteral("/api/v1/gateways/gw1/heartbeat"),
                               QJsonDocument(report).toJson());
    QCOMPARE(answer.status, 200);
    QVERIFY(QDateTime::fromString(answer.json.value(QStringLiteral("serverTime")).toString(),
                                  Qt::ISODate)
                .isValid());
    const QJsonArray devices = answer.json.value(QStringLiteral("devices")).toArray();
    QCOMPARE(devices.size(), 2);
    QJsonObject open;
    for (const QJsonValue &value : devices) {
        if (value.toObject().value(QStringLiteral("deviceId")).toString() == kOpenDevice)
            open = value.toObject();
    }
    QCOMPARE(open.value(QStringLiteral("state")).toString(), QStringLiteral("ready"));
    QCOMPARE(open.value(QStringLiteral("instanceUrl")),
             m_ready.value(QStringLiteral("instanceUrl")));
    // What it said of the device is in the store for the GUI.
    {
        auto store = Store::Store::open(m_database);
        QVERIFY(store);
        const auto device = (*store)->findDevice(kOpenDevice);
        QVERIFY(device);
        QCOMPARE(
            device->lastSeen.toMSecsSinceEpoch(),
            QDateTime::fromString(QStringLiteral("2026-12-02T10:00:01.250Z"), Qt::ISODateWithMs)
                .toMSecsSinceEpoch());
        QCOMPARE(device->lastReading.toMSecsSinceEpoch() % 1000, 500);
        QCOMPARE(device->signature, Store::SignatureState::Verified);
    }

    const Answer gw2Own =
        call(m_gw2, "POST", QStringLiteral("/api/v1/gateways/gw2/heartbeat"), "{}");
    QCOMPARE(gw2Own.status, 200);
    QCOMPARE(gw2Own.json.value(QStringLiteral("devices")).toArray().size(), 0);
}

void TestPortald::otherGatewayIsForbidden()
{
    QCOMPARE(call(m_gw2, "GET", QStringLiteral("/api/v1/devices/") + kOpenDevice).status, 403);
    QCOMPARE(call(m_gw2, "DELETE", QStringLiteral("/api/v1/devices/") + kOpenDevice).status, 403);
    QCOMPARE(call(m_gw2, "POST", QStringLiteral("/api/v1/gateways/gw1/heartbeat"), "{}").status,
             403);
    QCOMPARE(attach(m_gw2, kOpenDevice, QStringLiteral("acme"), m_openKey).status, 403);
    // Still gw1's, still ready.
    const Answer mine = call(m_gw1, "GET", QStringLiteral("/api/v1/devices/") + kOpenDevice);
    QCOMPARE(mine.json.value(QStringLiteral("state")).toString(), QStringLiteral("ready"));
    // No client certificate: the TLS handshake itself fails.
    QSslConfiguration anonymous = QSslConfiguration::defaultConfiguration();
    anonymous.setCaCertificates(
        QSslCertificate::fromData(Testing::readFile(m_pki.portalCa.certificatePath)));
    QCOMPARE(call(anonymous, "GET", QStringLiteral("/api/v1/devices/") + kOpenDevice).status, 0);
}

void TestPortald::badRequestsChangeNothing()
{
    const QString fresh = QStringLiteral("3132333435363738");
    const Answer malformed = call(m_gw1, "POST", QStringLiteral("/api/v1/devices"),
                                  "{\"deviceId\": \"3132333435363738\", ");
    QCOMPARE(malformed.status, 400);
    QCOMPARE(malformed.json.value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("code"))
                 .toString(),
             QStringLiteral("portal.invalid"));
    const Answer badKey = attach(m_gw1, fresh, QStringLiteral("acme"), QByteArray("AAAA"));
    QCOMPARE(badKey.status, 400);
    // Not a point on P-256 although 65 bytes starting with 0x04.
    QByteArray offCurve(65, '\x01');
    offCurve[0] = 0x04;
    QCOMPARE(attach(m_gw1, fresh, QStringLiteral("acme"), offCurve.toBase64()).status, 400);
    // A valid attach padded beyond 16 KiB is refused before it is parsed.
    QJsonObject valid{
        {QStringLiteral("deviceId"), fresh},
        {QStringLiteral("vendor"), QStringLiteral("acme")},
        {QStringLiteral("publicKey"), QString::fromLatin1(Testing::newDeviceKeyBase64())}};
    const QByteArray oversized = QJsonDocument(valid).toJson() + QByteArray(17 * 1024, ' ');
    QCOMPARE(call(m_gw1, "POST", QStringLiteral("/api/v1/devices"), oversized).status, 413);
    for (const QByteArray &bad :
         {QByteArray("{\"deviceCount\": \"many\"}"), QByteArray("{\"devices\": {}}"),
          QByteArray("{\"devices\": [{\"id\": \"XYZ\"}]}"),
          "{\"devices\": [{\"id\": \"" + kOpenDevice.toLatin1() + "\", \"signature\": \"fine\"}]}",
          "{\"devices\": [{\"id\": \"" + kOpenDevice.toLatin1() + "\", \"lastSeen\": \"soon\"}]}",
          "{\"devices\": [{\"id\": \"" + kOpenDevice.toLatin1() +
              "\", \"lastSeen\": \"2099-01-01T00:00:00.000Z\"}]}",
          // A good line before a bad one: nothing of the report is written.
          "{\"devices\": [{\"id\": \"" + kOpenDevice.toLatin1() +
              "\", \"signature\": \"replay\"}, {\"id\": 7}]}"})
        QCOMPARE(call(m_gw1, "POST", QStringLiteral("/api/v1/gateways/gw1/heartbeat"), bad).status,
                 400);
    // More devices than a heartbeat may list (1000).
    QJsonArray tooMany;
    for (int n = 0; n < 1001; ++n)
        tooMany.append(QJsonObject{
            {QStringLiteral("id"), QStringLiteral("%1").arg(n, 16, 16, QLatin1Char('0'))}});
    QCOMPARE(call(m_gw1, "POST", QStringLiteral("/api/v1/gateways/gw1/heartbeat"),
                  QJsonDocument(QJsonObject{{QStringLiteral("devices"), tooMany}}).toJson())
                 .status,
             400);
    QCOMPARE(call(m_gw1, "GET", QStringLiteral("/api/v1/devices/") + fresh).status, 404);
    {
        auto store = Store::Store::open(m_database);
        QVERIFY(store);
        QCOMPARE((*store)->findDevice(kOpenDevice)->signature, Store::SignatureState::Verified);
    }
    const Answer heartbeat =
        call(m_gw1, "POST", QStringLiteral("/api/v1/gateways/gw1/heartbeat"), "{}");
    QCOMPARE(heartbeat.json.value(QStringLiteral("devices")).toArray().size(), 2);
}

void TestPortald::blockedGatewayIsRefused()
{
    // The operator blocks gw2 in the shared store while the portal runs.
    QCOMPARE(runCli({QStringLiteral("gateway"), QStringLiteral("block"), QStringLiteral("--id"),
                     QStringLiteral("gw2")}),
             0);
    const Answer blocked =
        call(m_gw2, "POST", QStringLiteral("/api/v1/gateways/gw2/heartbeat"), "{}");
    QCOMPARE(blocked.status, 403);
    QCOMPARE(blocked.json.value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("code"))
                 .toString(),
             QStringLiteral("portal.forbidden"));
    QCOMPARE(call(m_gw1, "POST", QStringLiteral("/api/v1/gateways/gw1/heartbeat"), "{}").status,
             200);
}

void TestPortald::secretsAreSetFromStandardInputOnly()
{
    const QString file = m_dir.filePath(QStringLiteral("secrets.json"));
    const auto secret = [&](const QStringList &arguments, const QByteArray &input) {
        QProcess process;
        process.start(kPortald, QStringList{QStringLiteral("secret")} + arguments +
                                    QStringList{QStringLiteral("--secrets-file"), file});
        process.write(input);
        process.closeWriteChannel();
        process.waitForFinished(30000);
        return process.exitCode();
    };
    QCOMPARE(secret({"set", "--name", "ssh-key-passphrase:/etc/iot-portal/id"}, "hunter2\n"), 0);
    QCOMPARE(QFile(file).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
             QFileDevice::Permissions());
    const QByteArray stored = Testing::readFile(file);
    QVERIFY2(stored.contains(QByteArray("hunter2").toBase64()) && !stored.contains("hunter2\""),
             stored.constData());
    // No value, a bad name: refused, the file unchanged.
    QCOMPARE(secret({"set", "--name", "other"}, ""), 2);
    QCOMPARE(secret({"set", "--name", "a name"}, "v\n"), 2);
    QCOMPARE(Testing::readFile(file), stored);
    QCOMPARE(secret({"remove", "--name", "ssh-key-passphrase:/etc/iot-portal/id"}, ""), 0);
    QVERIFY(!Testing::readFile(file).contains(QByteArray("hunter2").toBase64()));
    QCOMPARE(secret({"remove", "--name", "ssh-key-passphrase:/etc/iot-portal/id"}, ""), 1);
}

void TestPortald::stopsCleanly()
{
    QVERIFY2(m_portald->stop(), m_portald->output().constData());
}

QTEST_GUILESS_MAIN(TestPortald)
#include "tst_portald.moc"
