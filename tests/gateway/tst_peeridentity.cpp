// The gateway's check of the server it talks to, over real TLS connections to a real
// iot-m2m-service: an instance presenting another instance's valid certificate, or the portal
// API's, is refused before any request byte is sent, and the names are reported.

#include "gateway/peeridentity.h"

#include "tests/support/daemonprocess.h"
#include "tests/support/testfiles.h"

#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>

#include <QDir>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Portal;

class TestPeerIdentity : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void serverNameIsChecked_data();
    void serverNameIsChecked();

private:
    QTemporaryDir m_dir;
    Crypto::LabPkiPaths m_pki;
    std::unique_ptr<Testing::DaemonProcess> m_instance;
};

void TestPeerIdentity::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto pki = Crypto::LabPki::ensure(m_dir.filePath(QStringLiteral("pki")).toStdString());
    QVERIFY(pki.ok());
    m_pki = *pki;
    // instance-1's server certificate, as LocalBackend issues it.
    auto ca = Crypto::Certificate::fromPem(
        Testing::readFile(m_pki.portalCa.certificatePath).toStdString());
    auto caKey =
        Crypto::PrivateKey::fromPem(Testing::readFile(m_pki.portalCa.keyPath).toStdString());
    auto key = Crypto::PrivateKey::generateP256();
    QVERIFY(ca && caKey && key);
    const Crypto::PublicKey publicKey = key->publicKey();
    Crypto::IssueRequest issue;
    issue.issuerCertificate = &*ca;
    issue.issuerKey = &*caKey;
    issue.subjectPublicKey = &publicKey;
    issue.commonName = "instance-1";
    issue.uris = {Crypto::identityUri(Crypto::IdentityType::Instance, "instance-1")};
    issue.dnsNames = {"localhost"};
    issue.ipAddresses = {"127.0.0.1"};
    issue.profile = Crypto::CertificateProfile::TlsServer;
    issue.validitySeconds = 3600;
    auto certificate = Crypto::issueCertificate(issue);
    QVERIFY(certificate);
    const QString crt = m_dir.filePath(QStringLiteral("server.crt"));
    const QString keyFile = m_dir.filePath(QStringLiteral("server.key"));
    QVERIFY(Testing::writeFile(crt, QByteArray::fromStdString(certificate->toPem())));
    const Crypto::SecretBytes keyPem = key->toPem();
    QVERIFY(Testing::writeFile(keyFile, QByteArray(reinterpret_cast<const char *>(keyPem.data()),
                                                   qsizetype(keyPem.size()))));
    QFile::setPermissions(keyFile, QFile::ReadOwner | QFile::WriteOwner);
    m_instance = std::make_unique<Testing::DaemonProcess>(
        QStringLiteral(IOT_M2M_SERVICE_PATH),
        QStringList{QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data")),
                    QStringLiteral("--tls-cert"), crt, QStringLiteral("--tls-key"), keyFile,
                    QStringLiteral("--admin-client-ca"),
                    QString::fromStdString(m_pki.adminCa.certificatePath), QStringLiteral("--name"),
                    QStringLiteral("instance-1")});
    QVERIFY2(m_instance->start(), m_instance->output().constData());
}

void TestPeerIdentity::cleanupTestCase()
{
    if (m_instance)
        QVERIFY(m_instance->stop());
}

void TestPeerIdentity::serverNameIsChecked_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("expectedName");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("the announced instance")
        << int(Crypto::IdentityType::Instance) << "instance-1" << true;
    QTest::newRow("another instance's certificate")
        << int(Crypto::IdentityType::Instance) << "instance-2" << false;
    QTest::newRow("an instance posing as the portal API")
        << int(Crypto::IdentityType::PortalApi) << "" << false;
}

void TestPeerIdentity::serverNameIsChecked()
{
    QFETCH(int, type);
    QFETCH(QString, expectedName);
    QFETCH(bool, accepted);
    QNetworkAccessManager network;
    QNetworkRequest request(
        QUrl(QStringLiteral("https://127.0.0.1:%1/m2m").arg(m_instance->port())));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(
        QSslCertificate::fromData(Testing::readFile(m_pki.portalCa.certificatePath)));
    request.setSslConfiguration(tls);
    request.setRawHeader("X-M2M-Origin", "Cgw-test");
    QNetworkReply *reply = network.post(request, QByteArray("{}"));
    QString presented;
    Gateway::requirePeerIdentity(reply, {Crypto::IdentityType(type), expectedName},
                                 [&presented](const QString &name) { presented = name; });
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(15000));
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (accepted) {
        QVERIFY(presented.isEmpty());
        QVERIFY2(status >= 200, qPrintable(reply->errorString())); // the service answered
    } else {
        QCOMPARE(presented, QStringLiteral("urn:iot-portal:instance:instance-1"));
        QCOMPARE(status, 0); // aborted before the request was sent
        QCOMPARE(reply->error(), QNetworkReply::OperationCanceledError);
    }
    reply->deleteLater();
}

QTEST_GUILESS_MAIN(TestPeerIdentity)
#include "tst_peeridentity.moc"
