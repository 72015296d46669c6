// Ua enrolment across real parts: iot-bsf (Ub + Zn over mutual TLS) as a process, the NAF
// engine served over HTTPS in this process, the gateway's GbaClient and EnrolmentClient — and
// curl --digest as an independent Digest client against the NAF (DESIGN §4.3, issue test 7).

#include "tests/support/daemonprocess.h"
#include "tests/support/gbalab.h"
#include "tests/support/testfiles.h"

#include <portal-core/crypto/identity.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/gba/enrolmentclient.h>
#include <portal-core/gba/gbaclient.h>
#include <portal-core/gba/nafservice.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <optional>

using namespace Portal;

namespace {

const QString kBsf = QStringLiteral(IOT_BSF_PATH);
const QString kImpi = QStringLiteral("001010000000002@ims.mnc001.mcc001.3gppnetwork.org");
const QByteArray kKHex = Testing::kLabKHex;
const QByteArray kOpcHex = Testing::kLabOpcHex;

struct CurlRun
{
    int exitCode = -1;
    QByteArray output;
};

// Asynchronous, so this process's event loop keeps serving the NAF while curl talks to it.
CurlRun runCurl(const QStringList &arguments)
{
    QProcess curl;
    curl.setProcessChannelMode(QProcess::MergedChannels);
    curl.start(QStringLiteral("curl"), arguments);
    CurlRun run;
    if (!QTest::qWaitFor([&curl] { return curl.state() == QProcess::NotRunning; }, 20000)) {
        curl.kill();
        curl.waitForFinished();
        return run;
    }
    run.exitCode = curl.exitStatus() == QProcess::NormalExit ? curl.exitCode() : -1;
    run.output = curl.readAll();
    return run;
}

} // namespace

class TestNafEnrolment : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void gatewayEnrols();
    void curlDigestAuthenticates();
    void unknownBtidIsRefused();
    void gatewayIdStaysWithItsImpi();
    void malformedRequestsAreRefused_data();
    void malformedRequestsAreRefused();
    void repeatedFailuresAreRateLimited(); // last: it locks 127.0.0.1 out for a minute

private:
    Result<Gba::GbaBootstrap> bootstrap();
    Result<Gba::Enrolment> enrol(const Gba::GbaBootstrap &bootstrapped, const QString &gatewayId);

    QTemporaryDir m_dir;
    std::optional<Crypto::LabPkiPaths> m_pki;
    std::unique_ptr<Testing::DaemonProcess> m_bsf;
    std::unique_ptr<Gba::NafService> m_naf;
    std::map<QString, QString> m_bindings;
    QList<QStringList> m_authFailures; // source, identity, reason as the NAF reported them
    QList<QSslCertificate> m_operatorCa;
    quint16 m_bsfPort = 0;
    quint16 m_nafPort = 0;
    std::optional<Gba::SoftUsim> m_usim;
};

void TestNafEnrolment::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto pki = Crypto::LabPki::ensure(m_dir.filePath(QStringLiteral("pki")).toStdString());
    QVERIFY2(pki.ok(), pki.ok() ? "" : pki.error().message.c_str());
    m_pki = *pki;
    m_operatorCa = QSslCertificate::fromData(Testing::readFile(m_pki->operatorCa.certificatePath));
    QCOMPARE(m_operatorCa.size(), 1);

    Testing::TlsBsf bsf =
        Testing::startTlsBsf(kBsf, *m_pki, m_dir.filePath(QStringLiteral("hss.sqlite")), {kImpi});
    QVERIFY(bsf.process);
    m_bsf = std::move(bsf.process);
    m_bsfPort = m_bsf->port();

    const Gba::NafServiceConfig nafConfig = Testing::labNafConfig(*m_pki, bsf.znPort);
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
    m_nafPort = *port;

    auto usim = Gba::SoftUsim::create(m_dir.filePath(QStringLiteral("usim.json")), kImpi,
                                      Testing::arrayFromHex<16>(kKHex),
                                      Testing::arrayFromHex<16>(kOpcHex), 0);
    QVERIFY(usim.ok());
    m_usim.emplace(std::move(*usim));
}

void TestNafEnrolment::cleanupTestCase()
{
    m_naf.reset();
    if (m_bsf)
        QVERIFY2(m_bsf->stop(), m_bsf->output().constData());
}

Result<Gba::GbaBootstrap> TestNafEnrolment::bootstrap()
{
    return Testing::bootstrapAt(m_bsfPort, m_operatorCa, *m_usim);
}

Result<Gba::Enrolment> TestNafEnrolment::enrol(const Gba::GbaBootstrap &bootstrapped,
                                               const QString &gatewayId)
{
    return Testing::enrolAt(m_nafPort, m_operatorCa, bootstrapped, gatewayId);
}

void TestNafEnrolment::gatewayEnrols()
{
    auto bootstrapped = bootstrap();
    QVERIFY2(bootstrapped.ok(), bootstrapped.ok() ? "" : bootstrapped.error().message.c_str());
    auto enrolment = enrol(*bootstrapped, QStringLiteral("gw-1"));
    QVERIFY2(enrolment.ok(), enrolment.ok() ? "" : enrolment.error().message.c_str());
    QCOMPARE(enrolment->portalUrl, QUrl(QStringLiteral("https://localhost:9/api/v1")));
    QCOMPARE(enrolment->portalCaPem, Testing::readFile(m_pki->portalCa.certificatePath));

    auto certificate = Crypto::Certificate::fromPem(enrolment->certificatePem.toStdString());
    auto gatewayCa = Crypto::Certificate::fromPem(
        Testing::readFile(m_pki->gatewayCa.certificatePath).toStdString());
    auto portalCa = Crypto::Certificate::fromPem(
        Testing::readFile(m_pki->portalCa.certificatePath).toStdString());
    QVERIFY(certificate.ok() && gatewayCa.ok() && portalCa.ok());
    QCOMPARE(certificate->subjectCommonName(), std::string("gw-1"));
    auto name = Crypto::verifyIdentity(*certificate, *gatewayCa, Crypto::ChainPurpose::TlsClient,
                                       Crypto::IdentityType::Gateway);
    QVERIFY2(name.ok(), name.ok() ? "" : name.error().message.c_str());
    QCOMPARE(*name, std::string("gw-1"));
    QVERIFY(!Crypto::verifyChain(*certificate, *gatewayCa, Crypto::ChainPurpose::TlsServer).ok());
    // Issued by the gateway CA only: no other role's root accepts it.
    QVERIFY(!Crypto::verifyChain(*certificate, *portalCa, Crypto::ChainPurpose::TlsClient).ok());
    // It lapses with the B-TID.
    QVERIFY(qAbs(certificate->notAfterUnixSeconds() - bootstrapped->lifetime.toSecsSinceEpoch()) <=
            2);
    QCOMPARE(m_naf->engine()->counters().enrolments, quint64(1));
}

void TestNafEnrolment::curlDigestAuthenticates()
{
    auto bootstrapped = bootstrap();
    QVERIFY(bootstrapped.ok());
    auto ksNaf = bootstrapped->ksNaf(QStringLiteral("naf.lab.example"), Crypto::kUaHttpDigest);
    QVERIFY(ksNaf.ok());
    const QString password = QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(ksNaf->data()), 32).toBase64());
    auto key = Crypto::PrivateKey::generateP256();
    QVERIFY(key.ok());
    auto csr = Crypto::createCsr(*key, "gw-curl");
    QVERIFY(csr.ok());
    const QString bodyPath = m_dir.filePath(QStringLiteral("enrol.json"));
    QFile body(bodyPath);
    QVERIFY(body.open(QIODevice::WriteOnly));
    body.write(QJsonDocument(QJsonObject{{QStringLiteral("gatewayId"), QStringLiteral("gw-curl")},
                                         {QStringLiteral("csr"), QString::fromStdString(*csr)}})
                   .toJson(QJsonDocument::Compact));
    body.close();
    const QString url = QStringLiteral("https://localhost:%1/naf/v1/enrol").arg(m_nafPort);
    const QString caPath = QString::fromStdString(m_pki->operatorCa.certificatePath);
    const auto curlWith = [&](const QString &secret) {
        return runCurl({QStringLiteral("-sS"), QStringLiteral("--digest"), QStringLiteral("-u"),
                        bootstrapped->btid + QLatin1Char(':') + secret, QStringLiteral("--cacert"),
                        caPath, QStringLiteral("-H"),
                        QStringLiteral("Content-Type: application/json"),
                        QStringLiteral("--data-binary"), QLatin1Char('@') + bodyPath,
                        QStringLiteral("-w"), QStringLiteral("\nHTTP %{http_code}"), url});
    };
    const CurlRun accepted = curlWith(password);
    QCOMPARE(accepted.exitCode, 0);
    QVERIFY2(accepted.output.endsWith("HTTP 200"), accepted.output.constData());
    QVERIFY(accepted.output.contains("BEGIN CERTIFICATE"));

    QString wrong = password;
    wrong[0] = wrong[0] == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    m_authFailures.clear();
    const CurlRun refused = curlWith(wrong);
    QVERIFY2(refused.output.endsWith("HTTP 401"), refused.output.constData());
    QCOMPARE(m_authFailures.size(), 1);
    QCOMPARE(m_authFailures[0], (QStringList{QStringLiteral("127.0.0.1"), bootstrapped->btid,
                                             QStringLiteral("naf.bad_response")}));
}

void TestNafEnrolment::unknownBtidIsRefused()
{
    auto bootstrapped = bootstrap();
    QVERIFY(bootstrapped.ok());
    Gba::GbaBootstrap forged;
    forged.btid = QStringLiteral("AAAAAAAAAAAAAAAAAAAAAA==@bsf.lab.example");
    forged.impi = bootstrapped->impi;
    forged.rand = bootstrapped->rand;
    forged.ks = bootstrapped->ks;
    auto enrolment = enrol(forged, QStringLiteral("gw-forged"));
    QVERIFY(!enrolment.ok());
    QCOMPARE(enrolment.error().code, std::string("enrol.btid_refused"));
    QVERIFY(m_naf->engine()->counters().btidRefusals >= 1);
}

void TestNafEnrolment::gatewayIdStaysWithItsImpi()
{
    m_bindings[QStringLiteral("gw-taken")] = QStringLiteral("someone-else@lab");
    auto bootstrapped = bootstrap();
    QVERIFY(bootstrapped.ok());
    auto enrolment = enrol(*bootstrapped, QStringLiteral("gw-taken"));
    QVERIFY(!enrolment.ok());
    QCOMPARE(enrolment.error().code, std::string("enrol.refused"));
    QVERIFY2(enrolment.error().message.find("naf.gateway_taken") != std::string::npos,
             enrolment.error().message.c_str());
}

void TestNafEnrolment::malformedRequestsAreRefused_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("no credentials") << QStringList{} << QByteArray("HTTP 401");
    QTest::newRow("basic auth") << QStringList{QStringLiteral("-H"),
                                               QStringLiteral("Authorization: Basic Zm9vOmJhcg==")}
                                << QByteArray("HTTP 400");
    QTest::newRow("unknown nonce")
        << QStringList{QStringLiteral("-H"),
                       QStringLiteral("Authorization: Digest username=\"x@y\", realm=\"3GPP-"
                                      "bootstrapping@naf.lab.example\", nonce=\"bogus\", "
                                      "uri=\"/naf/v1/enrol\", qop=auth, nc=00000001, "
                                      "cnonce=\"c\", response=\"00\"")}
        << QByteArray("HTTP 401");
}

void TestNafEnrolment::malformedRequestsAreRefused()
{
    QFETCH(QStringList, extra);
    QFETCH(QByteArray, expected);
    const quint64 enrolments = m_naf->engine()->counters().enrolments;
    const CurlRun run =
        runCurl(QStringList{QStringLiteral("-sS"), QStringLiteral("--cacert"),
                            QString::fromStdString(m_pki->operatorCa.certificatePath),
                            QStringLiteral("--data-binary"), QStringLiteral("{}"),
                            QStringLiteral("-w"), QStringLiteral("\nHTTP %{http_code}"),
                            QStringLiteral("https://localhost:%1/naf/v1/enrol").arg(m_nafPort)} +
                extra);
    QVERIFY2(run.output.endsWith(expected), run.output.constData());
    QCOMPARE(m_naf->engine()->counters().enrolments, enrolments);
}

void TestNafEnrolment::repeatedFailuresAreRateLimited()
{
    auto bootstrapped = bootstrap();
    QVERIFY(bootstrapped.ok());
    const QString url = QStringLiteral("https://localhost:%1/naf/v1/enrol").arg(m_nafPort);
    const auto attempt = [&] {
        return runCurl({QStringLiteral("-sS"), QStringLiteral("--digest"), QStringLiteral("-u"),
                        bootstrapped->btid + QStringLiteral(":wrong-password"),
                        QStringLiteral("--cacert"),
                        QString::fromStdString(m_pki->operatorCa.certificatePath),
                        QStringLiteral("--data-binary"), QStringLiteral("{}"), QStringLiteral("-w"),
                        QStringLiteral("\nHTTP %{http_code}"), url});
    };
    CurlRun last;
    for (int i = 0; i < 12 && !last.output.endsWith("HTTP 429"); ++i)
        last = attempt();
    QVERIFY2(last.output.endsWith("HTTP 429"), last.output.constData());
    QVERIFY(last.output.contains("naf.rate_limited"));
    QVERIFY(m_naf->engine()->counters().rateLimited >= 1);
    QCOMPARE(m_authFailures.last(), (QStringList{QStringLiteral("127.0.0.1"), bootstrapped->btid,
                                                 QStringLiteral("naf.rate_limited")}));
    // Even the right password is turned away while the window lasts.
    QVERIFY(!enrol(*bootstrapped, QStringLiteral("gw-after-limit")).ok());
}

QTEST_GUILESS_MAIN(TestNafEnrolment)
#include "tst_nafenrolment.moc"
