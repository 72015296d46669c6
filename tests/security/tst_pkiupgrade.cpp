// A running lab of the first PKI layout upgraded in place (issue 15, test 5): a real
// iot-gateway enrolled under the first layout holds a portal CA certificate with no typed name;
// `iot-portald pki init` upgrades the PKI; the upgraded iot-portald, on the same portal API and
// NAF ports, answers that certificate 401 portal.reenrol; the gateway bootstraps at the real
// iot-bsf and enrols at the new NAF by itself, and its sensor-node-sim device, provisioned with
// the device-authority key the upgrade made, attaches through it: its readings are stored as
// verified by the iot-m2m-service instance. (Before the upgrade nothing can attach: a device
// proves its key to the portal itself since device-link version 2, and the portal is down.)
//
// The one stand-in is the first layout's NAF (FirstLayoutNaf below), which no build of this
// tree can run any more.

#include "tests/support/daemonprocess.h"
#include "tests/support/firstlayoutpki.h"
#include "tests/support/gbalab.h"
#include "tests/support/testfiles.h"

#include <portal-core/crypto/digest.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/http/httpserver.h>
#include <portal-core/store/store.h>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Portal;

namespace {

const QString kBsf = QStringLiteral(IOT_BSF_PATH);
const QString kPortald = QStringLiteral(IOT_PORTALD_PATH);
const QString kM2mService = QStringLiteral(IOT_M2M_SERVICE_PATH);
const QString kGateway = QStringLiteral(IOT_GATEWAY_PATH);
const QString kSim = QStringLiteral(SENSOR_NODE_SIM_PATH);
const QString kImpi = QStringLiteral("001010000000004@ims.mnc001.mcc001.3gppnetwork.org");
const QString kGatewayId = QStringLiteral("gw-first");
const QString kDeviceId = QStringLiteral("00000000000000d1");
constexpr int kIntervalMs = 400;
constexpr int kStoredAfterUpgrade = 5;

// The NAF as it was before the gateway CA (the first layout), standing in for a build that no
// longer exists: it sends a Digest challenge, then answers the CSR with what that NAF issued, a
// portal CA certificate with CN = gateway id and no typed name. It does not check the Digest
// response: what it issues is under test here, not Ua (tst_nafenrolment tests the real NAF).
class FirstLayoutNaf
{
public:
    FirstLayoutNaf(const Crypto::LabPkiPaths &pki, QUrl portalApiUrl)
        : m_pki(pki), m_portalApiUrl(std::move(portalApiUrl))
    {
    }

    Result<quint16> listen()
    {
        auto portalCa = Crypto::Certificate::fromPem(
            Testing::readFile(m_pki.portalCa.certificatePath).toStdString());
        if (!portalCa)
            return portalCa.error();
        auto portalCaKey =
            Crypto::PrivateKey::fromPem(Testing::readFile(m_pki.portalCa.keyPath).toStdString());
        if (!portalCaKey)
            return portalCaKey.error();
        m_portalCa.emplace(std::move(*portalCa));
        m_portalCaKey.emplace(std::move(*portalCaKey));
        auto tls =
            Http::makeServerTlsConfiguration({QString::fromStdString(m_pki.naf.certificatePath),
                                              QString::fromStdString(m_pki.naf.keyPath),
                                              {}});
        if (!tls)
            return tls.error();
        m_server = std::make_unique<Http::HttpServer>(Http::HttpServer::Handler(
            [this](const Http::HttpRequest &request) { return answer(request); }));
        return m_server->listen(QHostAddress::LocalHost, 0, *tls);
    }
    void close() { m_server.reset(); }
    int issued() const { return m_issued; }

private:
    Http::HttpAnswer answer(const Http::HttpRequest &request)
    {
        if (request.path != QLatin1String("/naf/v1/enrol") || request.method != "POST")
            return Http::jsonError(404, makeError("naf.not_found", "POST /naf/v1/enrol"));
        if (request.header("Authorization").isEmpty()) {
            Crypto::DigestChallenge challenge;
            challenge.realm = "3GPP-bootstrapping@naf.lab.example";
            challenge.nonce = "first-layout-" + std::to_string(++m_challenges);
            challenge.algorithm = Crypto::DigestAlgorithm::SHA256;
            challenge.qopOptions = {Crypto::DigestQop::AuthInt};
            Http::HttpAnswer challenged =
                Http::jsonError(401, makeError("naf.authentication_required", "Digest"));
            challenged.headers.append(
                {"WWW-Authenticate",
                 QByteArray::fromStdString(Crypto::serializeDigestChallenge(challenge).value())});
            return challenged;
        }
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        const QString gatewayId = body.value(QStringLiteral("gatewayId")).toString();
        auto csr = Crypto::parseCsr(body.value(QStringLiteral("csr")).toString().toStdString());
        if (!csr)
            return Http::jsonError(400, csr.error());
        Crypto::IssueRequest issue;
        issue.issuerCertificate = &*m_portalCa;
        issue.issuerKey = &*m_portalCaKey;
        issue.subjectPublicKey = &csr->publicKey;
        issue.commonName = gatewayId.toStdString();
        issue.profile = Crypto::CertificateProfile::TlsClient;
        issue.validitySeconds = 3600;
        auto certificate = Crypto::issueCertificate(issue);
        if (!certificate)
            return Http::jsonError(500, certificate.error());
        ++m_issued;
        return Http::jsonAnswer(
            200,
            QJsonDocument(QJsonObject{
                {QStringLiteral("portalUrl"), m_portalApiUrl.toString()},
                {QStringLiteral("portalCaPem"),
                 QString::fromUtf8(Testing::readFile(m_pki.portalCa.certificatePath))},
                {QStringLiteral("certificatePem"), QString::fromStdString(certificate->toPem())},
                {QStringLiteral("notAfter"),
                 QDateTime::fromSecsSinceEpoch(certificate->notAfterUnixSeconds(), Qt::UTC)
                     .toString(Qt::ISODate)}}));
    }

    Crypto::LabPkiPaths m_pki;
    QUrl m_portalApiUrl;
    std::optional<Crypto::Certificate> m_portalCa;
    std::optional<Crypto::PrivateKey> m_portalCaKey;
    std::unique_ptr<Http::HttpServer> m_server;
    int m_challenges = 0;
    int m_issued = 0;
};

// A loopback TCP port held bound but not listening: connections to it are refused, as to a
// portal that is down for its upgrade, and no other socket takes it until release().
class PortReservation
{
public:
    PortReservation()
    {
        m_socket = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0); // not inherited by children
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        if (m_socket < 0 || ::bind(m_socket, reinterpret_cast<sockaddr *>(&address), size) != 0 ||
            ::getsockname(m_socket, reinterpret_cast<sockaddr *>(&address), &size) != 0)
            return;
        m_port = ntohs(address.sin_port);
    }
    ~PortReservation() { release(); }
    PortReservation(const PortReservation &) = delete;
    PortReservation &operator=(const PortReservation &) = delete;
    quint16 port() const { return m_port; }
    void release()
    {
        if (m_socket >= 0)
            ::close(m_socket);
        m_socket = -1;
    }

private:
    int m_socket = -1;
    quint16 m_port = 0;
};

struct Stored
{
    int status = 0;
    int currentInstances = -1;
    QJsonObject oldest;
    QJsonObject latest;
};

} // namespace

class TestPkiUpgrade : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void firstLayoutGatewayReenrolsAndItsDeviceKeepsReporting();

private:
    QString file(const QString &name) const { return m_dir.filePath(name); }
    void run(const QString &program, const QStringList &arguments, QByteArray *output = nullptr);
    QString instanceUrl();
    Stored stored();
    QJsonObject adminGet(const QUrl &url, int *status);

    QTemporaryDir m_dir;
    Crypto::LabPkiPaths m_pki;
    QSslConfiguration m_adminTls;
    Testing::TlsBsf m_bsf;
    std::unique_ptr<Testing::DaemonProcess> m_sim;
    std::unique_ptr<Testing::DaemonProcess> m_gateway;
    std::unique_ptr<Testing::DaemonProcess> m_portald;
};

void TestPkiUpgrade::run(const QString &program, const QStringList &arguments, QByteArray *output)
{
    QByteArray text;
    const int code = Testing::runCommand(program, arguments, &text, 30000, output != nullptr);
    if (output)
        *output = text;
    QVERIFY2(code == 0, (program + QLatin1Char(' ') + arguments.join(QLatin1Char(' '))).toUtf8() +
                            ": " + text);
}

QString TestPkiUpgrade::instanceUrl()
{
    auto store = Store::Store::open(file(QStringLiteral("portal.sqlite")));
    if (!store)
        return {};
    auto device = (*store)->findDevice(kDeviceId);
    if (!device || device->state != Store::DeviceState::Ready || device->instanceId == 0)
        return {};
    auto instance = (*store)->findInstance(device->instanceId);
    return instance ? instance->url : QString();
}

QJsonObject TestPkiUpgrade::adminGet(const QUrl &url, int *status)
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setSslConfiguration(m_adminTls);
    request.setRawHeader("X-M2M-Origin", "Cportal-admin");
    request.setRawHeader("X-M2M-RI", "pki-upgrade");
    QNetworkReply *reply = network.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(10000);
    *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject object = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return object;
}

Stored TestPkiUpgrade::stored()
{
    Stored result;
    const QString url = instanceUrl();
    if (url.isEmpty())
        return result;
    const QString data = url + QStringLiteral("/m2m/%1/data").arg(kDeviceId);
    const QJsonObject container = adminGet(QUrl(data), &result.status);
    result.currentInstances = container.value(QStringLiteral("m2m:cnt"))
                                  .toObject()
                                  .value(QStringLiteral("cni"))
                                  .toInt(-1);
    int status = 0;
    result.oldest = adminGet(QUrl(data + QStringLiteral("/ol")), &status)
                        .value(QStringLiteral("m2m:cin"))
                        .toObject();
    result.latest = adminGet(QUrl(data + QStringLiteral("/la")), &status)
                        .value(QStringLiteral("m2m:cin"))
                        .toObject();
    return result;
}

void TestPkiUpgrade::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto pki = Crypto::LabPki::ensure(file(QStringLiteral("pki")).toStdString());
    QVERIFY(pki.ok());
    m_pki = *pki;
    const Result<void> firstLayout = Testing::writeFirstLayoutPki(m_pki);
    QVERIFY2(firstLayout.ok(), firstLayout.ok() ? "" : firstLayout.error().message.c_str());
    QCOMPARE(QDir(file(QStringLiteral("pki"))).entryList(QDir::Files).size(), 14);

    // An open class (trusted on first attach) on the local template, and one provisioned device.
    const QStringList db{QStringLiteral("--database"), file(QStringLiteral("portal.sqlite"))};
    run(kPortald, QStringList{QStringLiteral("template"), QStringLiteral("add"),
                              QStringLiteral("--name"), QStringLiteral("local-m2m")} +
                      db);
    run(kPortald,
        QStringList{QStringLiteral("class"), QStringLiteral("add"), QStringLiteral("--name"),
                    QStringLiteral("meters"), QStringLiteral("--template"),
                    QStringLiteral("local-m2m"), QStringLiteral("--vendor"), QStringLiteral("acme"),
                    QStringLiteral("--type"), QStringLiteral("meter"), QStringLiteral("--sharing"),
                    QStringLiteral("shared"), QStringLiteral("--enrolment"),
                    QStringLiteral("open")} +
            db);
    m_bsf = Testing::startTlsBsf(kBsf, m_pki, file(QStringLiteral("hss.sqlite")), {kImpi});
    QVERIFY(m_bsf.process);
    QVERIFY(Testing::writeFile(
        file(QStringLiteral("usim.json")),
        QJsonDocument(QJsonObject{{QStringLiteral("impi"), kImpi},
                                  {QStringLiteral("k"), QString::fromLatin1(Testing::kLabKHex)},
                                  {QStringLiteral("opc"), QString::fromLatin1(Testing::kLabOpcHex)},
                                  {QStringLiteral("sqn"), 0}})
            .toJson()));
}

void TestPkiUpgrade::cleanupTestCase()
{
    if (m_gateway)
        QVERIFY2(m_gateway->stop(), m_gateway->output().right(3000).constData());
    if (m_sim)
        QVERIFY2(m_sim->stop(), m_sim->output().constData());
    if (m_portald)
        QVERIFY2(m_portald->stop(20000), m_portald->output().right(3000).constData());
    if (m_bsf.process)
        QVERIFY2(m_bsf.process->stop(), m_bsf.process->output().constData());
}

void TestPkiUpgrade::firstLayoutGatewayReenrolsAndItsDeviceKeepsReporting()
{
    // Before the upgrade: the first layout's NAF enrols the gateway; the portal API is down.
    PortReservation portalPort;
    QVERIFY(portalPort.port() != 0);
    // The device's port, known to the gateway from the start; the device is provisioned once
    // the upgrade made the authority key.
    PortReservation simPort;
    QVERIFY(simPort.port() != 0);
    FirstLayoutNaf firstNaf(
        m_pki, QUrl(QStringLiteral("https://localhost:%1/api/v1").arg(portalPort.port())));
    auto nafPort = firstNaf.listen();
    QVERIFY2(nafPort.ok(), nafPort.ok() ? "" : nafPort.error().message.c_str());
    m_gateway = std::make_unique<Testing::DaemonProcess>(
        kGateway, QStringList{QStringLiteral("--gateway-id"), kGatewayId, QStringLiteral("--usim"),
                              file(QStringLiteral("usim.json")), QStringLiteral("--state-dir"),
                              file(kGatewayId), QStringLiteral("--bsf-url"),
                              QStringLiteral("https://localhost:%1/").arg(m_bsf.process->port()),
                              QStringLiteral("--naf-url"),
                              QStringLiteral("https://localhost:%1/naf/v1/enrol").arg(*nafPort),
                              QStringLiteral("--operator-ca"),
                              QString::fromStdString(m_pki.operatorCa.certificatePath),
                              QStringLiteral("--heartbeat-interval"), QStringLiteral("1"),
                              QStringLiteral("--device"),
                              QStringLiteral("tcp:127.0.0.1:%1").arg(simPort.port())});
    QVERIFY(m_gateway->startWithoutPort());
    QTRY_COMPARE_WITH_TIMEOUT(firstNaf.issued(), 1, 20000);

    // The upgrade, by the portal's own command.
    QByteArray printed;
    run(kPortald,
        {QStringLiteral("pki"), QStringLiteral("init"), QStringLiteral("--pki-dir"),
         file(QStringLiteral("pki"))},
        &printed);
    QVERIFY2(printed.contains("upgraded the lab PKI"), printed.constData());
    QVERIFY2(printed.contains("created the device-authority key"), printed.constData());
    QCOMPARE(QDir(file(QStringLiteral("pki"))).entryList(QDir::Files).size(), 21);

    // The upgraded portald takes over the NAF's and the portal API's ports.
    firstNaf.close();
    portalPort.release();
    m_portald = std::make_unique<Testing::DaemonProcess>(
        kPortald,
        QStringList{QStringLiteral("serve"), QStringLiteral("--pki-dir"),
                    file(QStringLiteral("pki")), QStringLiteral("--database"),
                    file(QStringLiteral("portal.sqlite")), QStringLiteral("--instances-dir"),
                    file(QStringLiteral("instances")), QStringLiteral("--m2m-service-path"),
                    kM2mService, QStringLiteral("--bsf-zn-url"),
                    QStringLiteral("https://localhost:%1/zn").arg(m_bsf.znPort),
                    QStringLiteral("--port"), QString::number(portalPort.port()),
                    QStringLiteral("--naf-port"), QString::number(*nafPort)});
    QVERIFY2(m_portald->start(), m_portald->output().constData());
    QCOMPARE(m_portald->port(), portalPort.port());

    // The device, provisioned with the authority key, on the port the gateway knows.
    QByteArray authority;
    run(kPortald,
        {QStringLiteral("pki"), QStringLiteral("authority-key"), QStringLiteral("--pki-dir"),
         file(QStringLiteral("pki"))},
        &authority);
    const QString state = file(QStringLiteral("meter.state"));
    run(kSim,
        {QStringLiteral("init"), QStringLiteral("--state"), state, QStringLiteral("--device-id"),
         kDeviceId, QStringLiteral("--vendor"), QStringLiteral("acme"), QStringLiteral("--type"),
         QStringLiteral("meter"), QStringLiteral("--subscriber"), QStringLiteral("lab"),
         QStringLiteral("--authority-key"), QString::fromLatin1(authority.trimmed())});
    simPort.release();
    m_sim = std::make_unique<Testing::DaemonProcess>(
        kSim, QStringList{QStringLiteral("serve"), QStringLiteral("--state"), state,
                          QStringLiteral("--interval-ms"), QString::number(kIntervalMs),
                          QStringLiteral("--port"), QString::number(simPort.port())});
    QVERIFY2(m_sim->start(), m_sim->output().constData());

    m_adminTls = QSslConfiguration::defaultConfiguration();
    m_adminTls.setCaCertificates(
        QSslCertificate::fromData(Testing::readFile(m_pki.portalCa.certificatePath)));
    m_adminTls.setLocalCertificate(
        QSslCertificate(Testing::readFile(m_pki.portalAdmin.certificatePath)));
    m_adminTls.setPrivateKey(QSslKey(Testing::readFile(m_pki.portalAdmin.keyPath), QSsl::Ec));

    // The gateway is told to enrol again, does so at the new NAF, and attaches the device: its
    // readings from the first one on are stored as verified.
    QTRY_VERIFY2_WITH_TIMEOUT(m_gateway->output().contains("the portal asks for a new enrolment"),
                              m_gateway->output().right(3000).constData(), 30000);
    Stored now;
    QVERIFY2(
        QTest::qWaitFor(
            [&] {
                now = stored();
                return now.currentInstances >= kStoredAfterUpgrade;
            },
            60000),
        (m_gateway->output().right(3000) + "\n" + m_portald->output().right(3000)).constData());
    QCOMPARE(now.status, 200);
    // st is the reading's counter; -1 when the instance answered no reading.
    const qint64 oldestCounter = now.oldest.value(QStringLiteral("st")).toInteger(-1);
    // Counter 1, the device's first reading: nothing was lost while the gateway re-enrolled.
    QVERIFY2(oldestCounter == 1, QJsonDocument(now.oldest).toJson().constData());
    QVERIFY(now.latest.value(QStringLiteral("st")).toInteger(-1) > oldestCounter);
    for (const QJsonObject &reading : {now.oldest, now.latest})
        QVERIFY(
            reading.value(QStringLiteral("lbl")).toArray().contains(QStringLiteral("verified")));
    QCOMPARE(firstNaf.issued(), 1); // the new enrolment went to the upgraded NAF
    QVERIFY(m_gateway->output().count("enrolled as") >= 2);

    // The portal counted the first-layout certificate it asked to re-enrol.
    auto store = Store::Store::open(file(QStringLiteral("portal.sqlite")));
    QVERIFY(store.ok());
    auto failures = (*store)->authFailures(100);
    QVERIFY(failures.ok());
    const bool counted =
        std::any_of(failures->cbegin(), failures->cend(), [](const Store::AuthFailure &failure) {
            return failure.reason == QLatin1String("portal.reenrol") &&
                   failure.identity == QStringLiteral("CN=") + kGatewayId;
        });
    QVERIFY(counted);
}

QTEST_GUILESS_MAIN(TestPkiUpgrade)
#include "tst_pkiupgrade.moc"
