// DESIGN §7.1 attacked for real: a USIM holder enrols through the real NAF (in iot-portald)
// against the real BSF and tries to become the portal, an instance or another gateway; forged
// admin certificates against a real iot-m2m-service; an old-issuer gateway certificate and
// a flood of refused ones against the real portal API.

#include "tests/support/daemonprocess.h"
#include "tests/support/gatewaytls.h"
#include "tests/support/gbalab.h"
#include "tests/support/testfiles.h"

#include <portal-core/crypto/identity.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/gba/enrolmentclient.h>
#include <portal-core/gba/gbaclient.h>
#include <portal-core/store/store.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace Portal;

namespace {

const QString kBsf = QStringLiteral(IOT_BSF_PATH);
const QString kPortald = QStringLiteral(IOT_PORTALD_PATH);
const QString kM2mService = QStringLiteral(IOT_M2M_SERVICE_PATH);
const QString kImpi = QStringLiteral("001010000000002@ims.mnc001.mcc001.3gppnetwork.org");
const QString kOtherImpi = QStringLiteral("001010000000003@ims.mnc001.mcc001.3gppnetwork.org");
const QByteArray kKHex = Testing::kLabKHex;
const QByteArray kOpcHex = Testing::kLabOpcHex;

struct Answer
{
    int status = -1;
    QString code;
    QByteArray body;
};

Answer send(const QSslConfiguration &tls, const QByteArray &method, const QUrl &url,
            const QByteArray &body = QByteArray())
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setSslConfiguration(tls);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(15000))
        return {};
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    answer.code = QJsonDocument::fromJson(answer.body)
                      .object()
                      .value(QStringLiteral("error"))
                      .toObject()
                      .value(QStringLiteral("code"))
                      .toString();
    reply->deleteLater();
    return answer;
}

// A client TLS configuration with a fresh key and a certificate the test makes itself.
QSslConfiguration clientTls(const Crypto::LabPkiFilePair &issuer, const std::string &commonName,
                            std::vector<std::string> uris, std::vector<std::string> policies,
                            const Crypto::LabPkiPaths &pki)
{
    auto ca = Crypto::Certificate::fromPem(Testing::readFile(issuer.certificatePath).toStdString());
    auto caKey = Crypto::PrivateKey::fromPem(Testing::readFile(issuer.keyPath).toStdString());
    auto key = Crypto::PrivateKey::generateP256();
    if (!ca || !caKey || !key)
        return {};
    const Crypto::PublicKey publicKey = key->publicKey();
    Crypto::IssueRequest issue;
    issue.issuerCertificate = &*ca;
    issue.issuerKey = &*caKey;
    issue.subjectPublicKey = &publicKey;
    issue.commonName = commonName;
    issue.uris = std::move(uris);
    issue.policyOids = std::move(policies);
    issue.profile = Crypto::CertificateProfile::TlsClient;
    issue.validitySeconds = 3600;
    auto certificate = Crypto::issueCertificate(issue);
    if (!certificate)
        return {};
    const Crypto::SecretBytes keyPem = key->toPem();
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(QSslCertificate(QByteArray::fromStdString(certificate->toPem())));
    tls.setPrivateKey(
        QSslKey(QByteArray(reinterpret_cast<const char *>(keyPem.data()), qsizetype(keyPem.size())),
                QSsl::Ec));
    tls.setCaCertificates(
        QSslCertificate::fromData(Testing::readFile(pki.portalCa.certificatePath)));
    return tls;
}

} // namespace

class TestIdentities : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void reservedAndTakenIdsAreRefusedAtTheNaf_data();
    void reservedAndTakenIdsAreRefusedAtTheNaf();
    void oneImpiBindsOneIdUntilTheOperatorAllowsMore();
    void anEnrolledGatewayCannotActAsAnotherOrAsTheAdmin();
    void forgedAdminCertificatesAreRefused_data();
    void forgedAdminCertificatesAreRefused();
    void oldIssuerIsAskedToReenrol();
    void refusalsAreCountedOneRowPerMinute();
    void instanceServesItsRefusalsToTheAdminOnly();
    void usersCertificatesComeFromTheUsersCaAndAreRevoked();

private:
    Result<Gba::GbaBootstrap> bootstrap(Gba::SoftUsim &usim);
    Result<Gba::Enrolment> enrol(Gba::SoftUsim &usim, const QString &gatewayId,
                                 QSslConfiguration *tls = nullptr);
    QUrl portalUrl(const QString &path) const
    {
        return QUrl(
            QStringLiteral("https://127.0.0.1:%1/api/v1%2").arg(m_portald->port()).arg(path));
    }

    QTemporaryDir m_dir;
    Crypto::LabPkiPaths m_pki;
    std::unique_ptr<Testing::DaemonProcess> m_bsf;
    std::unique_ptr<Testing::DaemonProcess> m_portald;
    std::unique_ptr<Testing::DaemonProcess> m_instance;
    QList<QSslCertificate> m_operatorCa;
    quint16 m_nafPort = 0;
    std::optional<Gba::SoftUsim> m_usim;
    std::optional<Gba::SoftUsim> m_otherUsim;
    QSslConfiguration m_gatewayA; // enrolled as gw-a through the NAF
};

void TestIdentities::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const auto file = [this](const char *name) { return m_dir.filePath(QLatin1String(name)); };
    auto pki = Crypto::LabPki::ensure(file("pki").toStdString());
    QVERIFY2(pki.ok(), pki.ok() ? "" : pki.error().message.c_str());
    m_pki = *pki;
    m_operatorCa = QSslCertificate::fromData(Testing::readFile(m_pki.operatorCa.certificatePath));

    Testing::TlsBsf bsf =
        Testing::startTlsBsf(kBsf, m_pki, file("hss.sqlite"), {kImpi, kOtherImpi});
    QVERIFY(bsf.process);
    m_bsf = std::move(bsf.process);
    const auto path = [](const std::string &text) { return QString::fromStdString(text); };

    m_portald = std::make_unique<Testing::DaemonProcess>(
        kPortald, QStringList{QStringLiteral("serve"), QStringLiteral("--pki-dir"), file("pki"),
                              QStringLiteral("--database"), file("portal.sqlite"),
                              QStringLiteral("--instances-dir"), file("instances"),
                              QStringLiteral("--m2m-service-path"), kM2mService,
                              QStringLiteral("--bsf-zn-url"),
                              QStringLiteral("https://localhost:%1/zn").arg(bsf.znPort),
                              QStringLiteral("--naf-port-file"), file("naf.port")});
    QVERIFY2(m_portald->start(), m_portald->output().constData());
    QFile nafPort(file("naf.port"));
    QVERIFY(nafPort.open(QIODevice::ReadOnly));
    m_nafPort = quint16(nafPort.readAll().trimmed().toUInt());
    QVERIFY(m_nafPort != 0);

    // An instance as the portal's local backend runs it: its own server certificate, the
    // admin CA as its only admin root.
    m_instance = std::make_unique<Testing::DaemonProcess>(
        kM2mService,
        QStringList{QStringLiteral("--data-dir"), file("instance"), QStringLiteral("--tls-cert"),
                    path(m_pki.portalApi.certificatePath), QStringLiteral("--tls-key"),
                    path(m_pki.portalApi.keyPath), QStringLiteral("--admin-client-ca"),
                    path(m_pki.adminCa.certificatePath), QStringLiteral("--name"),
                    QStringLiteral("instance-1")});
    QVERIFY2(m_instance->start(), m_instance->output().constData());

    for (auto [usim, impi, name] : {std::tuple{&m_usim, kImpi, "usim.json"},
                                    std::tuple{&m_otherUsim, kOtherImpi, "other-usim.json"}}) {
        auto created = Gba::SoftUsim::create(file(name), impi, Testing::arrayFromHex<16>(kKHex),
                                             Testing::arrayFromHex<16>(kOpcHex), 0);
        QVERIFY(created.ok());
        usim->emplace(std::move(*created));
    }
    auto enrolled = enrol(*m_usim, QStringLiteral("gw-a"), &m_gatewayA);
    QVERIFY2(enrolled.ok(), enrolled.ok() ? "" : enrolled.error().message.c_str());
}

void TestIdentities::cleanupTestCase()
{
    if (m_instance)
        QVERIFY(m_instance->stop());
    if (m_portald)
        QVERIFY2(m_portald->stop(20000), m_portald->output().constData());
    if (m_bsf)
        QVERIFY(m_bsf->stop());
}

Result<Gba::GbaBootstrap> TestIdentities::bootstrap(Gba::SoftUsim &usim)
{
    return Testing::bootstrapAt(m_bsf->port(), m_operatorCa, usim);
}

Result<Gba::Enrolment> TestIdentities::enrol(Gba::SoftUsim &usim, const QString &gatewayId,
                                             QSslConfiguration *tls)
{
    auto bootstrapped = bootstrap(usim);
    if (!bootstrapped)
        return bootstrapped.error();
    std::optional<Crypto::PrivateKey> key;
    auto outcome = Testing::enrolAt(m_nafPort, m_operatorCa, *bootstrapped, gatewayId, &key);
    if (outcome && tls) {
        const Crypto::SecretBytes keyPem = key->toPem();
        *tls = QSslConfiguration::defaultConfiguration();
        tls->setLocalCertificate(QSslCertificate(outcome->certificatePem));
        tls->setPrivateKey(QSslKey(
            QByteArray(reinterpret_cast<const char *>(keyPem.data()), qsizetype(keyPem.size())),
            QSsl::Ec));
        tls->setCaCertificates(QSslCertificate::fromData(outcome->portalCaPem));
    }
    return outcome;
}

void TestIdentities::reservedAndTakenIdsAreRefusedAtTheNaf_data()
{
    QTest::addColumn<QString>("gatewayId");
    QTest::addColumn<bool>("otherSubscriber");
    QTest::addColumn<QString>("code");
    QTest::newRow("the admin name") << "portal-admin" << false << "naf.reserved_id";
    QTest::newRow("an instance name") << "instance-1" << false << "naf.reserved_id";
    QTest::newRow("a future instance") << "instance-977" << false << "naf.reserved_id";
    QTest::newRow("the portal API's file name") << "portal-api" << false << "naf.reserved_id";
    QTest::newRow("a CA's file name") << "admin-ca" << false << "naf.reserved_id";
    QTest::newRow("another gateway's bound id") << "gw-a" << true << "naf.gateway_taken";
}

void TestIdentities::reservedAndTakenIdsAreRefusedAtTheNaf()
{
    QFETCH(QString, gatewayId);
    QFETCH(bool, otherSubscriber);
    QFETCH(QString, code);
    auto enrolled = enrol(otherSubscriber ? *m_otherUsim : *m_usim, gatewayId);
    QVERIFY(!enrolled.ok());
    QVERIFY2(enrolled.error().message.find(code.toStdString()) != std::string::npos,
             enrolled.error().message.c_str());
    // Audited with the subscriber's IMPI.
    auto store = Store::Store::open(m_dir.filePath(QStringLiteral("portal.sqlite")));
    QVERIFY(store.ok());
    auto log = (*store)->auditLog(20);
    QVERIFY(log.ok());
    const bool audited = std::any_of(log->cbegin(), log->cend(), [&](const Store::AuditEntry &e) {
        return e.action == QLatin1String("gateway.enrol_refused") &&
               e.subject == QStringLiteral("gateway:") + gatewayId && e.detail.contains(code) &&
               e.detail.contains(otherSubscriber ? kOtherImpi : kImpi);
    });
    QVERIFY(audited);
}

void TestIdentities::oneImpiBindsOneIdUntilTheOperatorAllowsMore()
{
    auto second = enrol(*m_usim, QStringLiteral("gw-a2"));
    QVERIFY(!second.ok());
    QVERIFY2(second.error().message.find("naf.impi_bound") != std::string::npos,
             second.error().message.c_str());

    QByteArray output;
    QCOMPARE(Testing::runCommand(
                 kPortald,
                 {QStringLiteral("gateway"), QStringLiteral("allow-ids"),
                  QStringLiteral("--database"), m_dir.filePath(QStringLiteral("portal.sqlite")),
                  QStringLiteral("--impi"), kImpi, QStringLiteral("--max"), QStringLiteral("2")},
                 &output),
             0);
    auto allowed = enrol(*m_usim, QStringLiteral("gw-a2"));
    QVERIFY2(allowed.ok(), allowed.ok() ? "" : allowed.error().message.c_str());
    auto third = enrol(*m_usim, QStringLiteral("gw-a3"));
    QVERIFY(!third.ok());
    QVERIFY(third.error().message.find("naf.impi_bound") != std::string::npos);
    // Its own ids still renew.
    QVERIFY(enrol(*m_usim, QStringLiteral("gw-a")).ok());
}

void TestIdentities::anEnrolledGatewayCannotActAsAnotherOrAsTheAdmin()
{
    // The typed name, not the NAF's refusal, is what makes it safe: a certificate from a
    // legitimate enrolment, used where only the admin or another gateway may act.
    const QUrl health(
        QStringLiteral("https://127.0.0.1:%1/admin/v1/health").arg(m_instance->port()));
    const Answer asAdmin = send(m_gatewayA, "GET", health);
    QCOMPARE(asAdmin.status, 403);
    QCOMPARE(asAdmin.code, QStringLiteral("m2m.not_admin"));
    const Answer push =
        send(m_gatewayA, "PUT",
             QUrl(QStringLiteral("https://127.0.0.1:%1/admin/v1/devices/0102030405060708")
                      .arg(m_instance->port())),
             "{}");
    QCOMPARE(push.status, 403);

    const Answer ownHeartbeat =
        send(m_gatewayA, "POST", portalUrl(QStringLiteral("/gateways/gw-a/heartbeat")),
             R"({"version":"t","deviceCount":0,"queueDepth":0,"devices":[]})");
    QCOMPARE(ownHeartbeat.status, 200);
    const Answer otherHeartbeat =
        send(m_gatewayA, "POST", portalUrl(QStringLiteral("/gateways/gw-a2/heartbeat")),
             R"({"version":"t","deviceCount":0,"queueDepth":0,"devices":[]})");
    QCOMPARE(otherHeartbeat.status, 403);
    QCOMPARE(otherHeartbeat.code, QStringLiteral("portal.forbidden"));

    // The admin identity itself is accepted.
    auto admin = Testing::readFile(m_pki.portalAdmin.certificatePath);
    auto adminKey = Testing::readFile(m_pki.portalAdmin.keyPath);
    QSslConfiguration adminTls = QSslConfiguration::defaultConfiguration();
    adminTls.setLocalCertificate(QSslCertificate(admin));
    adminTls.setPrivateKey(QSslKey(adminKey, QSsl::Ec));
    adminTls.setCaCertificates(
        QSslCertificate::fromData(Testing::readFile(m_pki.portalCa.certificatePath)));
    QCOMPARE(send(adminTls, "GET", health).status, 200);
}

void TestIdentities::forgedAdminCertificatesAreRefused_data()
{
    QTest::addColumn<int>("issuer"); // 0 portal CA, 1 admin CA, 2 gateway CA, 3 users CA
    QTest::addColumn<QString>("uri");
    QTest::addColumn<bool>("policy");
    const QString admin = QStringLiteral("urn:iot-portal:admin:portal-admin");
    QTest::newRow("portal CA with the admin name and policy") << 0 << admin << true;
    QTest::newRow("admin CA without the policy") << 1 << admin << false;
    QTest::newRow("admin CA, a gateway name") << 1 << "urn:iot-portal:gateway:gw-a" << true;
    QTest::newRow("gateway CA with the admin name and policy") << 2 << admin << true;
    QTest::newRow("users CA with the admin name and policy") << 3 << admin << true;
}

void TestIdentities::forgedAdminCertificatesAreRefused()
{
    QFETCH(int, issuer);
    QFETCH(QString, uri);
    QFETCH(bool, policy);
    const Crypto::LabPkiFilePair *issuers[] = {&m_pki.portalCa, &m_pki.adminCa, &m_pki.gatewayCa,
                                               &m_pki.usersCa};
    const QSslConfiguration forged = clientTls(
        *issuers[issuer], "portal-admin", {uri.toStdString()},
        policy ? std::vector<std::string>{Crypto::kAdminPolicyOid} : std::vector<std::string>{},
        m_pki);
    QVERIFY(!forged.localCertificate().isNull());
    const Answer answer =
        send(forged, "GET",
             QUrl(QStringLiteral("https://127.0.0.1:%1/admin/v1/health").arg(m_instance->port())));
    QCOMPARE(answer.status, 403);
    QCOMPARE(answer.code, QStringLiteral("m2m.not_admin"));
}

void TestIdentities::oldIssuerIsAskedToReenrol()
{
    // As the NAF issued before the gateway CA: portal CA, CN = gateway id, no typed name.
    const QSslConfiguration old =
        Testing::gatewayTls(m_pki, QStringLiteral("gw-a"), 3600, &m_pki.portalCa, false);
    const Answer answer =
        send(old, "POST", portalUrl(QStringLiteral("/gateways/gw-a/heartbeat")), "{}");
    QCOMPARE(answer.status, 401);
    QCOMPARE(answer.code, QStringLiteral("portal.reenrol"));
    // The portal CA with a gateway's typed name is not a gateway identity.
    const QSslConfiguration typed =
        Testing::gatewayTls(m_pki, QStringLiteral("gw-a"), 3600, &m_pki.portalCa, true);
    const Answer wrong =
        send(typed, "POST", portalUrl(QStringLiteral("/gateways/gw-a/heartbeat")), "{}");
    QCOMPARE(wrong.status, 403);
    QCOMPARE(wrong.code, QStringLiteral("portal.wrong_identity"));
}

void TestIdentities::refusalsAreCountedOneRowPerMinute()
{
    // Not a gateway identity: a portal CA certificate with the admin's typed name (the portal
    // API's TLS layer takes gateway and portal CA chains only; the handler decides the rest).
    const QSslConfiguration flood =
        clientTls(m_pki.portalCa, "portal-admin", {"urn:iot-portal:admin:portal-admin"}, {}, m_pki);
    constexpr int kAttempts = 60;
    QNetworkAccessManager network;
    for (int i = 0; i < kAttempts; ++i) {
        QNetworkRequest request(portalUrl(QStringLiteral("/devices/0102030405060708")));
        request.setSslConfiguration(flood);
        QNetworkReply *reply = network.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 403);
        reply->deleteLater();
    }
    auto store = Store::Store::open(m_dir.filePath(QStringLiteral("portal.sqlite")));
    QVERIFY(store.ok());
    auto failures = (*store)->authFailures(100);
    QVERIFY(failures.ok());
    qint64 counted = 0;
    int rows = 0;
    for (const Store::AuthFailure &failure : *failures) {
        if (failure.identity != QLatin1String("urn:iot-portal:admin:portal-admin") ||
            failure.reason != QLatin1String("portal.wrong_identity"))
            continue;
        QCOMPARE(failure.source, QStringLiteral("127.0.0.1"));
        counted += failure.count;
        ++rows;
    }
    QCOMPARE(counted, qint64(kAttempts));
    QVERIFY2(rows <= 2, "one row per minute (the flood may cross one minute boundary)");
}

void TestIdentities::instanceServesItsRefusalsToTheAdminOnly()
{
    // The refusals above (a gateway and five forged admins) are rows of the instance's store,
    // which the leading portald pulls through this route.
    const QUrl url(QStringLiteral("https://127.0.0.1:%1/admin/v1/auth-failures?since=-1")
                       .arg(m_instance->port()));
    QCOMPARE(send(m_gatewayA, "GET", url).status, 403);

    QSslConfiguration adminTls = QSslConfiguration::defaultConfiguration();
    adminTls.setLocalCertificate(
        QSslCertificate(Testing::readFile(m_pki.portalAdmin.certificatePath)));
    adminTls.setPrivateKey(QSslKey(Testing::readFile(m_pki.portalAdmin.keyPath), QSsl::Ec));
    adminTls.setCaCertificates(
        QSslCertificate::fromData(Testing::readFile(m_pki.portalCa.certificatePath)));
    const Answer answer = send(adminTls, "GET", url);
    QCOMPARE(answer.status, 200);
    const QJsonArray rows = QJsonDocument::fromJson(answer.body)
                                .object()
                                .value(QStringLiteral("authFailures"))
                                .toArray();
    QHash<QString, qint64> byIdentity;
    for (const QJsonValue &value : rows) {
        auto row = authFailureFromJson(value.toObject());
        QVERIFY2(row.ok(), row.ok() ? "" : row.error().message.c_str());
        QCOMPARE(row->reason, QStringLiteral("m2m.not_admin"));
        QCOMPARE(row->source, QStringLiteral("127.0.0.1"));
        byIdentity[row->identity] += row->count;
    }
    // gw-a: the health GET, the device PUT, the GET above, and the forged admin CA
    // certificate that carries gw-a's typed name.
    QCOMPARE(byIdentity.value(QStringLiteral("urn:iot-portal:gateway:gw-a")), 4);
    QCOMPARE(byIdentity.value(QStringLiteral("urn:iot-portal:admin:portal-admin")), 4);

    const Answer later = send(adminTls, "GET",
                              QUrl(QStringLiteral("https://127.0.0.1:%1/admin/v1/auth-failures"
                                                  "?since=%2")
                                       .arg(m_instance->port())
                                       .arg(QDateTime::currentMSecsSinceEpoch() + 60'000)));
    QCOMPARE(later.status, 200);
    QVERIFY(QJsonDocument::fromJson(later.body)
                .object()
                .value(QStringLiteral("authFailures"))
                .toArray()
                .isEmpty());
    QCOMPARE(send(adminTls, "GET",
                  QUrl(QStringLiteral("https://127.0.0.1:%1/admin/v1/auth-failures?since=soon")
                           .arg(m_instance->port())))
                 .status,
             400);
}

void TestIdentities::usersCertificatesComeFromTheUsersCaAndAreRevoked()
{
    const auto file = [this](const char *name) { return m_dir.filePath(QLatin1String(name)); };
    auto key = Crypto::PrivateKey::generateP256();
    QVERIFY(key.ok());
    // The CSR asks for the admin's name: its subject is not used, the operator's --name is.
    auto csr = Crypto::createCsr(*key, "portal-admin");
    QVERIFY(csr.ok());
    QFile csrFile(file("alice.csr"));
    QVERIFY(csrFile.open(QIODevice::WriteOnly));
    csrFile.write(QByteArray::fromStdString(*csr));
    csrFile.close();
    const auto cli = [&](const QStringList &arguments, QByteArray *output) {
        return Testing::runCommand(
            kPortald,
            arguments + QStringList{QStringLiteral("--database"), file("portal.sqlite"),
                                    QStringLiteral("--pki-dir"), file("pki")},
            output, 30000, true);
    };
    const QStringList add{QStringLiteral("user"),   QStringLiteral("add"),
                          QStringLiteral("--name"), QStringLiteral("alice"),
                          QStringLiteral("--csr"),  file("alice.csr"),
                          QStringLiteral("--days"), QStringLiteral("30")};
    QByteArray pem;
    QCOMPARE(cli(add, &pem), 0);
    auto issued = Crypto::Certificate::fromPem(pem.toStdString());
    QVERIFY2(issued.ok(), pem.constData());
    auto usersCa = Crypto::Certificate::fromPem(
        Testing::readFile(m_pki.usersCa.certificatePath).toStdString());
    auto adminCa = Crypto::Certificate::fromPem(
        Testing::readFile(m_pki.adminCa.certificatePath).toStdString());
    QVERIFY(usersCa.ok() && adminCa.ok());
    auto asUser = Crypto::verifyIdentity(*issued, *usersCa, Crypto::ChainPurpose::TlsClient,
                                         Crypto::IdentityType::User);
    QVERIFY2(asUser.ok(), asUser.ok() ? "" : asUser.error().message.c_str());
    QCOMPARE(*asUser, std::string("alice"));
    QVERIFY(!Crypto::verifyIdentity(*issued, *usersCa, Crypto::ChainPurpose::TlsClient,
                                    Crypto::IdentityType::Admin)
                 .ok());
    QVERIFY(!Crypto::verifyIdentity(*issued, *adminCa, Crypto::ChainPurpose::TlsClient,
                                    Crypto::IdentityType::Admin)
                 .ok());

    // The instance's admin API refuses it like any other non-admin identity.
    const Crypto::SecretBytes keyPem = key->toPem();
    QSslConfiguration userTls = QSslConfiguration::defaultConfiguration();
    userTls.setLocalCertificate(QSslCertificate(pem));
    userTls.setPrivateKey(
        QSslKey(QByteArray(reinterpret_cast<const char *>(keyPem.data()), qsizetype(keyPem.size())),
                QSsl::Ec));
    userTls.setCaCertificates(
        QSslCertificate::fromData(Testing::readFile(m_pki.portalCa.certificatePath)));
    const Answer admin =
        send(userTls, "GET",
             QUrl(QStringLiteral("https://127.0.0.1:%1/admin/v1/health").arg(m_instance->port())));
    QCOMPARE(admin.status, 403);
    QCOMPARE(admin.code, QStringLiteral("m2m.not_admin"));

    // One valid certificate per user: a second is refused until the user is removed.
    QByteArray output;
    QCOMPARE(cli(add, &output), 1);
    QCOMPARE(cli({QStringLiteral("user"), QStringLiteral("remove"), QStringLiteral("--name"),
                  QStringLiteral("alice")},
                 &output),
             0);
    QCOMPARE(cli({QStringLiteral("user"), QStringLiteral("list")}, &output), 0);
    QVERIFY2(output.startsWith("alice\t" + QByteArray::fromStdString(issued->serialHex())) &&
                 output.contains("\trevoked "),
             output.constData());
    QCOMPARE(cli(add, &output), 0);
    QCOMPARE(cli({QStringLiteral("user"), QStringLiteral("remove"), QStringLiteral("--name"),
                  QStringLiteral("bob")},
                 &output),
             1);
    QCOMPARE(cli({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--name"),
                  QStringLiteral("no spaces"), QStringLiteral("--csr"), file("alice.csr")},
                 &output),
             1);

    auto store = Store::Store::open(file("portal.sqlite"));
    QVERIFY(store.ok());
    auto log = (*store)->auditLog(10);
    QVERIFY(log.ok());
    QStringList actions;
    for (const Store::AuditEntry &entry : *log) {
        if (entry.subject == QLatin1String("user:alice")) {
            actions.append(entry.action);
            QVERIFY2(entry.actor.startsWith(QLatin1String("cli:")), qPrintable(entry.actor));
        }
    }
    QCOMPARE(actions, (QStringList{QStringLiteral("user.add"), QStringLiteral("user.remove"),
                                   QStringLiteral("user.add")}));
}

QTEST_GUILESS_MAIN(TestIdentities)
#include "tst_identities.moc"
