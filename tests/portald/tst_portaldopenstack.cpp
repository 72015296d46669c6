// iot-portald with `--cloud openstack` against the project's real lab (tests/openstack-lab):
// gateways attach devices over the portal API (client certificates from the lab PKI), the
// portal creates Nova servers from its VM template, and the store follows them to `ready`.
// Nova's fake driver runs no VM, so nothing answers at a server's address: these tests end at
// the instance being ready (devices stay pending, since no M2M service takes their keys), but
// for readingsFlowThroughAMappedInstance, which maps every server's address to an
// iot-m2m-service of its own on 127.0.0.1 (a test-only mapping) and says so.
// Every claim about servers is checked in Nova itself, and the untagged server is made with
// Debian's `openstack` CLI.

#include "tests/support/daemonprocess.h"
#include "tests/support/gatewaytls.h"
#include "tests/support/openstacklab.h"
#include "tests/support/signedreading.h"
#include "tests/support/sshserver.h"

#include <portal-core/cloud/admintls.h>
#include <portal-core/cloud/openstack/cloudsconfig.h>
#include <portal-core/cloud/openstack/keystoneclient.h>
#include <portal-core/cloud/openstack/novaclient.h>
#include <portal-core/cloud/openstack/openstacksession.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/provisioning/sshsession.h>
#include <portal-core/store/store.h>

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace Portal;
using namespace Portal::Cloud::OpenStack;
using Portal::Testing::await;

namespace {

const QString kPortald = QStringLiteral(IOT_PORTALD_PATH);
// The shipped program with a fault injected around its backend (tests/support).
const QString kPortaldWithFaults = QStringLiteral(IOT_PORTALD_WITH_FAULTS_PATH);
const QString kM2mService = QStringLiteral(IOT_M2M_SERVICE_PATH);
constexpr int kCallTimeoutMs = Testing::kOpenStackCallTimeoutMs;
constexpr int kReadyTimeoutMs = 180000;

} // namespace

class TestPortaldOpenStack : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sharedAndDedicatedClassesGetTheirServers();
    void killedAfterCreateAdoptsTheServerOnRestart();
    void vanishedServersAreMarkedNotReplaced();
    void readingsFlowThroughAMappedInstance();
    void quotaExceededFailsCleanly();
    void configuringRunsPuppetThroughTheSshTarget();
    void portalMadeHostKeyNeedsNoTrustDecision();
    void cleanupTestCase();

private:
    std::unique_ptr<Testing::DaemonProcess> startPortald(const QStringList &extraArguments = {},
                                                         const QString &project = QString(),
                                                         const QString &fault = QString(),
                                                         const QString &instanceEndpoint = {});
    int attach(const QString &deviceId, const QString &vendor)
    {
        return Testing::attachDevice(m_gateway, m_portald->port(), deviceId, vendor);
    }
    // A fresh store (m_database) holding the template lab-vm and the classes meters
    // (vendor acme, shared) and valves (vendor valveco, dedicated).
    void prepareStore(const QString &fileName);
    int runCli(const QStringList &arguments);
    // The running portald's log without its retried key pushes (nothing serves at a fake
    // server's address), last 3000 characters.
    QByteArray portaldLog();
    int runOpenStack(const QStringList &arguments, QByteArray *output = nullptr);
    QList<Server> serversTagged();
    // The store's instance of a device (its dedicated one, or its class's shared one).
    std::optional<Store::Instance> instanceOfDevice(const QString &deviceId);
    bool instanceReaches(const QString &deviceId, Store::InstanceState state,
                         int timeoutMs = kReadyTimeoutMs);
    QString deviceId(int n) const
    {
        return m_devicePrefix + QStringLiteral("%1").arg(n, 2, 16, QLatin1Char('0'));
    }

    QTemporaryDir m_dir;
    Crypto::LabPkiPaths m_pki;
    QString m_database;
    QString m_ownerTag;
    QString m_devicePrefix;
    QSslConfiguration m_gateway;
    std::unique_ptr<Testing::DaemonProcess> m_portald;
    std::unique_ptr<Store::Store> m_store;
    std::unique_ptr<KeystoneClient> m_keystone;
    std::unique_ptr<OpenStackSession> m_session;
    std::unique_ptr<NovaClient> m_nova;
    QString m_untaggedServer;
    QString m_quotaProject;
};

std::unique_ptr<Testing::DaemonProcess>
TestPortaldOpenStack::startPortald(const QStringList &extraArguments, const QString &project,
                                   const QString &fault, const QString &instanceEndpoint)
{
    auto portald = std::make_unique<Testing::DaemonProcess>(
        fault.isEmpty() ? kPortald : kPortaldWithFaults,
        QStringList{QStringLiteral("--database"), m_database, QStringLiteral("--pki-dir"),
                    m_dir.filePath(QStringLiteral("pki")), QStringLiteral("--cloud"),
                    QStringLiteral("openstack"), QStringLiteral("--os-cloud"),
                    project.isEmpty() ? QStringLiteral("oslab-demo")
                                      : QStringLiteral("oslab-admin"),
                    QStringLiteral("--owner-tag"), m_ownerTag,
                    // The test-only program does not sit beside iot-m2m-service to find it.
                    QStringLiteral("--m2m-service-path"), kM2mService} +
            extraArguments);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("OS_CLIENT_CONFIG_FILE"),
                       Testing::openStackLabDirectory() + QStringLiteral("/clouds.yaml"));
    if (!project.isEmpty())
        environment.insert(QStringLiteral("OS_PROJECT_NAME"), project);
    if (!fault.isEmpty())
        environment.insert(QStringLiteral("PORTAL_TEST_FAULT"), fault);
    if (!instanceEndpoint.isEmpty())
        environment.insert(QStringLiteral("PORTAL_TEST_INSTANCE_ENDPOINT"), instanceEndpoint);
    portald->process().setProcessEnvironment(environment);
    return portald;
}

void TestPortaldOpenStack::prepareStore(const QString &fileName)
{
    m_store.reset();
    m_database = m_dir.filePath(fileName);
    QCOMPARE(runCli({"template", "add", "--name", "lab-vm", "--image", "cirros-fake", "--flavor",
                     "m1.tiny", "--network", "lab-net", "--security-groups", "default"}),
             0);
    QCOMPARE(runCli({"class", "add", "--name", "meters", "--template", "lab-vm", "--vendor", "acme",
                     "--sharing", "shared", "--enrolment", "open"}),
             0);
    QCOMPARE(runCli({"class", "add", "--name", "valves", "--template", "lab-vm", "--vendor",
                     "valveco", "--sharing", "dedicated", "--enrolment", "open"}),
             0);
    auto store = Store::Store::open(m_database);
    QVERIFY(store);
    m_store = std::move(*store);
}

QByteArray TestPortaldOpenStack::portaldLog()
{
    QByteArray kept;
    for (const QByteArray &line : m_portald->output().split('\n')) {
        if (!line.contains("pushing device"))
            kept += line + '\n';
    }
    return kept.right(3000);
}

int TestPortaldOpenStack::runCli(const QStringList &arguments)
{
    QByteArray output;
    const int code = Testing::runCommand(
        kPortald, arguments + QStringList{QStringLiteral("--database"), m_database}, &output);
    if (code != 0)
        qWarning().noquote() << "iot-portald" << arguments.join(' ') << "->" << code << output;
    return code;
}

int TestPortaldOpenStack::runOpenStack(const QStringList &arguments, QByteArray *output)
{
    QByteArray text;
    const int code =
        Testing::runCommand(QStringLiteral("openstack"), arguments, &text, 120000, true);
    if (code != 0)
        qWarning().noquote() << "openstack" << arguments.join(' ') << "->" << code << text;
    if (output)
        *output = text;
    return code;
}

QList<Server> TestPortaldOpenStack::serversTagged()
{
    auto listed = await<QList<Server>>(
        [&](QObject *context, auto done) { m_nova->listServers(m_ownerTag, context, done); });
    if (!listed || !listed->ok())
        qFatal("listing the servers tagged %s failed", qPrintable(m_ownerTag));
    return **listed;
}

std::optional<Store::Instance> TestPortaldOpenStack::instanceOfDevice(const QString &deviceId)
{
    auto device = m_store->findDevice(deviceId);
    if (!device || device->instanceId == 0)
        return std::nullopt;
    auto instances = m_store->instances();
    if (!instances)
        return std::nullopt;
    for (const Store::Instance &instance : *instances) {
        if (instance.id == device->instanceId)
            return instance;
    }
    return std::nullopt;
}

bool TestPortaldOpenStack::instanceReaches(const QString &deviceId, Store::InstanceState state,
                                           int timeoutMs)
{
    return QTest::qWaitFor(
        [&] {
            const auto instance = instanceOfDevice(deviceId);
            return instance && instance->state == state;
        },
        timeoutMs);
}

void TestPortaldOpenStack::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(Testing::openStackLabDirectory() + QStringLiteral("/clouds.yaml")),
             "no lab clouds.yaml: start the lab with tests/openstack-lab/up.sh");
    // The openstack CLI this test runs finds the lab's clouds the standard way.
    qputenv("OS_CLIENT_CONFIG_FILE",
            (Testing::openStackLabDirectory() + QStringLiteral("/clouds.yaml")).toLocal8Bit());
    const quint32 random = QRandomGenerator::global()->generate();
    m_ownerTag = QStringLiteral("iot-portald-os-%1").arg(random, 8, 16, QLatin1Char('0'));
    m_devicePrefix = QStringLiteral("%1cafe00").arg(random, 8, 16, QLatin1Char('0'));
    auto pki = Crypto::LabPki::ensure(m_dir.filePath(QStringLiteral("pki")).toStdString());
    QVERIFY(pki);
    m_pki = *pki;
    m_gateway = Testing::gatewayTls(m_pki, QStringLiteral("gw-os"));
    QVERIFY(!m_gateway.localCertificate().isNull());
    prepareStore(QStringLiteral("portal.sqlite"));
    if (QTest::currentTestFailed())
        return;

    auto keystone =
        KeystoneClient::create(Testing::openStackLabCloud(QStringLiteral("oslab-demo")));
    QVERIFY(keystone);
    m_keystone = std::move(*keystone);
    m_session = std::make_unique<OpenStackSession>(m_keystone.get());
    m_nova = std::make_unique<NovaClient>(m_session.get());
    m_nova->setPollInterval(300);
}

void TestPortaldOpenStack::sharedAndDedicatedClassesGetTheirServers()
{
    m_portald = startPortald();
    QVERIFY2(m_portald->start(), m_portald->output().constData());
    QElapsedTimer sinceAttach;
    sinceAttach.start();
    for (int n : {1, 2})
        QCOMPARE(attach(deviceId(n), QStringLiteral("acme")), 202);
    for (int n : {3, 4})
        QCOMPARE(attach(deviceId(n), QStringLiteral("valveco")), 202);
    QVERIFY2(instanceReaches(deviceId(3), Store::InstanceState::Ready),
             m_portald->output().right(3000).constData());
    qInfo("attach -> dedicated instance ready (Nova ACTIVE) through the portal: %lld ms",
          static_cast<long long>(sinceAttach.elapsed()));
    for (int n : {1, 2, 4})
        QVERIFY2(instanceReaches(deviceId(n), Store::InstanceState::Ready),
                 m_portald->output().right(3000).constData());
    qInfo("attach -> all 3 instances ready (Nova ACTIVE) through the portal: %lld ms",
          static_cast<long long>(sinceAttach.elapsed()));

    // One server for the shared class, one per valve; each store entry is that server.
    const QList<Server> servers = serversTagged();
    QCOMPARE(servers.size(), 3);
    const auto shared1 = instanceOfDevice(deviceId(1));
    const auto shared2 = instanceOfDevice(deviceId(2));
    const auto valve3 = instanceOfDevice(deviceId(3));
    const auto valve4 = instanceOfDevice(deviceId(4));
    QCOMPARE(shared1->id, shared2->id);
    QVERIFY(valve3->id != valve4->id && valve3->id != shared1->id);
    for (const Store::Instance &instance : {*shared1, *valve3, *valve4}) {
        QCOMPARE(instance.backend, QStringLiteral("openstack"));
        const Server *server = nullptr;
        for (const Server &candidate : servers) {
            if (candidate.metadata.value(QStringLiteral("portal_instance_id")) ==
                QString::number(instance.id))
                server = &candidate;
        }
        QVERIFY2(server, qPrintable(QStringLiteral("no server for instance %1").arg(instance.id)));
        QCOMPARE(server->status, QStringLiteral("ACTIVE"));
        QCOMPARE(server->metadata.value(QStringLiteral("portal_template")),
                 QStringLiteral("lab-vm"));
        const QString address = server->addresses.value(QStringLiteral("lab-net")).value(0);
        QVERIFY(!address.isEmpty());
        QCOMPARE(instance.url, QStringLiteral("https://%1:8443").arg(address));
    }
    // Nothing serves at a fake server's address, so the devices' keys are not pushed yet.
    QCOMPARE(m_store->findDevice(deviceId(1))->state, Store::DeviceState::Pending);

    // Machine actions and the console log through the running portal's queue (what the GUI's
    // buttons ask for), answered by Nova; the instance keeps its place while stopped.
    const auto serverStatus = [&](qint64 instanceId) {
        for (const Server &server : serversTagged()) {
            if (server.metadata.value(QStringLiteral("portal_instance_id")) ==
                QString::number(instanceId))
                return server.status;
        }
        return QString();
    };
    const auto instanceCli = [&](const char *action, QByteArray *output, bool stdoutOnly = true) {
        return Testing::runCommand(kPortald,
                                   {QStringLiteral("instance"), QLatin1String(action),
                                    QStringLiteral("--id"), QString::number(valve4->id),
                                    QStringLiteral("--database"), m_database,
                                    QStringLiteral("--wait-s"), QStringLiteral("60")},
                                   output, 90000, stdoutOnly);
    };
    QByteArray answer;
    QCOMPARE(instanceCli("stop", &answer), 0);
    QVERIFY2(answer.contains("the cloud accepted stop"), answer.constData());
    QVERIFY(QTest::qWaitFor([&] { return serverStatus(valve4->id) == QLatin1String("SHUTOFF"); },
                            kCallTimeoutMs));
    QCOMPARE(instanceOfDevice(deviceId(4))->state, Store::InstanceState::Ready);
    QCOMPARE(instanceCli("start", &answer), 0);
    QVERIFY(QTest::qWaitFor([&] { return serverStatus(valve4->id) == QLatin1String("ACTIVE"); },
                            kCallTimeoutMs));
    QCOMPARE(instanceCli("console", &answer), 0);
    QVERIFY2(!answer.trimmed().isEmpty(), answer.constData());
    // Stopping a stopped server is Nova's 409, passed on with its reason.
    QCOMPARE(instanceCli("stop", &answer), 0);
    QVERIFY(QTest::qWaitFor([&] { return serverStatus(valve4->id) == QLatin1String("SHUTOFF"); },
                            kCallTimeoutMs));
    QVERIFY(instanceCli("stop", &answer, false) != 0);
    QVERIFY2(answer.contains("stop of instance") && answer.contains("409"), answer.constData());
    QCOMPARE(instanceCli("start", &answer), 0);
    QVERIFY(QTest::qWaitFor([&] { return serverStatus(valve4->id) == QLatin1String("ACTIVE"); },
                            kCallTimeoutMs));
    QVERIFY(m_portald->stop(20000));
    m_portald.reset();
    // An orderly stop deletes nothing.
    QCOMPARE(serversTagged().size(), 3);
}

void TestPortaldOpenStack::killedAfterCreateAdoptsTheServerOnRestart()
{
    // A server made by hand in the same project: the portal never owns or touches it.
    QByteArray output;
    QElapsedTimer cliCreate;
    cliCreate.start();
    QCOMPARE(runOpenStack({"--os-cloud", "oslab-demo",
                           "server",     "create",
                           "--image",    "cirros-fake",
                           "--flavor",   "m1.tiny",
                           "--network",  "lab-net",
                           "--property", "portal_owner=" + m_ownerTag,
                           "--property", "portal_instance_id=99",
                           "--wait",     "-f",
                           "value",      "-c",
                           "id",         m_ownerTag + "-by-hand"},
                          &output),
             0);
    m_untaggedServer = QString::fromLatin1(output.trimmed());
    QVERIFY(!m_untaggedServer.isEmpty());
    qInfo("baseline: openstack server create --wait (CLI start-up included) -> ACTIVE: %lld ms",
          static_cast<long long>(cliCreate.elapsed()));

    m_portald = startPortald({}, QString(), QStringLiteral("kill-after-server-create"));
    QVERIFY2(m_portald->start(), m_portald->output().constData());
    QCOMPARE(attach(deviceId(5), QStringLiteral("valveco")), 202);
    QVERIFY(QTest::qWaitFor([&] { return m_portald->process().state() == QProcess::NotRunning; },
                            kCallTimeoutMs));
    QCOMPARE(m_portald->process().exitStatus(), QProcess::CrashExit);
    QVERIFY(m_portald->output().contains("test fault point"));
    const auto placed = instanceOfDevice(deviceId(5));
    QVERIFY(placed);
    QVERIFY(placed->state == Store::InstanceState::Requested ||
            placed->state == Store::InstanceState::Building);
    const auto serversOfInstance = [&] {
        QStringList ids;
        for (const Server &server : serversTagged()) {
            if (server.metadata.value(QStringLiteral("portal_instance_id")) ==
                QString::number(placed->id))
                ids.append(server.id);
        }
        return ids;
    };
    const QStringList created = serversOfInstance();
    QCOMPARE(created.size(), 1); // Nova made it; the portal died before recording anything

    m_portald = startPortald();
    QVERIFY2(m_portald->start(), m_portald->output().constData());
    QVERIFY2(instanceReaches(deviceId(5), Store::InstanceState::Ready),
             m_portald->output().right(3000).constData());
    QCOMPARE(serversOfInstance(), created);
    QCOMPARE(serversTagged().size(), 4);
    QVERIFY(m_portald->stop(20000));
    m_portald.reset();

    QCOMPARE(runOpenStack({"--os-cloud", "oslab-demo", "server", "show", "-f", "value", "-c",
                           "status", m_untaggedServer},
                          &output),
             0);
    QCOMPARE(output.trimmed(), QByteArray("ACTIVE"));
}

void TestPortaldOpenStack::vanishedServersAreMarkedNotReplaced()
{
    const auto valve3 = instanceOfDevice(deviceId(3));
    const auto valve4 = instanceOfDevice(deviceId(4));
    QVERIFY(valve3 && valve4);
    QCOMPARE(valve3->state, Store::InstanceState::Ready);
    const auto serverOf = [&](qint64 instanceId) {
        for (const Server &server : serversTagged()) {
            if (server.metadata.value(QStringLiteral("portal_instance_id")) ==
                QString::number(instanceId))
                return server.id;
        }
        return QString();
    };
    // Deleted behind the portal's back while no portal runs: found at start-up.
    QCOMPARE(runOpenStack(
                 {"--os-cloud", "oslab-demo", "server", "delete", "--wait", serverOf(valve3->id)}),
             0);
    m_portald = startPortald();
    QVERIFY2(m_portald->start(), m_portald->output().constData());
    QVERIFY2(instanceReaches(deviceId(3), Store::InstanceState::Failed, kCallTimeoutMs),
             portaldLog().constData());
    QVERIFY2(instanceOfDevice(deviceId(3))->reason.contains(QLatin1String("vanished")),
             qPrintable(instanceOfDevice(deviceId(3))->reason));
    // The instance is written first, then its devices.
    QVERIFY(QTest::qWaitFor(
        [&] { return m_store->findDevice(deviceId(3))->state == Store::DeviceState::Failed; },
        kCallTimeoutMs));
    // Deleted while the portal runs: found by its next list.
    QCOMPARE(runOpenStack(
                 {"--os-cloud", "oslab-demo", "server", "delete", "--wait", serverOf(valve4->id)}),
             0);
    QVERIFY2(instanceReaches(deviceId(4), Store::InstanceState::Failed, kCallTimeoutMs),
             portaldLog().constData());
    QTest::qWait(3 * 2000);              // three of the backend's list intervals
    QCOMPARE(serversTagged().size(), 2); // neither was made again

    // Reconciliation on demand, through the running portal's queue.
    QByteArray output;
    QCOMPARE(Testing::runCommand(kPortald,
                                 {QStringLiteral("reconcile"), QStringLiteral("--database"),
                                  m_database, QStringLiteral("--wait-s"), QStringLiteral("60")},
                                 &output, 90000, true),
             0);
    const QJsonObject report = QJsonDocument::fromJson(output).object();
    QVERIFY2(
        report.value(QStringLiteral("found")).toArray().contains(instanceOfDevice(deviceId(1))->id),
        output.constData());
    QVERIFY2(
        report.value(QStringLiteral("found")).toArray().contains(instanceOfDevice(deviceId(5))->id),
        output.constData());
    for (const char *key : {"vanished", "removed", "waiting"})
        QVERIFY2(report.value(QLatin1String(key)).toArray().isEmpty(), output.constData());
    QVERIFY(m_portald->stop(20000));
    m_portald.reset();
}

void TestPortaldOpenStack::readingsFlowThroughAMappedInstance()
{
    // Test-only mapping (PORTAL_TEST_INSTANCE_ENDPOINT): Nova's fake driver runs no VM, so the
    // server the portal creates is reached at an iot-m2m-service this test runs on 127.0.0.1,
    // with a server certificate from the portal CA as an instance's would be. Everything else
    // is the OpenStack path: the portal creates the server, waits for ACTIVE, pushes the
    // device's key to "its" service, and the device's signed readings are stored there.
    auto caCertificate = Crypto::Certificate::fromPem(
        Testing::readFile(m_pki.portalCa.certificatePath).toStdString());
    auto caKey =
        Crypto::PrivateKey::fromPem(Testing::readFile(m_pki.portalCa.keyPath).toStdString());
    auto serviceKey = Crypto::PrivateKey::generateP256();
    QVERIFY(caCertificate && caKey && serviceKey);
    const Crypto::PublicKey servicePublicKey = serviceKey->publicKey();
    Crypto::IssueRequest issue;
    issue.issuerCertificate = &*caCertificate;
    issue.issuerKey = &*caKey;
    issue.subjectPublicKey = &servicePublicKey;
    issue.commonName = "mapped-instance";
    issue.ipAddresses = {"127.0.0.1"};
    issue.profile = Crypto::CertificateProfile::TlsServer;
    issue.validitySeconds = 3600;
    auto serviceCertificate = Crypto::issueCertificate(issue);
    QVERIFY(serviceCertificate);
    const QString serviceDir = m_dir.filePath(QStringLiteral("mapped-service"));
    QVERIFY(QDir().mkpath(serviceDir + QStringLiteral("/data")));
    QVERIFY(Testing::writeFile(serviceDir + QStringLiteral("/server.crt"),
                               QByteArray::fromStdString(serviceCertificate->toPem())));
    const Crypto::SecretBytes keyPem = serviceKey->toPem();
    QVERIFY(Testing::writeFile(
        serviceDir + QStringLiteral("/server.key"),
        QByteArray(reinterpret_cast<const char *>(keyPem.data()), qsizetype(keyPem.size()))));
    Testing::DaemonProcess service(
        kM2mService,
        {QStringLiteral("--data-dir"), serviceDir + QStringLiteral("/data"),
         QStringLiteral("--listen"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
         QStringLiteral("0"), QStringLiteral("--tls-cert"),
         serviceDir + QStringLiteral("/server.crt"), QStringLiteral("--tls-key"),
         serviceDir + QStringLiteral("/server.key"), QStringLiteral("--admin-client-ca"),
         QString::fromStdString(m_pki.adminCa.certificatePath), QStringLiteral("--name"),
         QStringLiteral("mapped-instance")});
    QVERIFY2(service.start(), service.output().constData());
    const QString endpoint = QStringLiteral("127.0.0.1:%1").arg(service.port());

    prepareStore(QStringLiteral("mapped.sqlite"));
    if (QTest::currentTestFailed())
        return;
    const QString ownerTag = m_ownerTag + QStringLiteral("-mapped");
    m_portald =
        startPortald({QStringLiteral("--owner-tag"), ownerTag}, QString(), QString(), endpoint);
    QVERIFY2(m_portald->start(), m_portald->output().constData());
    const QString id = deviceId(8);
    const Testing::Device device = Testing::makeDevice(id);
    Testing::AttachAnswer answer;
    QVERIFY2(
        QTest::qWaitFor(
            [&] {
                answer = Testing::attachDeviceWithKey(
                    m_gateway, m_portald->port(), id, QStringLiteral("valveco"),
                    device.publicKey.toBase64(), QStringLiteral("meter"),
                    [&](const QByteArray &proven) { return Testing::signEs256(device, proven); });
                return answer.status == 200;
            },
            kReadyTimeoutMs),
        m_portald->output().right(3000).constData());
    QCOMPARE(answer.json.value(QStringLiteral("instanceUrl")).toString(),
             QStringLiteral("https://") + endpoint);
    const QByteArray credential =
        answer.json.value(QStringLiteral("credential")).toString().toLatin1();
    QVERIFY(!credential.isEmpty());
    // The portal really made (only) this instance's server, and it is ACTIVE.
    auto listed = await<QList<Server>>(
        [&](QObject *context, auto done) { m_nova->listServers(ownerTag, context, done); });
    QVERIFY(listed && listed->ok());
    QCOMPARE((*listed)->size(), 1);
    const Server server = (*listed)->first();
    QCOMPARE(server.status, QStringLiteral("ACTIVE"));
    QVERIFY(m_portald->output().contains("test-only: server " + server.id.toLatin1()));

    QNetworkAccessManager network;
    QSslConfiguration gatewayTls = QSslConfiguration::defaultConfiguration();
    gatewayTls.setCaCertificates(
        QSslCertificate::fromData(Testing::readFile(m_pki.portalCa.certificatePath)));
    const auto post = [&](const QByteArray &cose) {
        QNetworkRequest request(QUrl(QStringLiteral("https://%1/m2m/%2/data").arg(endpoint, id)));
        request.setSslConfiguration(gatewayTls);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json;ty=4"));
        request.setRawHeader("X-M2M-Origin", "Cgw-os");
        request.setRawHeader("X-M2M-RI", "os-reading");
        request.setRawHeader("Authorization", "Bearer " + credential);
        QNetworkReply *reply = network.post(request, Testing::readingBody(cose));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        finished.wait(10000);
        reply->deleteLater();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    };
    constexpr int kReadings = 10;
    for (quint32 counter = 1; counter <= kReadings; ++counter)
        QCOMPARE(post(Testing::signReading(device, counter, 200 + qint32(counter))), 201);
    // A reading signed by another key is refused and not stored.
    const Testing::Device impostor = Testing::makeDevice(id);
    QCOMPARE(post(Testing::signReading(impostor, kReadings + 1, 1)), 400);

    auto adminTls =
        Cloud::makeAdminTlsConfiguration({QString::fromStdString(m_pki.portalAdmin.certificatePath),
                                          QString::fromStdString(m_pki.portalAdmin.keyPath),
                                          QString::fromStdString(m_pki.portalCa.certificatePath)});
    QVERIFY(adminTls);
    QNetworkAccessManager adminNetwork; // its own connections: the admin's client certificate
    QNetworkRequest containerRequest(
        QUrl(QStringLiteral("https://%1/m2m/%2/data").arg(endpoint, id)));
    containerRequest.setSslConfiguration(*adminTls);
    containerRequest.setRawHeader("X-M2M-Origin", "Cportal-admin");
    containerRequest.setRawHeader("X-M2M-RI", "os-container");
    QNetworkReply *reply = adminNetwork.get(containerRequest);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(10000));
    reply->deleteLater();
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    const QJsonObject container = QJsonDocument::fromJson(reply->readAll())
                                      .object()
                                      .value(QStringLiteral("m2m:cnt"))
                                      .toObject();
    QCOMPARE(container.value(QStringLiteral("cni")).toInt(), kReadings);
    qInfo("%d verified readings stored through OpenStack server %s (mapped to %s)", kReadings,
          qPrintable(server.id), qPrintable(endpoint));

    QVERIFY(m_portald->stop(20000));
    m_portald.reset();
    QVERIFY(service.stop());
    await<NovaClient::Done>([&](QObject *c, auto d) { m_nova->deleteServer(server.id, c, d); });
}

void TestPortaldOpenStack::quotaExceededFailsCleanly()
{
    // A project of its own with an instance quota of 0, so other users of the lab are not
    // touched; the lab's admin user works in it.
    m_quotaProject = m_ownerTag + QStringLiteral("-quota");
    QCOMPARE(runOpenStack({"--os-cloud", "oslab-admin", "project", "create", "--domain", "default",
                           m_quotaProject}),
             0);
    QCOMPARE(runOpenStack({"--os-cloud", "oslab-admin", "role", "add", "--project", m_quotaProject,
                           "--user", "admin", "member"}),
             0);
    QCOMPARE(runOpenStack(
                 {"--os-cloud", "oslab-admin", "quota", "set", "--instances", "0", m_quotaProject}),
             0);
    // A store of its own: the demo project's instances would look vanished from this
    // project, and the portal would (rightly) mark them failed.
    prepareStore(QStringLiteral("quota.sqlite"));
    if (QTest::currentTestFailed())
        return;
    m_portald = startPortald({}, m_quotaProject);
    QVERIFY2(m_portald->start(), m_portald->output().constData());
    QCOMPARE(attach(deviceId(6), QStringLiteral("valveco")), 202);
    QVERIFY2(instanceReaches(deviceId(6), Store::InstanceState::Failed, kCallTimeoutMs),
             m_portald->output().right(3000).constData());
    const auto failed = instanceOfDevice(deviceId(6));
    QVERIFY2(failed->reason.contains(QLatin1String("uota")), qPrintable(failed->reason));
    QVERIFY2(failed->reason.contains(QLatin1String("instances")), qPrintable(failed->reason));
    QVERIFY(QTest::qWaitFor(
        [&] { return m_store->findDevice(deviceId(6))->state == Store::DeviceState::Failed; },
        kCallTimeoutMs));
    // The instances of the demo project are as they were: no server was made, none removed.
    QCOMPARE(serversTagged().size(), 2);
    QVERIFY(m_portald->stop(20000));
    m_portald.reset();
}

void TestPortaldOpenStack::configuringRunsPuppetThroughTheSshTarget()
{
    // Nova's fake driver runs no VM, so nothing listens at a server's address: the portal is
    // told to configure every instance through --ssh-target, here a real sshd on 127.0.0.1
    // logging in to this machine. Everything else is the OpenStack path.
    Testing::SshServer sshd;
    QVERIFY2(sshd.start(), sshd.output().constData());
    const QString knownHosts = m_dir.filePath(QStringLiteral("known_hosts"));
    Provisioning::SshTarget target;
    target.host = QStringLiteral("127.0.0.1");
    target.port = sshd.port();
    target.user = sshd.userName();
    target.knownHostsPath = knownHosts;
    QVERIFY(Provisioning::SshSession::trustHostKey(target, sshd.hostKeyFingerprint()).ok());

    prepareStore(QStringLiteral("puppet.sqlite"));
    if (QTest::currentTestFailed())
        return;
    const QString configured = m_dir.filePath(QStringLiteral("configured"));
    QVERIFY(QDir().mkpath(configured));
    QFile puppet(m_dir.filePath(QStringLiteral("puppet.json")));
    QVERIFY(puppet.open(QIODevice::WriteOnly));
    puppet.write(
        QJsonDocument(
            QJsonObject{{"portalFilesDir", configured},
                        {"files", QJsonArray{QJsonObject{{"path", configured + "/m2m-service.conf"},
                                                         {"content", "listen 8443\n"}}}}})
            .toJson());
    puppet.close();
    QCOMPARE(
        runCli({"template", "add", "--name", "lab-puppet", "--image", "cirros-fake", "--flavor",
                "m1.tiny", "--network", "lab-net", "--puppet-file", puppet.fileName()}),
        0);
    QCOMPARE(runCli({"class", "add", "--name", "puppeted", "--template", "lab-puppet", "--vendor",
                     "puppetco", "--sharing", "dedicated", "--enrolment", "open"}),
             0);
    // An owner tag of its own: this store's instance ids start at 1 again, and servers of the
    // first store's owner tag would rightly be adopted or removed by this portal.
    const QString ownerTag = m_ownerTag + QStringLiteral("-puppet");
    m_portald =
        startPortald({QStringLiteral("--owner-tag"), ownerTag, QStringLiteral("--ssh-target"),
                      QStringLiteral("%1@127.0.0.1:%2").arg(sshd.userName()).arg(sshd.port()),
                      QStringLiteral("--ssh-key"), sshd.userKeyPath(),
                      QStringLiteral("--known-hosts"), knownHosts});
    QVERIFY2(m_portald->start(), m_portald->output().constData());
    QCOMPARE(attach(deviceId(7), QStringLiteral("puppetco")), 202);
    QVERIFY2(instanceReaches(deviceId(7), Store::InstanceState::Ready),
             m_portald->output().right(3000).constData());
    const auto instance = instanceOfDevice(deviceId(7));
    QCOMPARE(Testing::readFile(configured + QStringLiteral("/m2m-service.conf")),
             QByteArray("listen 8443\n"));
    QCOMPARE(Testing::readFile(configured +
                               QStringLiteral("/instance-%1/portal-ca.pem").arg(instance->id)),
             Testing::readFile(m_pki.portalCa.certificatePath));
    QStringList actions;
    auto log = m_store->auditLog(1000);
    QVERIFY(log);
    for (const Store::AuditEntry &entry : *log) {
        if (entry.subject == QStringLiteral("instance:%1").arg(instance->id))
            actions.append(entry.action);
    }
    QVERIFY2(actions.contains(QStringLiteral("instance.configuring")) &&
                 actions.contains(QStringLiteral("instance.puppet_applied")),
             qPrintable(actions.join(' ')));
    QVERIFY(m_portald->stop(20000));
    m_portald.reset();
    auto listed = await<QList<Server>>(
        [&](QObject *context, auto done) { m_nova->listServers(ownerTag, context, done); });
    QVERIFY(listed && listed->ok());
    QCOMPARE((*listed)->size(), 1);
    const Server server = (*listed)->first();
    await<NovaClient::Done>([&](QObject *c, auto d) { m_nova->deleteServer(server.id, c, d); });
    QCOMPARE(server.status, QStringLiteral("ACTIVE"));
    QCOMPARE(server.metadata.value(QStringLiteral("portal_instance_id")),
             QString::number(instance->id));
}

void TestPortaldOpenStack::portalMadeHostKeyNeedsNoTrustDecision()
{
    // Nova's fake driver runs no VM and no cloud-init, so this test plays the booting server:
    // it reads the host key the portal gave the server out of the server's user data (Nova's
    // admin API), and starts an sshd with that key, as cloud-init would have set up the
    // server's own. The portal reaches every server at 127.0.0.1 (test-only mapping) with
    // --instance-ssh-user and configures it without anyone deciding to trust a key.
    Testing::SshServer sshd;
    QVERIFY2(sshd.prepare(), sshd.output().constData());
    prepareStore(QStringLiteral("hostkey.sqlite"));
    if (QTest::currentTestFailed())
        return;
    const QString configured = m_dir.filePath(QStringLiteral("hostkey-configured"));
    QVERIFY(QDir().mkpath(configured));
    QFile puppet(m_dir.filePath(QStringLiteral("hostkey-puppet.json")));
    QVERIFY(puppet.open(QIODevice::WriteOnly));
    puppet.write(
        QJsonDocument(QJsonObject{{"portalFilesDir", configured},
                                  {"files", QJsonArray{QJsonObject{{"path", configured + "/motd"},
                                                                   {"content", "keyed\n"}}}}})
            .toJson());
    puppet.close();
    QCOMPARE(runCli({"template", "add", "--name", "lab-keyed", "--image", "cirros-fake", "--flavor",
                     "m1.tiny", "--network", "lab-net", "--puppet-file", puppet.fileName()}),
             0);
    QCOMPARE(runCli({"class", "add", "--name", "keyed", "--template", "lab-keyed", "--vendor",
                     "keyco", "--sharing", "dedicated", "--enrolment", "open"}),
             0);
    const QString knownHosts = m_dir.filePath(QStringLiteral("hostkey_known_hosts"));
    const QString ownerTag = m_ownerTag + QStringLiteral("-keyed");
    m_portald = startPortald({QStringLiteral("--owner-tag"), ownerTag,
                              QStringLiteral("--instance-ssh-user"), sshd.userName(),
                              QStringLiteral("--instance-ssh-port"), QString::number(sshd.port()),
                              QStringLiteral("--ssh-key"), sshd.userKeyPath(),
                              QStringLiteral("--known-hosts"), knownHosts},
                             QString(), QString(), QStringLiteral("127.0.0.1:8443"));
    QVERIFY2(m_portald->start(), m_portald->output().constData());
    QCOMPARE(attach(deviceId(9), QStringLiteral("keyco")), 202);

    Server server;
    QVERIFY(QTest::qWaitFor(
        [&] {
            auto listed = await<QList<Server>>(
                [&](QObject *context, auto done) { m_nova->listServers(ownerTag, context, done); });
            if (!listed || !listed->ok() || (*listed)->isEmpty())
                return false;
            server = (*listed)->first();
            return server.status == QLatin1String("ACTIVE");
        },
        kReadyTimeoutMs));
    const QString publicKey = server.metadata.value(QStringLiteral("portal_ssh_host_key"));
    QVERIFY2(publicKey.startsWith(QLatin1String("ssh-ed25519 ")), qPrintable(publicKey));
    QByteArray shown;
    QCOMPARE(runOpenStack({"--os-cloud", "oslab-admin", "--os-compute-api-version", "2.3", "server",
                           "show", "-f", "json", server.id},
                          &shown),
             0);
    const QByteArray userData =
        QByteArray::fromBase64(QJsonDocument::fromJson(shown)
                                   .object()
                                   .value(QStringLiteral("OS-EXT-SRV-ATTR:user_data"))
                                   .toString()
                                   .toLatin1());
    QVERIFY2(userData.startsWith("#cloud-config\n"), userData.left(200).constData());
    QVERIFY(userData.contains("ed25519_public: " + publicKey.toUtf8()));
    QByteArray privateKey;
    bool inKey = false;
    for (const QByteArray &line : userData.split('\n')) {
        if (line.startsWith("  ed25519_private: |")) {
            inKey = true;
        } else if (inKey && line.startsWith("    ")) {
            privateKey += line.mid(4) + '\n';
        } else {
            inKey = false;
        }
    }
    QVERIFY2(privateKey.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"), userData.constData());
    QVERIFY(sshd.useHostKey(privateKey));
    QVERIFY2(sshd.start(), sshd.output().constData());
    QCOMPARE(sshd.hostKeyFingerprint(), Provisioning::publicKeyFingerprint(publicKey));

    QVERIFY2(instanceReaches(deviceId(9), Store::InstanceState::Ready), portaldLog().constData());
    QCOMPARE(Testing::readFile(configured + QStringLiteral("/motd")), QByteArray("keyed\n"));
    const QByteArray recorded = Testing::readFile(knownHosts);
    QVERIFY2(recorded.contains(QStringLiteral("[127.0.0.1]:%1 %2")
                                   .arg(sshd.port())
                                   .arg(publicKey.section(QLatin1Char(' '), 0, 1))
                                   .toUtf8()),
             recorded.constData());
    const auto instance = instanceOfDevice(deviceId(9));
    QStringList actions;
    const auto log = m_store->auditLog(1000);
    QVERIFY(log);
    for (const Store::AuditEntry &entry : *log) {
        if (entry.subject == QStringLiteral("instance:%1").arg(instance->id))
            actions.prepend(entry.action);
    }
    const int recordedAt = actions.indexOf(QStringLiteral("instance.host_key_recorded"));
    const int appliedAt = actions.indexOf(QStringLiteral("instance.puppet_applied"));
    QVERIFY2(recordedAt >= 0 && appliedAt > recordedAt, qPrintable(actions.join(' ')));

    // Deleting the instance (the GUI's Delete…) takes its server out of Nova and its row out
    // of the store; its device fails, to be placed anew at its next attach.
    QByteArray answer;
    QCOMPARE(Testing::runCommand(kPortald,
                                 {QStringLiteral("instance"), QStringLiteral("delete"),
                                  QStringLiteral("--id"), QString::number(instance->id),
                                  QStringLiteral("--database"), m_database,
                                  QStringLiteral("--wait-s"), QStringLiteral("60")},
                                 &answer, 90000, true),
             0);
    QVERIFY2(answer.contains("deleted"), answer.constData());
    QCOMPARE(m_store->findInstance(instance->id).error().code, std::string("store.not_found"));
    QCOMPARE(m_store->findDevice(deviceId(9))->state, Store::DeviceState::Failed);
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     auto listed = await<QList<Server>>([&](QObject *context, auto done) {
                         m_nova->listServers(ownerTag, context, done);
                     });
                     return listed && listed->ok() && (*listed)->isEmpty();
                 },
                 kCallTimeoutMs),
             portaldLog().right(3000).constData());
    QVERIFY(m_portald->stop(20000));
    m_portald.reset();
    sshd.stop();
}

void TestPortaldOpenStack::cleanupTestCase()
{
    if (m_portald)
        m_portald->stop(20000);
    m_portald.reset();
    if (!m_nova)
        return;
    QStringList ids;
    for (const Server &server : serversTagged())
        ids.append(server.id);
    if (!m_untaggedServer.isEmpty())
        ids.append(m_untaggedServer);
    for (const QString &id : ids)
        await<NovaClient::Done>([&](QObject *c, auto d) { m_nova->deleteServer(id, c, d); });
    if (!m_quotaProject.isEmpty())
        runOpenStack({"--os-cloud", "oslab-admin", "project", "delete", m_quotaProject});
}

QTEST_GUILESS_MAIN(TestPortaldOpenStack)
#include "tst_portaldopenstack.moc"
