// The lab PKI is checked with the `openssl` command line: every leaf verifies against its own
// CA for its purpose, and against neither the other CA nor the other purpose.

#include "tests/support/firstlayoutpki.h"
#include "tests/support/testfiles.h"

#include <portal-core/crypto/identity.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace Portal;
using namespace Portal::Crypto;

namespace {

struct ToolResult
{
    int exitCode = -1;
    QByteArray output;
};

ToolResult runOpenssl(const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), arguments);
    ToolResult result;
    if (!process.waitForFinished(20000) || process.exitStatus() != QProcess::NormalExit) {
        return result;
    }
    result.exitCode = process.exitCode();
    result.output = process.readAll();
    return result;
}

Certificate loadCertificate(const std::string &path)
{
    const QByteArray pem = Testing::readFile(path);
    Result<Certificate> certificate =
        Certificate::fromPem(std::string_view(pem.constData(), size_t(pem.size())));
    if (!certificate) {
        qFatal("cannot load a lab certificate");
    }
    return certificate.value();
}

mode_t permissionsOf(const std::string &path)
{
    struct stat status = {};
    if (::stat(path.c_str(), &status) != 0) {
        return mode_t(-1);
    }
    return status.st_mode & 07777;
}

std::vector<const LabPkiFilePair *> allPairs(const LabPkiPaths &paths)
{
    return {&paths.operatorCa, &paths.portalCa,  &paths.bsf,         &paths.naf,
            &paths.nafZn,      &paths.portalApi, &paths.portalAdmin, &paths.gatewayCa,
            &paths.adminCa,    &paths.usersCa};
}

} // namespace

class tst_LabPki : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void createsAllFilesWithModes();
    void keysMatchCertificates();
    void leavesVerifyWithOpenssl_data();
    void leavesVerifyWithOpenssl();
    void subjectsAndNames();
    void secondCallReusesFilesUnchanged();
    void missingFileIsNamed();
    void groupReadableKeyIsRefused();
    void configurableNames();
    void badNameLeavesDirectoryEmpty();
    void upgradesTheFirstLayout();

private:
    QTemporaryDir m_root;
    LabPkiPaths m_paths;
    QString m_pkiDirectory;
};

void tst_LabPki::initTestCase()
{
    QVERIFY(m_root.isValid());
    QCOMPARE(runOpenssl({"version"}).exitCode, 0);
    // ensure() creates the directory itself.
    m_pkiDirectory = m_root.filePath("pki");
    Result<LabPkiPaths> paths = LabPki::ensure(m_pkiDirectory.toStdString());
    QVERIFY2(paths.ok(), paths.ok() ? "" : paths.error().message.c_str());
    QVERIFY(paths.value().created);
    m_paths = paths.value();
}

void tst_LabPki::createsAllFilesWithModes()
{
    QCOMPARE(permissionsOf(m_pkiDirectory.toStdString()), mode_t(0700));
    const QStringList expected{
        "admin-ca.crt",         "admin-ca.key",     "bsf.crt",          "bsf.key",
        "device-authority.key", "gateway-ca.crt",   "gateway-ca.key",   "naf-zn.crt",
        "naf-zn.key",           "naf.crt",          "naf.key",          "operator-ca.crt",
        "operator-ca.key",      "portal-admin.crt", "portal-admin.key", "portal-api.crt",
        "portal-api.key",       "portal-ca.crt",    "portal-ca.key",    "users-ca.crt",
        "users-ca.key"};
    // No temporaries left behind either.
    QCOMPARE(QDir(m_pkiDirectory).entryList(QDir::Files | QDir::Hidden, QDir::Name), expected);
    for (const LabPkiFilePair *pair : allPairs(m_paths)) {
        QCOMPARE(permissionsOf(pair->keyPath), mode_t(0600));
        QCOMPARE(permissionsOf(pair->certificatePath), mode_t(0644));
        QVERIFY(Testing::readFile(pair->keyPath).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        QVERIFY(
            Testing::readFile(pair->certificatePath).startsWith("-----BEGIN CERTIFICATE-----\n"));
    }
    QCOMPARE(QFileInfo(QString::fromStdString(m_paths.bsf.keyPath)).fileName(),
             QStringLiteral("bsf.key"));
    // The device-authority key: a P-256 key of its own, 0600, no certificate.
    QCOMPARE(permissionsOf(m_paths.deviceAuthorityKeyPath), mode_t(0600));
    const ToolResult authority = runOpenssl(
        {"pkey", "-in", QString::fromStdString(m_paths.deviceAuthorityKeyPath), "-noout", "-text"});
    QCOMPARE(authority.exitCode, 0);
    QVERIFY(authority.output.contains("prime256v1"));
}

void tst_LabPki::keysMatchCertificates()
{
    for (const LabPkiFilePair *pair : allPairs(m_paths)) {
        const ToolResult fromCertificate = runOpenssl(
            {"x509", "-in", QString::fromStdString(pair->certificatePath), "-noout", "-pubkey"});
        const ToolResult fromKey =
            runOpenssl({"pkey", "-in", QString::fromStdString(pair->keyPath), "-pubout"});
        QCOMPARE(fromCertificate.exitCode, 0);
        QCOMPARE(fromKey.exitCode, 0);
        QCOMPARE(fromCertificate.output, fromKey.output);
    }
}

void tst_LabPki::leavesVerifyWithOpenssl_data()
{
    QTest::addColumn<QString>("leaf");
    QTest::addColumn<QString>("ca");
    QTest::addColumn<QString>("otherCa");
    QTest::addColumn<QString>("purpose");
    QTest::addColumn<QString>("otherPurpose");

    const auto path = [this](const std::string &file) { return QString::fromStdString(file); };
    const QString operatorCa = path(m_paths.operatorCa.certificatePath);
    const QString portalCa = path(m_paths.portalCa.certificatePath);
    QTest::newRow("bsf") << path(m_paths.bsf.certificatePath) << operatorCa << portalCa
                         << "sslserver"
                         << "sslclient";
    QTest::newRow("naf") << path(m_paths.naf.certificatePath) << operatorCa << portalCa
                         << "sslserver"
                         << "sslclient";
    QTest::newRow("naf-zn") << path(m_paths.nafZn.certificatePath) << operatorCa << portalCa
                            << "sslclient"
                            << "sslserver";
    QTest::newRow("portal-api") << path(m_paths.portalApi.certificatePath) << portalCa << operatorCa
                                << "sslserver"
                                << "sslclient";
    QTest::newRow("portal-admin") << path(m_paths.portalAdmin.certificatePath)
                                  << path(m_paths.adminCa.certificatePath) << portalCa
                                  << "sslclient"
                                  << "sslserver";
}

void tst_LabPki::leavesVerifyWithOpenssl()
{
    QFETCH(QString, leaf);
    QFETCH(QString, ca);
    QFETCH(QString, otherCa);
    QFETCH(QString, purpose);
    QFETCH(QString, otherPurpose);

    const ToolResult accepted =
        runOpenssl({"verify", "-x509_strict", "-CAfile", ca, "-purpose", purpose, leaf});
    QVERIFY2(accepted.exitCode == 0, accepted.output.constData());
    QVERIFY(runOpenssl({"verify", "-CAfile", otherCa, "-purpose", purpose, leaf}).exitCode != 0);
    QVERIFY(runOpenssl({"verify", "-CAfile", ca, "-purpose", otherPurpose, leaf}).exitCode != 0);

    const Certificate leafCertificate = loadCertificate(leaf.toStdString());
    const Certificate caCertificate = loadCertificate(ca.toStdString());
    QVERIFY(!leafCertificate.isCa());
    QVERIFY(caCertificate.isCa());
    const ChainPurpose chainPurpose =
        purpose == "sslserver" ? ChainPurpose::TlsServer : ChainPurpose::TlsClient;
    QVERIFY(verifyChain(leafCertificate, caCertificate, chainPurpose).ok());
}

void tst_LabPki::subjectsAndNames()
{
    const auto textOf = [](const std::string &certificatePath) {
        return runOpenssl(
                   {"x509", "-in", QString::fromStdString(certificatePath), "-noout", "-text"})
            .output;
    };
    const QByteArray bsf = textOf(m_paths.bsf.certificatePath);
    QVERIFY(bsf.contains("Subject: CN = bsf.lab.example\n"));
    QVERIFY(bsf.contains("Issuer: CN = IoT Portal Lab Operator CA\n"));
    QVERIFY(bsf.contains("DNS:bsf.lab.example, DNS:localhost, IP Address:127.0.0.1\n"));
    const QByteArray naf = textOf(m_paths.naf.certificatePath);
    QVERIFY(naf.contains("DNS:naf.lab.example, DNS:localhost, IP Address:127.0.0.1\n"));
    const QByteArray nafZn = textOf(m_paths.nafZn.certificatePath);
    QVERIFY(nafZn.contains("Subject: CN = naf.lab.example\n"));
    QVERIFY(nafZn.contains("TLS Web Client Authentication"));
    const QByteArray api = textOf(m_paths.portalApi.certificatePath);
    QVERIFY(api.contains("Issuer: CN = IoT Portal Lab Portal CA\n"));
    QVERIFY(api.contains("DNS:localhost, IP Address:127.0.0.1"));
    QVERIFY(api.contains("URI:urn:iot-portal:portal-api:portal.lab.example"));
    const QByteArray admin = textOf(m_paths.portalAdmin.certificatePath);
    QVERIFY(admin.contains("Subject: CN = portal-admin\n"));
    QVERIFY(admin.contains("Issuer: CN = IoT Portal Lab Admin CA\n"));
    QVERIFY(admin.contains("URI:urn:iot-portal:admin:portal-admin"));
    QVERIFY(admin.contains("Policy: 2.25.119647968796902424857226407911259383060.1"));
    const Certificate adminCa = loadCertificate(m_paths.adminCa.certificatePath);
    auto adminName = verifyIdentity(loadCertificate(m_paths.portalAdmin.certificatePath), adminCa,
                                    ChainPurpose::TlsClient, IdentityType::Admin);
    QVERIFY(adminName.ok());
    QCOMPARE(*adminName, std::string("portal-admin"));

    // Five distinct roots, no key shared.
    QSet<std::string> fingerprints;
    QList<PublicKey> keys;
    for (const LabPkiFilePair *root : {&m_paths.operatorCa, &m_paths.portalCa, &m_paths.gatewayCa,
                                       &m_paths.adminCa, &m_paths.usersCa}) {
        const Certificate ca = loadCertificate(root->certificatePath);
        QVERIFY(ca.isCa());
        fingerprints.insert(ca.fingerprintSha256());
        for (const PublicKey &other : keys)
            QVERIFY(ca.publicKey().value() != other);
        keys.append(ca.publicKey().value());
    }
    QCOMPARE(fingerprints.size(), 5);
}

void tst_LabPki::secondCallReusesFilesUnchanged()
{
    QMap<QString, QByteArray> before;
    for (const LabPkiFilePair *pair : allPairs(m_paths)) {
        before.insert(QString::fromStdString(pair->certificatePath),
                      Testing::readFile(pair->certificatePath));
        before.insert(QString::fromStdString(pair->keyPath), Testing::readFile(pair->keyPath));
    }
    // Never reissued: every device holds its public half.
    before.insert(QString::fromStdString(m_paths.deviceAuthorityKeyPath),
                  Testing::readFile(m_paths.deviceAuthorityKeyPath));
    const std::string bsfFingerprint =
        loadCertificate(m_paths.bsf.certificatePath).fingerprintSha256();

    Result<LabPkiPaths> again = LabPki::ensure(m_pkiDirectory.toStdString());
    QVERIFY(again.ok());
    QVERIFY(!again.value().created);
    QCOMPARE(again.value().bsf.certificatePath, m_paths.bsf.certificatePath);
    QCOMPARE(loadCertificate(again.value().bsf.certificatePath).fingerprintSha256(),
             bsfFingerprint);
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        QCOMPARE(Testing::readFile(it.key().toStdString()), it.value());
    }
}

void tst_LabPki::missingFileIsNamed()
{
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    Result<LabPkiPaths> created = LabPki::ensure(directory.path().toStdString());
    QVERIFY(created.ok());
    QVERIFY(QFile::remove(QString::fromStdString(created.value().naf.keyPath)));

    Result<LabPkiPaths> again = LabPki::ensure(directory.path().toStdString());
    QVERIFY(!again.ok());
    QCOMPARE(QString::fromStdString(again.error().code), QStringLiteral("labpki.incomplete"));
    QVERIFY2(again.error().message.find("naf.key") != std::string::npos,
             again.error().message.c_str());
    // Nothing was recreated behind the caller's back.
    QVERIFY(!QFile::exists(QString::fromStdString(created.value().naf.keyPath)));
}

void tst_LabPki::groupReadableKeyIsRefused()
{
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    Result<LabPkiPaths> created = LabPki::ensure(directory.path().toStdString());
    QVERIFY(created.ok());
    QVERIFY(::chmod(created.value().portalCa.keyPath.c_str(), 0640) == 0);

    Result<LabPkiPaths> again = LabPki::ensure(directory.path().toStdString());
    QVERIFY(!again.ok());
    QCOMPARE(QString::fromStdString(again.error().code), QStringLiteral("labpki.insecure_key"));
    QVERIFY(again.error().message.find("portal-ca.key") != std::string::npos);
}

void tst_LabPki::configurableNames()
{
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    LabPkiOptions options;
    options.operatorCaCommonName = "Operator Test CA";
    options.bsfDnsName = "bsf.test.example";
    options.nafDnsName = "naf.test.example";
    options.portalApiDnsName = "localhost"; // also in extraDnsNames: listed once
    options.extraDnsNames = {"localhost", "gba.test.example"};
    options.ipAddresses = {"127.0.0.1", "::1"};
    options.leafValiditySeconds = 7 * 24 * 3600;
    Result<LabPkiPaths> created = LabPki::ensure(directory.path().toStdString(), options);
    QVERIFY2(created.ok(), created.ok() ? "" : created.error().message.c_str());

    const auto textOf = [](const std::string &certificatePath) {
        return runOpenssl(
                   {"x509", "-in", QString::fromStdString(certificatePath), "-noout", "-text"})
            .output;
    };
    const QByteArray bsf = textOf(created.value().bsf.certificatePath);
    QVERIFY(bsf.contains("Issuer: CN = Operator Test CA\n"));
    QVERIFY(bsf.contains("DNS:bsf.test.example, DNS:localhost, DNS:gba.test.example, "
                         "IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1\n"));
    QVERIFY(
        textOf(created.value().nafZn.certificatePath).contains("Subject: CN = naf.test.example"));
    const QByteArray api = textOf(created.value().portalApi.certificatePath);
    QVERIFY(api.contains("DNS:localhost, DNS:gba.test.example, IP Address:127.0.0.1"));

    const Certificate bsfCertificate = loadCertificate(created.value().bsf.certificatePath);
    const int64_t validity =
        bsfCertificate.notAfterUnixSeconds() - bsfCertificate.notBeforeUnixSeconds();
    QCOMPARE(validity, int64_t(7 * 24 * 3600 + 60));
}

void tst_LabPki::badNameLeavesDirectoryEmpty()
{
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    LabPkiOptions options;
    options.nafDnsName = "naf_lab.example";
    Result<LabPkiPaths> created = LabPki::ensure(directory.path().toStdString(), options);
    QVERIFY(!created.ok());
    QCOMPARE(QString::fromStdString(created.error().code), QStringLiteral("x509.bad_name"));
    QVERIFY(QDir(directory.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
}

void tst_LabPki::upgradesTheFirstLayout()
{
    // The first layout (14 files), made from a current PKI by the shared test writer.
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    Result<LabPkiPaths> created = LabPki::ensure(directory.path().toStdString());
    QVERIFY(created.ok());
    const LabPkiPaths paths = created.value();
    const Result<void> firstLayout = Testing::writeFirstLayoutPki(paths);
    QVERIFY2(firstLayout.ok(), firstLayout.ok() ? "" : firstLayout.error().message.c_str());
    const Certificate portalCa = loadCertificate(paths.portalCa.certificatePath);
    QVERIFY(!identityOf(loadCertificate(paths.portalAdmin.certificatePath)).ok());
    QCOMPARE(QDir(directory.path()).entryList(QDir::Files).size(), 14);
    const QByteArray operatorCaBefore = Testing::readFile(paths.operatorCa.keyPath);
    const QByteArray portalCaBefore = Testing::readFile(paths.portalCa.keyPath);
    const QByteArray bsfBefore = Testing::readFile(paths.bsf.certificatePath);

    Result<LabPkiPaths> upgraded = LabPki::ensure(directory.path().toStdString());
    QVERIFY2(upgraded.ok(), upgraded.ok() ? "" : upgraded.error().message.c_str());
    QVERIFY(!upgraded.value().created);
    QCOMPARE(upgraded.value().upgraded.size(), size_t(6));
    QCOMPARE(upgraded.value().upgraded.back(), std::string("created the device-authority key"));
    QCOMPARE(QDir(directory.path()).entryList(QDir::Files).size(), 21);
    QCOMPARE(Testing::readFile(paths.operatorCa.keyPath), operatorCaBefore);
    QCOMPARE(Testing::readFile(paths.portalCa.keyPath), portalCaBefore);
    QCOMPARE(Testing::readFile(paths.bsf.certificatePath), bsfBefore);
    const Certificate adminCa = loadCertificate(paths.adminCa.certificatePath);
    QVERIFY(verifyIdentity(loadCertificate(paths.portalAdmin.certificatePath), adminCa,
                           ChainPurpose::TlsClient, IdentityType::Admin)
                .ok());
    QVERIFY(verifyIdentity(loadCertificate(paths.portalApi.certificatePath), portalCa,
                           ChainPurpose::TlsServer, IdentityType::PortalApi)
                .ok());
    QCOMPARE(permissionsOf(paths.portalAdmin.keyPath), mode_t(0600));

    // Done once: the next call reuses everything.
    Result<LabPkiPaths> again = LabPki::ensure(directory.path().toStdString());
    QVERIFY(again.ok());
    QVERIFY(again.value().upgraded.empty());
}

QTEST_APPLESS_MAIN(tst_LabPki)
#include "tst_labpki.moc"
