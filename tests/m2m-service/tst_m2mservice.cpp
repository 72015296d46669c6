// iot-m2m-service as a real process over HTTPS (lab PKI): the portal pushes a device through
// the admin API with its client certificate, a gateway (no client certificate, a bearer
// credential) posts readings signed the way the device firmware signs them (Portal::Protocol
// bytes, firmware/crypto RFC 6979 ECDSA), and the service must store exactly the readings whose
// signatures verify, with fresh counters — across a SIGTERM restart too. Commands go out over
// the device's command WebSocket and their status comes back.

#include "../support/daemonprocess.h"
#include "tests/support/signedreading.h"
#include "tests/support/testfiles.h"

#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/onem2m/resourcejson.h>

#include <QCryptographicHash>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <cstring>
#include <memory>

using namespace Portal;

namespace {

const QString kDeviceId = QStringLiteral("0102030405060708");
const QString kOtherDeviceId = QStringLiteral("1112131415161718");

struct Answer
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QByteArray rsc;
    QByteArray requestId;
    QString errorCode() const
    {
        return json.value(QStringLiteral("error"))
            .toObject()
            .value(QStringLiteral("code"))
            .toString();
    }
    QJsonObject cin() const { return json.value(QStringLiteral("m2m:cin")).toObject(); }
};

using Testing::Device;
using Testing::makeDevice;
using Testing::readingBody;
using Testing::signReading;

} // namespace

class TestM2mService : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Crypto::LabPkiPaths m_pki;
    std::unique_ptr<Testing::DaemonProcess> m_service;
    QNetworkAccessManager m_adminNetwork;
    QNetworkAccessManager m_gatewayNetwork;
    QSslConfiguration m_adminTls;
    QSslConfiguration m_gatewayTls;
    Device m_device;
    Device m_other;
    int m_requestNumber = 0;

    QString baseUrl() const
    {
        return QStringLiteral("https://127.0.0.1:%1").arg(m_service->port());
    }

    bool startService()
    {
        m_service = std::make_unique<Testing::DaemonProcess>(
            QStringLiteral(IOT_M2M_SERVICE_PATH),
            QStringList{QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data")),
                        QStringLiteral("--tls-cert"),
                        QString::fromStdString(m_pki.portalApi.certificatePath),
                        QStringLiteral("--tls-key"),
                        QString::fromStdString(m_pki.portalApi.keyPath),
                        QStringLiteral("--admin-client-ca"),
                        QString::fromStdString(m_pki.adminCa.certificatePath),
                        QStringLiteral("--name"), QStringLiteral("lab-1")});
        if (!m_service->start()) {
            qWarning().noquote() << m_service->output();
            return false;
        }
        // New connections after a restart: the old ones point at a dead process.
        m_adminNetwork.clearConnectionCache();
        m_gatewayNetwork.clearConnectionCache();
        return true;
    }

    enum class As { Admin, Gateway, Anonymous };

    Answer send(As as, const QByteArray &method, const QString &path, const QByteArray &body = {},
                const QList<QPair<QByteArray, QByteArray>> &headers = {},
                const QByteArray &contentType = "application/json")
    {
        QNetworkRequest request(QUrl(baseUrl() + path));
        request.setSslConfiguration(as == As::Admin ? m_adminTls : m_gatewayTls);
        request.setTransferTimeout(10000);
        if (!contentType.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        const QByteArray requestId = "req-" + QByteArray::number(++m_requestNumber);
        request.setRawHeader("X-M2M-RI", requestId);
        bool originSet = false;
        for (const auto &[name, value] : headers) {
            request.setRawHeader(name, value);
            originSet = originSet || name == "X-M2M-Origin";
        }
        if (!originSet && path.startsWith(QLatin1String("/m2m")))
            request.setRawHeader("X-M2M-Origin", as == As::Admin ? "Cportal-admin" : "Cgw-1");
        if (as == As::Gateway)
            request.setRawHeader("Authorization", "Bearer " + m_device.credential);
        QNetworkAccessManager &network = as == As::Admin ? m_adminNetwork : m_gatewayNetwork;
        QNetworkReply *reply = network.sendCustomRequest(request, method, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Answer answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
        answer.json = QJsonDocument::fromJson(answer.body).object();
        answer.rsc = reply->rawHeader("X-M2M-RSC");
        answer.requestId = reply->rawHeader("X-M2M-RI");
        if (answer.status == 0)
            qWarning() << "no HTTP answer:" << reply->errorString();
        reply->deleteLater();
        if (path.startsWith(QLatin1String("/m2m")) && answer.status != 0 &&
            answer.requestId != requestId)
            qWarning() << "X-M2M-RI not echoed";
        return answer;
    }

    Answer postReading(const QByteArray &cose, As as = As::Gateway,
                       const QString &deviceId = kDeviceId)
    {
        return send(as, "POST", QStringLiteral("/m2m/%1/data").arg(deviceId), readingBody(cose), {},
                    "application/json;ty=4");
    }

    // counterFloor: the JSON value sent as "counterFloor" (undefined: none).
    Answer pushDevice(const Device &device, const QString &id, bool revoked,
                      const QJsonValue &counterFloor = QJsonValue(QJsonValue::Undefined))
    {
        QJsonObject object{
            {QStringLiteral("publicKey"), QString::fromLatin1(device.publicKey.toBase64())},
            {QStringLiteral("credentialSha256"),
             QString::fromLatin1(
                 QCryptographicHash::hash(device.credential, QCryptographicHash::Sha256).toHex())},
            {QStringLiteral("revoked"), revoked}};
        if (!counterFloor.isUndefined())
            object.insert(QStringLiteral("counterFloor"), counterFloor);
        return send(As::Admin, "PUT", QStringLiteral("/admin/v1/devices/") + id,
                    QJsonDocument(object).toJson());
    }

    qint64 health(const char *field)
    {
        const Answer answer = send(As::Admin, "GET", QStringLiteral("/admin/v1/health"));
        return answer.status == 200 ? answer.json.value(QLatin1String(field)).toInteger(-1) : -1;
    }

    std::unique_ptr<QWebSocket> openCommandSocket(const QByteArray &credential)
    {
        auto socket = std::make_unique<QWebSocket>();
        socket->setSslConfiguration(m_gatewayTls);
        QNetworkRequest request(QUrl(QStringLiteral("wss://127.0.0.1:%1/m2m/%2/commands/ws")
                                         .arg(m_service->port())
                                         .arg(kDeviceId)));
        request.setRawHeader("Authorization", "Bearer " + credential);
        socket->open(request);
        return socket;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto pki = Crypto::LabPki::ensure(m_dir.filePath(QStringLiteral("pki")).toStdString());
        QVERIFY2(pki.ok(), pki.ok() ? "" : pki.error().message.c_str());
        m_pki = *pki;
        const QList<QSslCertificate> portalCa = QSslCertificate::fromData(
            Testing::readFile(QString::fromStdString(m_pki.portalCa.certificatePath)));
        QVERIFY(!portalCa.isEmpty());
        m_gatewayTls = QSslConfiguration::defaultConfiguration();
        m_gatewayTls.setCaCertificates(portalCa);
        m_adminTls = m_gatewayTls;
        const QList<QSslCertificate> adminCertificate = QSslCertificate::fromData(
            Testing::readFile(QString::fromStdString(m_pki.portalAdmin.certificatePath)));
        const QSslKey adminKey(Testing::readFile(QString::fromStdString(m_pki.portalAdmin.keyPath)),
                               QSsl::Ec);
        QVERIFY(!adminCertificate.isEmpty());
        QVERIFY(!adminKey.isNull());
        m_adminTls.setLocalCertificate(adminCertificate.first());
        m_adminTls.setPrivateKey(adminKey);

        m_device = makeDevice(kDeviceId);
        m_other = makeDevice(kOtherDeviceId);
        QVERIFY(startService());
    }

    void cleanupTestCase()
    {
        if (m_service)
            QVERIFY2(m_service->stop(), m_service->output().constData());
    }

    void adminApiNeedsTheClientCertificate()
    {
        const Answer put =
            send(As::Anonymous, "PUT", QStringLiteral("/admin/v1/devices/") + kDeviceId, "{}");
        QCOMPARE(put.status, 403);
        QCOMPARE(put.errorCode(), QStringLiteral("m2m.not_admin"));
        QCOMPARE(send(As::Anonymous, "GET", QStringLiteral("/admin/v1/health")).status, 403);
        QCOMPARE(health("devices"), 0);

        // CN portal-admin, but issued by the operator CA instead of the portal CA.
        auto operatorCa = Crypto::Certificate::fromPem(
            Testing::readFile(QString::fromStdString(m_pki.operatorCa.certificatePath))
                .toStdString());
        auto operatorKey = Crypto::PrivateKey::fromPem(
            Testing::readFile(QString::fromStdString(m_pki.operatorCa.keyPath)).toStdString());
        auto forgerKey = Crypto::PrivateKey::generateP256();
        QVERIFY(operatorCa.ok() && operatorKey.ok() && forgerKey.ok());
        const Crypto::PublicKey forgerPublic = forgerKey->publicKey();
        Crypto::IssueRequest issue;
        issue.issuerCertificate = &*operatorCa;
        issue.issuerKey = &*operatorKey;
        issue.subjectPublicKey = &forgerPublic;
        issue.commonName = "portal-admin";
        issue.profile = Crypto::CertificateProfile::TlsClient;
        issue.validitySeconds = 3600;
        auto forged = Crypto::issueCertificate(issue);
        QVERIFY(forged.ok());
        const Crypto::SecretBytes forgerPem = forgerKey->toPem();
        QSslConfiguration forgerTls = m_adminTls;
        forgerTls.setLocalCertificate(
            QSslCertificate(QByteArray::fromStdString(forged->toPem()), QSsl::Pem));
        forgerTls.setPrivateKey(QSslKey(QByteArray(reinterpret_cast<const char *>(forgerPem.data()),
                                                   qsizetype(forgerPem.size())),
                                        QSsl::Ec));
        QNetworkAccessManager forgerNetwork;
        QNetworkRequest request(QUrl(baseUrl() + QStringLiteral("/admin/v1/health")));
        request.setSslConfiguration(forgerTls);
        QNetworkReply *reply = forgerNetwork.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 403);
        reply->deleteLater();
    }

    void plainHttpRefusesTheAdminApi()
    {
        Testing::DaemonProcess plain(
            QStringLiteral(IOT_M2M_SERVICE_PATH),
            {QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("plain"))});
        QVERIFY2(plain.start(), plain.output().constData());
        QNetworkAccessManager network;
        QNetworkRequest request(
            QUrl(QStringLiteral("http://127.0.0.1:%1/admin/v1/health").arg(plain.port())));
        QNetworkReply *reply = network.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 403);
        QCOMPARE(QJsonDocument::fromJson(reply->readAll())
                     .object()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("m2m.admin_requires_tls"));
        reply->deleteLater();
        QVERIFY2(plain.stop(), plain.output().constData());
    }

    void pushDevices()
    {
        QCOMPARE(pushDevice(m_device, kDeviceId, false).status, 201);
        QCOMPARE(pushDevice(m_device, kDeviceId, false).status, 200);
        QCOMPARE(pushDevice(m_other, kOtherDeviceId, false).status, 201);
        QCOMPARE(health("devices"), 2);

        Device bad = m_device;
        bad.publicKey[10] = char(bad.publicKey[10] ^ 1); // off the curve
        const Answer refused = pushDevice(bad, QStringLiteral("2122232425262728"), false);
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.errorCode(), QStringLiteral("m2m.bad_key"));
        QCOMPARE(health("devices"), 2);
    }

    void validReadingsAreStored()
    {
        for (quint32 counter = 1; counter <= 3; ++counter) {
            const QByteArray cose = signReading(m_device, counter, 200 + qint32(counter));
            QVERIFY(!cose.isEmpty());
            const Answer answer = postReading(cose);
            QCOMPARE(answer.status, 201);
            QCOMPARE(answer.rsc, QByteArray("2001"));
            QCOMPARE(answer.requestId, "req-" + QByteArray::number(m_requestNumber));
            QCOMPARE(answer.cin().value(QStringLiteral("ty")).toInt(), 4);
            QCOMPARE(answer.cin().value(QStringLiteral("con")).toString().toLatin1(),
                     cose.toBase64());
        }
        const Answer latest =
            send(As::Admin, "GET", QStringLiteral("/m2m/%1/data/la").arg(kDeviceId));
        QCOMPARE(latest.status, 200);
        QCOMPARE(latest.rsc, QByteArray("2000"));
        QCOMPARE(
            QByteArray::fromBase64(latest.cin().value(QStringLiteral("con")).toString().toLatin1()),
            signReading(m_device, 3, 203)); // RFC 6979: same input, same bytes
        QVERIFY(latest.cin()
                    .value(QStringLiteral("lbl"))
                    .toArray()
                    .contains(QStringLiteral("value:203")));
        const Answer oldest =
            send(As::Admin, "GET", QStringLiteral("/m2m/%1/data/ol").arg(kDeviceId));
        QCOMPARE(oldest.cin().value(QStringLiteral("rn")).toString(), QStringLiteral("r1"));
        const QString ri = oldest.cin().value(QStringLiteral("ri")).toString();
        const Answer byRi =
            send(As::Admin, "GET", QStringLiteral("/m2m/%1/data/%2").arg(kDeviceId, ri));
        QCOMPARE(byRi.status, 200);
        QCOMPARE(byRi.cin(), oldest.cin());
        const Answer container =
            send(As::Admin, "GET", QStringLiteral("/m2m/%1/data").arg(kDeviceId));
        QCOMPARE(container.json.value(QStringLiteral("m2m:cnt"))
                     .toObject()
                     .value(QStringLiteral("cni"))
                     .toInt(),
                 3);
        QCOMPARE(health("readingsStored"), 3);
    }

    void identicalResendIsAcknowledgedOnce()
    {
        const Answer answer = postReading(signReading(m_device, 3, 203));
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.rsc, QByteArray("2000"));
        QCOMPARE(answer.cin().value(QStringLiteral("rn")).toString(), QStringLiteral("r3"));
        QCOMPARE(health("readingsStored"), 3);
    }

    void containerListsTheNewestChildren_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("status");
        QTest::addColumn<QStringList>("names"); // of the children, in order

        QTest::newRow("attributes only") << "" << 200 << QStringList();
        QTest::newRow("rcn=1") << "?rcn=1" << 200 << QStringList();
        QTest::newRow("rcn=4, default limit") << "?rcn=4" << 200 << QStringList{"r1", "r2", "r3"};
        QTest::newRow("rcn=4, newest two oldest first")
            << "?rcn=4&lim=2" << 200 << QStringList{"r2", "r3"};
        QTest::newRow("lim 0") << "?rcn=4&lim=0" << 400 << QStringList();
        QTest::newRow("lim above 500") << "?rcn=4&lim=501" << 400 << QStringList();
        QTest::newRow("lim not a number") << "?rcn=4&lim=x" << 400 << QStringList();
        QTest::newRow("rcn unsupported") << "?rcn=8" << 400 << QStringList();
    }

    void containerListsTheNewestChildren()
    {
        QFETCH(QString, query);
        QFETCH(int, status);
        QFETCH(QStringList, names);
        const Answer answer =
            send(As::Admin, "GET", QStringLiteral("/m2m/%1/data").arg(kDeviceId) + query);
        QCOMPARE(answer.status, status);
        if (status != 200) {
            QCOMPARE(answer.errorCode(), QStringLiteral("m2m.malformed"));
            return;
        }
        auto listing = OneM2M::parseContainerListing(answer.body, OneM2M::kMaxListingJsonBytes);
        QVERIFY2(listing, listing ? "" : listing.error().message.c_str());
        QCOMPARE(listing->currentInstances, 3);
        QStringList listed;
        for (const OneM2M::ContentInstance &child : listing->children)
            listed.append(child.resourceName);
        QCOMPARE(listed, names);
    }

    void refusedReadings_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        // The unit's last letter ("Cel" → "Cem"): still a well-formed reading, signed as "Cel".
        QByteArray tamperedValue = signReading(m_device, 10, 1);
        const qsizetype unitEnd = tamperedValue.size() - 64 - 2 - 1;
        QCOMPARE(tamperedValue[unitEnd], 'l');
        tamperedValue[unitEnd] = 'm';
        QByteArray tamperedSignature = signReading(m_device, 10, 1);
        tamperedSignature[tamperedSignature.size() - 1] =
            char(tamperedSignature[tamperedSignature.size() - 1] ^ 0x80);
        QTest::newRow("tampered payload byte")
            << readingBody(tamperedValue) << 400 << "m2m.bad_signature";
        QTest::newRow("tampered signature byte")
            << readingBody(tamperedSignature) << 400 << "m2m.bad_signature";
        QTest::newRow("signed by another device's key")
            << readingBody(signReading(makeDevice(kDeviceId), 11, 1)) << 400 << "m2m.bad_signature";
        QTest::newRow("replayed lower counter")
            << readingBody(signReading(m_device, 2, 999)) << 400 << "m2m.replay";
        QTest::newRow("same counter, other bytes")
            << readingBody(signReading(m_device, 3, 999)) << 400 << "m2m.replay";
        QTest::newRow("kid of another device")
            << readingBody(signReading(m_other, 20, 1)) << 400 << "m2m.unknown_device";
        QTest::newRow("truncated COSE")
            << readingBody(signReading(m_device, 12, 1).chopped(1)) << 400 << "m2m.malformed";
        QTest::newRow("not JSON") << QByteArray("{\"m2m:cin\": {") << 400 << "m2m.malformed";
        QTest::newRow("JSON array") << QByteArray("[1, 2]") << 400 << "m2m.malformed";
        QTest::newRow("wrong resource")
            << QByteArray(R"({"m2m:ae": {"api": "x"}})") << 400 << "m2m.malformed";
        QTest::newRow("no con")
            << QByteArray(R"({"m2m:cin": {"cnf": "application/cose;cose-type=cose-sign1:0"}})")
            << 400 << "m2m.malformed";
        QTest::newRow("con not base64")
            << QByteArray(R"({"m2m:cin": {"con": "!!!!"}})") << 400 << "m2m.malformed";
        QTest::newRow("con is an object")
            << QByteArray(R"({"m2m:cin": {"con": {"a": 1}}})") << 400 << "m2m.malformed";
        QTest::newRow("other cnf")
            << QByteArray(R"({"m2m:cin": {"cnf": "text/plain", "con": "AAAA"}})") << 400
            << "m2m.malformed";
        QTest::newRow("client sets ri")
            << QByteArray(R"({"m2m:cin": {"ri": "x", "con": "AAAA"}})") << 400 << "m2m.malformed";
        QTest::newRow("oversized body")
            << QByteArray(5000, ' ') + readingBody(signReading(m_device, 13, 1)) << 413
            << "m2m.too_large";
    }
    void refusedReadings()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        const qint64 rejectedBefore = health("readingsRejected");
        const Answer answer =
            send(As::Gateway, "POST", QStringLiteral("/m2m/%1/data").arg(kDeviceId), body, {},
                 "application/json;ty=4");
        QCOMPARE(answer.status, status);
        QCOMPARE(answer.errorCode(), code);
        QCOMPARE(answer.rsc, QByteArray("4000"));
        QCOMPARE(health("readingsStored"), 3);
        QCOMPARE(health("readingsRejected"), rejectedBefore + 1);
    }

    void authentication()
    {
        const QByteArray cose = signReading(m_device, 30, 1);
        // Missing bearer: an anonymous originator with no policy granting create.
        Answer answer = postReading(cose, As::Anonymous);
        QCOMPARE(answer.status, 403);
        QCOMPARE(answer.errorCode(), QStringLiteral("m2m.forbidden"));
        QCOMPARE(answer.rsc, QByteArray("4103"));
        // Wrong bearer.
        answer = send(As::Anonymous, "POST", QStringLiteral("/m2m/%1/data").arg(kDeviceId),
                      readingBody(cose), {{"Authorization", "Bearer not-the-credential"}});
        QCOMPARE(answer.status, 401);
        QCOMPARE(answer.errorCode(), QStringLiteral("m2m.unauthenticated"));
        // Another device's credential does not open this device.
        answer = send(As::Anonymous, "POST", QStringLiteral("/m2m/%1/data").arg(kDeviceId),
                      readingBody(cose), {{"Authorization", "Bearer " + m_other.credential}});
        QCOMPARE(answer.status, 401);
        // Claiming the admin originator without the certificate.
        answer = send(As::Anonymous, "GET", QStringLiteral("/m2m/%1/data/la").arg(kDeviceId), {},
                      {{"X-M2M-Origin", "Cportal-admin"}});
        QCOMPARE(answer.status, 403);
        // A gateway may create readings but not read them back.
        answer = send(As::Gateway, "GET", QStringLiteral("/m2m/%1/data/la").arg(kDeviceId));
        QCOMPARE(answer.status, 403);
        // No originator at all.
        answer = send(As::Gateway, "GET", QStringLiteral("/m2m/%1/commands").arg(kDeviceId), {},
                      {{"X-M2M-Origin", ""}});
        QCOMPARE(answer.status, 400);
        QCOMPARE(answer.errorCode(), QStringLiteral("m2m.no_originator"));
        QCOMPARE(health("readingsStored"), 3);
    }

    void unknownDevice()
    {
        const Answer answer =
            send(As::Gateway, "POST", QStringLiteral("/m2m/ffffffffffffffff/data"),
                 readingBody(signReading(m_device, 40, 1)));
        QCOMPARE(answer.status, 404);
        QCOMPARE(answer.errorCode(), QStringLiteral("m2m.unknown_device"));
        QCOMPARE(answer.rsc, QByteArray("4004"));
    }

    void policiesGrantRetrieve()
    {
        const QByteArray policy = R"({"m2m:acp": {"pv": {"acr": [
            {"acor": ["Cviewer*"], "acop": 2, "acco": [{"acip": {"ipv4": ["127.0.0.0/8"]}}]},
            {"acor": ["Cremote"], "acop": 2, "acco": [{"acip": {"ipv4": ["192.0.2.0/24"]}}]}]}}})";
        QCOMPARE(send(As::Anonymous, "GET", QStringLiteral("/m2m/%1/data/la").arg(kDeviceId), {},
                      {{"X-M2M-Origin", "Cviewer-1"}})
                     .status,
                 403);
        Answer put = send(As::Admin, "PUT", QStringLiteral("/admin/v1/policies/viewers"), policy);
        QCOMPARE(put.status, 201);
        QCOMPARE(
            send(As::Admin, "PUT", QStringLiteral("/admin/v1/policies/viewers"), policy).status,
            200);
        const Answer bad = send(As::Admin, "PUT", QStringLiteral("/admin/v1/policies/bad"),
                                R"({"m2m:acp": {"pv": {"acr": [{"acor": ["all"], "acop": 99}]}}})");
        QCOMPARE(bad.status, 400);
        QCOMPARE(send(As::Anonymous, "GET", QStringLiteral("/m2m/%1/data/la").arg(kDeviceId), {},
                      {{"X-M2M-Origin", "Cviewer-1"}})
                     .status,
                 200);
        QCOMPARE(send(As::Anonymous, "GET", QStringLiteral("/m2m/%1/data/la").arg(kDeviceId), {},
                      {{"X-M2M-Origin", "Cremote"}})
                     .status,
                 403); // right originator, wrong network
        // Retrieve only: the viewer may not create.
        QCOMPARE(send(As::Anonymous, "POST", QStringLiteral("/m2m/%1/commands").arg(kDeviceId),
                      R"({"m2m:cin": {"con": {"actuator": 0, "value": 1}}})",
                      {{"X-M2M-Origin", "Cviewer-1"}})
                     .status,
                 403);
    }

    void commandsTravelOverTheWebSocket()
    {
        // A wrong credential is refused at the handshake's end.
        auto intruder = openCommandSocket("wrong");
        QSignalSpy intruderClosed(intruder.get(), &QWebSocket::disconnected);
        QVERIFY(intruderClosed.wait(10000));

        auto socket = openCommandSocket(m_device.credential);
        QSignalSpy connected(socket.get(), &QWebSocket::connected);
        QSignalSpy messages(socket.get(), &QWebSocket::textMessageReceived);
        if (!connected.wait(10000)) {
            qWarning().noquote() << socket->errorString() << m_service->output().right(3000);
            QFAIL("the command socket did not connect");
        }

        const Answer created = send(
            As::Admin, "POST", QStringLiteral("/m2m/%1/commands").arg(kDeviceId),
            R"({"m2m:cin": {"con": {"actuator": 2, "value": 1}}})", {}, "application/json;ty=4");
        QCOMPARE(created.status, 201);
        const QJsonObject content = created.cin().value(QStringLiteral("con")).toObject();
        const qint64 commandId = content.value(QStringLiteral("commandId")).toInteger();
        QVERIFY(commandId > 0);
        QVERIFY(messages.count() > 0 || messages.wait(10000));
        const QJsonObject pushed =
            QJsonDocument::fromJson(messages.takeFirst().at(0).toString().toUtf8()).object();
        QCOMPARE(pushed.value(QStringLiteral("type")).toString(), QStringLiteral("command"));
        QCOMPARE(pushed.value(QStringLiteral("commandId")).toInteger(), commandId);
        QCOMPARE(pushed.value(QStringLiteral("actuator")).toInt(), 2);
        QCOMPARE(pushed.value(QStringLiteral("value")).toInt(), 1);

        socket->sendTextMessage(QString::fromUtf8(
            QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("status")},
                                      {QStringLiteral("commandId"), commandId},
                                      {QStringLiteral("status"), QStringLiteral("done")},
                                      {QStringLiteral("value"), 1}})
                .toJson(QJsonDocument::Compact)));
        const QString path = QStringLiteral("/m2m/%1/commands/c%2").arg(kDeviceId).arg(commandId);
        QString status;
        for (int attempt = 0; attempt < 50 && status != QLatin1String("done"); ++attempt) {
            QTest::qWait(50);
            // The gateway may retrieve its device's commands.
            const Answer retrieved = send(As::Gateway, "GET", path);
            QCOMPARE(retrieved.status, 200);
            status = retrieved.cin()
                         .value(QStringLiteral("con"))
                         .toObject()
                         .value(QStringLiteral("status"))
                         .toString();
        }
        QCOMPARE(status, QStringLiteral("done"));

        // Undelivered commands reach the gateway when it reconnects.
        socket->close();
        QTRY_COMPARE_WITH_TIMEOUT(socket->state(), QAbstractSocket::UnconnectedState, 10000);
        QTest::qWait(200);
        const Answer queued =
            send(As::Admin, "POST", QStringLiteral("/m2m/%1/commands").arg(kDeviceId),
                 "{\"m2m:cin\": {\"con\": \"{\\\"actuator\\\": 3, \\\"value\\\": -5}\"}}");
        QCOMPARE(queued.status, 201);
        QCOMPARE(queued.cin()
                     .value(QStringLiteral("con"))
                     .toObject()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("pending"));
        auto again = openCommandSocket(m_device.credential);
        QSignalSpy againMessages(again.get(), &QWebSocket::textMessageReceived);
        QVERIFY(againMessages.wait(10000));
        const QJsonObject resent =
            QJsonDocument::fromJson(againMessages.takeFirst().at(0).toString().toUtf8()).object();
        QCOMPARE(resent.value(QStringLiteral("actuator")).toInt(), 3);
        QCOMPARE(resent.value(QStringLiteral("value")).toInt(), -5);
        again->close();

        const Answer malformed =
            send(As::Admin, "POST", QStringLiteral("/m2m/%1/commands").arg(kDeviceId),
                 R"({"m2m:cin": {"con": {"actuator": 300, "value": 1}}})");
        QCOMPARE(malformed.status, 400);
    }

    void dataPersistsAcrossRestart()
    {
        QVERIFY2(m_service->stop(), m_service->output().constData());
        QVERIFY(startService());
        const Answer latest =
            send(As::Admin, "GET", QStringLiteral("/m2m/%1/data/la").arg(kDeviceId));
        QCOMPARE(latest.status, 200);
        QCOMPARE(latest.cin().value(QStringLiteral("rn")).toString(), QStringLiteral("r3"));
        QCOMPARE(health("readingsStored"), 3);
        QVERIFY(health("readingsRejected") >= 16);
        // The last counter survived: a replay is still a replay, the next counter is new.
        QCOMPARE(postReading(signReading(m_device, 2, 5)).errorCode(),
                 QStringLiteral("m2m.replay"));
        QCOMPARE(postReading(signReading(m_device, 4, 204)).status, 201);
        // The policy survived too.
        QCOMPARE(send(As::Anonymous, "GET", QStringLiteral("/m2m/%1/data/la").arg(kDeviceId), {},
                      {{"X-M2M-Origin", "Cviewer-1"}})
                     .status,
                 200);
    }

    void counterGapsAreCounted()
    {
        // A device offline longer than its ring holds loses its oldest readings: the next one
        // stored leaves a gap in the counters, which is allowed and counted.
        QCOMPARE(health("countersSkipped"), 0);
        QCOMPARE(postReading(signReading(m_device, 7, 207)).status, 201); // 5 and 6 never came
        QCOMPARE(health("countersSkipped"), 2);
        QCOMPARE(postReading(signReading(m_device, 8, 208)).status, 201);
        QCOMPARE(postReading(signReading(m_device, 8, 208)).status, 200); // a resend
        QCOMPARE(postReading(signReading(m_device, 6, 206)).errorCode(),
                 QStringLiteral("m2m.replay"));
        QCOMPARE(health("countersSkipped"), 2);
    }

    void counterFloorRefusesWhatWasAcceptedElsewhere()
    {
        // Stored here up to 8 (above). The portal says counters up to 20 were accepted on
        // another instance: 9..20 are refused with 409, 21 is stored, and 8 is still the
        // identical resend it was.
        for (const QJsonValue &bad : {QJsonValue(1.5), QJsonValue(-1), QJsonValue(4294967296.0),
                                      QJsonValue(QStringLiteral("20"))})
            QCOMPARE(pushDevice(m_device, kDeviceId, false, bad).status, 400);
        QCOMPARE(pushDevice(m_device, kDeviceId, false, 20).status, 200);
        QCOMPARE(pushDevice(m_device, kDeviceId, false, 10).status, 200); // never lowers it
        for (const quint32 counter : {9u, 15u, 20u}) {
            const Answer refused = postReading(signReading(m_device, counter, 1));
            QCOMPARE(refused.status, 409);
            QCOMPARE(refused.errorCode(), QStringLiteral("m2m.below_floor"));
        }
        QCOMPARE(postReading(signReading(m_device, 8, 208)).status, 200);
        QCOMPARE(postReading(signReading(m_device, 21, 221)).status, 201);
    }

    void revokedAndRemovedDevicesAreRefused()
    {
        QCOMPARE(pushDevice(m_device, kDeviceId, true).status, 200);
        Answer answer = postReading(signReading(m_device, 50, 1));
        QCOMPARE(answer.status, 403);
        QCOMPARE(answer.errorCode(), QStringLiteral("m2m.revoked"));
        QCOMPARE(pushDevice(m_device, kDeviceId, false).status, 200);
        QCOMPARE(postReading(signReading(m_device, 51, 1)).status, 201);

        QCOMPARE(send(As::Admin, "DELETE", QStringLiteral("/admin/v1/devices/") + kDeviceId).status,
                 204);
        QCOMPARE(send(As::Admin, "DELETE", QStringLiteral("/admin/v1/devices/") + kDeviceId).status,
                 404);
        answer = postReading(signReading(m_device, 52, 1));
        QCOMPARE(answer.status, 403);
        // Its data stays.
        answer = send(As::Admin, "GET", QStringLiteral("/m2m/%1/data/la").arg(kDeviceId));
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.cin().value(QStringLiteral("rn")).toString(), QStringLiteral("r51"));
        QCOMPARE(health("devices"), 1);
    }

    // Last: it locks 127.0.0.1 out for a minute. The restart above emptied the counts.
    void wrongCredentialsAreRateLimited()
    {
        const QString path = QStringLiteral("/m2m/%1/commands").arg(kOtherDeviceId);
        for (int attempt = 1; attempt <= 20; ++attempt) {
            const Answer answer =
                send(As::Anonymous, "GET", path, {},
                     {{"Authorization", "Bearer guess-" + QByteArray::number(attempt)}});
            QCOMPARE(answer.status, 401);
        }
        Answer answer =
            send(As::Anonymous, "GET", path, {}, {{"Authorization", "Bearer guess-21"}});
        QCOMPARE(answer.status, 429);
        QCOMPARE(answer.errorCode(), QStringLiteral("m2m.rate_limited"));
        // While locked out, even the right credential waits.
        answer = send(As::Anonymous, "GET", path, {},
                      {{"Authorization", "Bearer " + m_other.credential}});
        QCOMPARE(answer.status, 429);
        // The portal's certificate is not a bearer credential and is not limited.
        QCOMPARE(send(As::Admin, "GET", path).status, 200);
    }
};

QTEST_GUILESS_MAIN(TestM2mService)
#include "tst_m2mservice.moc"
