// The PSK-TLS Ua listener (TS 33.222, DESIGN §4.3) across real parts: iot-bsf (Ub + Zn over
// mutual TLS) as a process, the NAF served in this process, the gateway's GbaClient deriving
// Ks_NAF for the PSK-TLS Ua id on its own — and `openssl s_client -psk` as an independent
// TLS-PSK client next to a Qt QSslSocket client.

#include "tests/support/daemonprocess.h"
#include "tests/support/gbalab.h"
#include "tests/support/testfiles.h"

#include <portal-core/crypto/identity.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/gba/gbaclient.h>
#include <portal-core/gba/nafservice.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSslCipher>
#include <QSslPreSharedKeyAuthenticator>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <optional>

using namespace Portal;

namespace {

const QString kBsf = QStringLiteral(IOT_BSF_PATH);
const QString kNafFqdn = QStringLiteral("naf.lab.example");
const QString kImpi = QStringLiteral("001010000000002@ims.mnc001.mcc001.3gppnetwork.org");
const QByteArray kKHex = Testing::kLabKHex;
const QByteArray kOpcHex = Testing::kLabOpcHex;
const QByteArray kIdentityPrefix = "3GPP-bootstrapping";

QByteArray postRequest(const QByteArray &body, const QByteArray &path = "/naf/v1/enrol")
{
    return "POST " + path +
           " HTTP/1.1\r\nHost: naf.lab.example\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray enrolBody(const QString &gatewayId)
{
    auto key = Crypto::PrivateKey::generateP256();
    if (!key)
        return {};
    auto csr = Crypto::createCsr(*key, gatewayId.toStdString());
    if (!csr)
        return {};
    return QJsonDocument(QJsonObject{{QStringLiteral("gatewayId"), gatewayId},
                                     {QStringLiteral("csr"), QString::fromStdString(*csr)}})
        .toJson(QJsonDocument::Compact);
}

struct HttpResponse
{
    int status = 0;
    QJsonObject body;
};

// The whole server output: status line, headers, JSON body.
HttpResponse parseResponse(const QByteArray &raw)
{
    HttpResponse response;
    const qsizetype end = raw.indexOf("\r\n\r\n");
    if (!raw.startsWith("HTTP/1.1 ") || end < 0)
        return response;
    response.status = raw.mid(9, 3).toInt();
    response.body = QJsonDocument::fromJson(raw.mid(end + 4)).object();
    return response;
}

struct ClientRun
{
    bool encrypted = false;
    QByteArray identityHint;
    QByteArray output;
    QByteArray errors; // s_client's diagnostics
};

} // namespace

class TestNafPsk : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void opensslClientEnrols();
    void handshakeIsRefused_data();
    void handshakeIsRefused();
    void qtClientEnrols();
    void badRequestsAreAnswered_data();
    void badRequestsAreAnswered();

private:
    ClientRun runOpenssl(const QByteArray &identity, const QByteArray &pskHex,
                         const QByteArray &input);
    ClientRun runQtClient(const QByteArray &identity, const QByteArray &psk,
                          const QByteArray &input);
    void checkCertificate(const HttpResponse &response, const QString &gatewayId);

    QTemporaryDir m_dir;
    std::optional<Crypto::LabPkiPaths> m_pki;
    std::unique_ptr<Testing::DaemonProcess> m_bsf;
    std::unique_ptr<Gba::NafService> m_naf;
    std::map<QString, QString> m_bindings;
    QList<QStringList> m_authFailures; // source, identity, reason as the NAF reported them
    quint16 m_pskPort = 0;
    std::optional<Gba::GbaBootstrap> m_bootstrap;
    QByteArray m_psk;       // Ks_NAF for the PSK-TLS Ua id, derived by the gateway side
    QByteArray m_digestKey; // Ks_NAF of the same B-TID for the HTTP Digest Ua id
};

void TestNafPsk::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto pki = Crypto::LabPki::ensure(m_dir.filePath(QStringLiteral("pki")).toStdString());
    QVERIFY2(pki.ok(), pki.ok() ? "" : pki.error().message.c_str());
    m_pki = *pki;
    const QList<QSslCertificate> operatorCa =
        QSslCertificate::fromData(Testing::readFile(m_pki->operatorCa.certificatePath));
    QCOMPARE(operatorCa.size(), 1);

    Testing::TlsBsf bsf =
        Testing::startTlsBsf(kBsf, *m_pki, m_dir.filePath(QStringLiteral("hss.sqlite")), {kImpi});
    QVERIFY(bsf.process);
    m_bsf = std::move(bsf.process);

    Gba::NafServiceConfig nafConfig = Testing::labNafConfig(*m_pki, bsf.znPort);
    nafConfig.nafFqdn = kNafFqdn;
    nafConfig.servePskTls = true;
    m_naf = std::make_unique<Gba::NafService>(
        nafConfig, [this](const QString &gatewayId, const QString &impi) -> Result<void> {
            auto [it, inserted] = m_bindings.emplace(gatewayId, impi);
            if (!inserted && it->second != impi)
                return makeError("naf.gateway_taken", "gateway id enrolled by another IMPI");
            return {};
        });
    m_naf->setAuthFailureSink(
        [this](const QString &source, const QString &identity, const QString &reason) {
            m_authFailures.append({source, identity, reason});
        });
    auto port = m_naf->start();
    QVERIFY2(port.ok(), port.ok() ? "" : port.error().message.c_str());
    m_pskPort = m_naf->pskPort();
    QVERIFY(m_pskPort != 0);
    QVERIFY(m_pskPort != *port);

    auto usim = Gba::SoftUsim::create(m_dir.filePath(QStringLiteral("usim.json")), kImpi,
                                      Testing::arrayFromHex<16>(kKHex),
                                      Testing::arrayFromHex<16>(kOpcHex), 0);
    QVERIFY(usim.ok());
    auto outcome = Testing::bootstrapAt(m_bsf->port(), operatorCa, *usim);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().message.c_str());
    m_bootstrap.emplace(*outcome);

    auto psk = m_bootstrap->ksNaf(kNafFqdn, Crypto::kUaPskTlsAes128GcmSha256);
    auto digestKey = m_bootstrap->ksNaf(kNafFqdn, Crypto::kUaHttpDigest);
    QVERIFY(psk.ok() && digestKey.ok());
    m_psk = QByteArray(reinterpret_cast<const char *>(psk->data()), qsizetype(psk->size()));
    m_digestKey =
        QByteArray(reinterpret_cast<const char *>(digestKey->data()), qsizetype(digestKey->size()));
    QCOMPARE(m_psk.size(), 32);
    QVERIFY(m_psk != m_digestKey);
}

void TestNafPsk::cleanupTestCase()
{
    m_naf.reset();
    if (m_bsf)
        QVERIFY2(m_bsf->stop(), m_bsf->output().constData());
}

// Asynchronous, so this process's event loop keeps serving the Zn lookups while s_client runs.
ClientRun TestNafPsk::runOpenssl(const QByteArray &identity, const QByteArray &pskHex,
                                 const QByteArray &input)
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("s_client"), QStringLiteral("-connect"),
                   QStringLiteral("127.0.0.1:%1").arg(m_pskPort), QStringLiteral("-tls1_2"),
                   QStringLiteral("-cipher"), QStringLiteral("PSK-AES128-GCM-SHA256"),
                   QStringLiteral("-psk"), QString::fromLatin1(pskHex),
                   QStringLiteral("-psk_identity"), QString::fromLatin1(identity),
                   QStringLiteral("-quiet"), QStringLiteral("-ign_eof")});
    ClientRun run;
    if (!openssl.waitForStarted(5000))
        return run;
    openssl.write(input);
    openssl.closeWriteChannel();
    if (!QTest::qWaitFor([&openssl] { return openssl.state() == QProcess::NotRunning; }, 20000)) {
        openssl.kill();
        openssl.waitForFinished();
        return run;
    }
    run.output = openssl.readAllStandardOutput();
    run.errors = openssl.readAllStandardError();
    // s_client exits 0 after a completed session and 1 when the handshake fails.
    run.encrypted = openssl.exitStatus() == QProcess::NormalExit && openssl.exitCode() == 0;
    return run;
}

ClientRun TestNafPsk::runQtClient(const QByteArray &identity, const QByteArray &psk,
                                  const QByteArray &input)
{
    ClientRun run;
    QSslSocket socket;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setProtocol(QSsl::TlsV1_2);
    tls.setCiphers({QSslCipher(QStringLiteral("PSK-AES128-GCM-SHA256"), QSsl::TlsV1_2)});
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    socket.setSslConfiguration(tls);
    connect(&socket, &QSslSocket::preSharedKeyAuthenticationRequired, &socket,
            [&](QSslPreSharedKeyAuthenticator *authenticator) {
                // A deep copy: Qt wraps OpenSSL's buffer (QByteArray::fromRawData).
                const QByteArray hint = authenticator->identityHint();
                run.identityHint = QByteArray(hint.constData(), hint.size());
                authenticator->setIdentity(identity);
                authenticator->setPreSharedKey(psk);
            });
    bool ended = false;
    connect(&socket, &QSslSocket::encrypted, &socket, [&] {
        run.encrypted = true;
        socket.write(input);
    });
    connect(&socket, &QIODevice::readyRead, &socket, [&] { run.output += socket.readAll(); });
    connect(&socket, &QAbstractSocket::disconnected, &socket, [&] { ended = true; });
    connect(&socket, &QAbstractSocket::errorOccurred, &socket, [&] {
        if (socket.state() != QAbstractSocket::ConnectedState)
            ended = true;
    });
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_pskPort);
    if (!QTest::qWaitFor([&ended] { return ended; }, 20000))
        socket.abort();
    run.output += socket.readAll();
    return run;
}

void TestNafPsk::checkCertificate(const HttpResponse &response, const QString &gatewayId)
{
    QCOMPARE(response.body.value(QStringLiteral("portalUrl")).toString(),
             QStringLiteral("https://localhost:9/api/v1"));
    auto certificate = Crypto::Certificate::fromPem(
        response.body.value(QStringLiteral("certificatePem")).toString().toStdString());
    auto gatewayCa = Crypto::Certificate::fromPem(
        Testing::readFile(m_pki->gatewayCa.certificatePath).toStdString());
    QVERIFY(certificate.ok() && gatewayCa.ok());
    QCOMPARE(certificate->subjectCommonName(), gatewayId.toStdString());
    auto name = Crypto::verifyIdentity(*certificate, *gatewayCa, Crypto::ChainPurpose::TlsClient,
                                       Crypto::IdentityType::Gateway);
    QVERIFY(name.ok());
    QCOMPARE(*name, gatewayId.toStdString());
    // It lapses with the B-TID.
    QVERIFY(qAbs(certificate->notAfterUnixSeconds() - m_bootstrap->lifetime.toSecsSinceEpoch()) <=
            2);
    QCOMPARE(m_bindings.at(gatewayId), kImpi);
}

void TestNafPsk::opensslClientEnrols()
{
    const quint64 enrolments = m_naf->engine()->counters().enrolments;
    const QByteArray body = enrolBody(QStringLiteral("gw-openssl"));
    QVERIFY(!body.isEmpty());
    const ClientRun run = runOpenssl(kIdentityPrefix + m_bootstrap->btid.toLatin1(), m_psk.toHex(),
                                     postRequest(body));
    QVERIFY2(run.encrypted, run.output.constData());
    const HttpResponse response = parseResponse(run.output);
    QVERIFY2(response.status == 200, run.output.constData());
    checkCertificate(response, QStringLiteral("gw-openssl"));
    QCOMPARE(m_naf->engine()->counters().enrolments, enrolments + 1);
}

void TestNafPsk::handshakeIsRefused_data()
{
    QTest::addColumn<QByteArray>("identity");
    QTest::addColumn<QByteArray>("pskHex");
    QTest::addColumn<int>("refusedBtids");
    QTest::addColumn<int>("refusedIdentities");
    QTest::addColumn<QByteArray>("alert"); // as s_client reports it
    QTest::addColumn<QString>("reason");   // of the failed authentication the NAF reports
    const QByteArray identity = kIdentityPrefix + m_bootstrap->btid.toLatin1();
    const QByteArray badMac("alert bad record mac");
    const QByteArray unknownIdentity("alert unknown psk identity");
    QByteArray flipped = m_psk;
    flipped[0] = char(flipped[0] ^ 0x01);
    QTest::newRow("one bit of the PSK wrong") << identity << flipped.toHex() << 0 << 0 << badMac
                                              << QStringLiteral("naf.psk_handshake_failed");
    // The Ua security protocol id is part of NAF_Id: the Digest key is not the PSK.
    QTest::newRow("Ks_NAF for HTTP Digest") << identity << m_digestKey.toHex() << 0 << 0 << badMac
                                            << QStringLiteral("naf.psk_handshake_failed");
    QTest::newRow("unknown B-TID")
        << QByteArray(kIdentityPrefix + "AAAAAAAAAAAAAAAAAAAAAA==@bsf.lab.example") << m_psk.toHex()
        << 1 << 0 << unknownIdentity << QStringLiteral("naf.btid_refused");
    QTest::newRow("identity without 3GPP-bootstrapping")
        << m_bootstrap->btid.toLatin1() << m_psk.toHex() << 0 << 1 << unknownIdentity
        << QStringLiteral("naf.psk_bad_identity");
    QTest::newRow("prefix only") << kIdentityPrefix << m_psk.toHex() << 0 << 1 << unknownIdentity
                                 << QStringLiteral("naf.psk_bad_identity");
}

void TestNafPsk::handshakeIsRefused()
{
    QFETCH(QByteArray, identity);
    QFETCH(QByteArray, pskHex);
    QFETCH(int, refusedBtids);
    QFETCH(int, refusedIdentities);
    QFETCH(QByteArray, alert);
    QFETCH(QString, reason);
    m_authFailures.clear();
    const auto &counters = m_naf->pskListener()->counters();
    const quint64 btidsBefore = counters.refusedBtids;
    const quint64 identitiesBefore = counters.refusedIdentities;
    const quint64 enrolments = m_naf->engine()->counters().enrolments;
    const ClientRun run =
        runOpenssl(identity, pskHex, postRequest(enrolBody(QStringLiteral("gw-refused"))));
    QVERIFY(!run.encrypted);
    QVERIFY2(!run.output.contains("HTTP/1.1"), run.output.constData());
    QVERIFY2(run.errors.contains(alert), run.errors.constData());
    QCOMPARE(counters.refusedBtids - btidsBefore, quint64(refusedBtids));
    QCOMPARE(counters.refusedIdentities - identitiesBefore, quint64(refusedIdentities));
    QCOMPARE(m_naf->engine()->counters().enrolments, enrolments);
    QVERIFY(!m_bindings.count(QStringLiteral("gw-refused")));
    // Reported from the listener's thread to the owner's: it may arrive a moment later.
    QTRY_COMPARE_WITH_TIMEOUT(m_authFailures.size(), 1, 5000);
    QCOMPARE(m_authFailures[0][0], QStringLiteral("127.0.0.1"));
    // A refused PSK identity is reported whole; otherwise the B-TID it names.
    const QByteArray claimed = reason == QLatin1String("naf.psk_bad_identity")
                                   ? identity
                                   : identity.mid(kIdentityPrefix.size());
    QCOMPARE(m_authFailures[0][1], QString::fromLatin1(claimed));
    QCOMPARE(m_authFailures[0][2], reason);
}

void TestNafPsk::qtClientEnrols()
{
    const QByteArray body = enrolBody(QStringLiteral("gw-qt"));
    QVERIFY(!body.isEmpty());
    const ClientRun run =
        runQtClient(kIdentityPrefix + m_bootstrap->btid.toLatin1(), m_psk, postRequest(body));
    QVERIFY(run.encrypted);
    QCOMPARE(run.identityHint, kIdentityPrefix);
    const HttpResponse response = parseResponse(run.output);
    QVERIFY2(response.status == 200, run.output.constData());
    checkCertificate(response, QStringLiteral("gw-qt"));

    // The same client with the wrong key never gets to send its request.
    QByteArray wrong = m_psk;
    wrong[31] = char(wrong[31] ^ 0x80);
    const ClientRun refused =
        runQtClient(kIdentityPrefix + m_bootstrap->btid.toLatin1(), wrong, postRequest(body));
    QVERIFY(!refused.encrypted);
    QVERIFY(refused.output.isEmpty());
}

void TestNafPsk::badRequestsAreAnswered_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::newRow("GET") << QByteArray("GET /naf/v1/enrol HTTP/1.1\r\nHost: x\r\n\r\n") << 405
                         << QStringLiteral("naf.method_not_allowed");
    QTest::newRow("other path") << postRequest("{}", "/api/v1/devices") << 404
                                << QStringLiteral("naf.not_found");
    QTest::newRow("no gateway id")
        << postRequest("{}") << 400 << QStringLiteral("naf.bad_gateway_id");
    QTest::newRow("body over 16 KiB")
        << QByteArray("POST /naf/v1/enrol HTTP/1.1\r\nContent-Length: 16385\r\n\r\n") << 413
        << QStringLiteral("naf.too_large");
    QTest::newRow("chunked") << QByteArray("POST /naf/v1/enrol HTTP/1.1\r\nTransfer-Encoding: "
                                           "chunked\r\n\r\n0\r\n\r\n")
                             << 501 << QStringLiteral("naf.unsupported");
    QTest::newRow("headers over 8 KiB")
        << QByteArray("POST /naf/v1/enrol HTTP/1.1\r\nX-Padding: " + QByteArray(9000, 'a') +
                      "\r\n\r\n")
        << 431 << QStringLiteral("naf.headers_too_large");
    QTest::newRow("bare LF") << QByteArray("POST /naf/v1/enrol HTTP/1.1\nHost: x\n\r\n\r\n") << 400
                             << QStringLiteral("naf.bad_request");
    QTest::newRow("two lengths")
        << QByteArray("POST /naf/v1/enrol HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: "
                      "3\r\n\r\n{}")
        << 400 << QStringLiteral("naf.bad_request");
}

void TestNafPsk::badRequestsAreAnswered()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QString, code);
    const quint64 enrolments = m_naf->engine()->counters().enrolments;
    const ClientRun run =
        runQtClient(kIdentityPrefix + m_bootstrap->btid.toLatin1(), m_psk, request);
    QVERIFY(run.encrypted);
    const HttpResponse response = parseResponse(run.output);
    QVERIFY2(response.status == status, run.output.constData());
    QCOMPARE(response.body.value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("code"))
                 .toString(),
             code);
    QCOMPARE(m_naf->engine()->counters().enrolments, enrolments);
}

QTEST_GUILESS_MAIN(TestNafPsk)
#include "tst_nafpsk.moc"
