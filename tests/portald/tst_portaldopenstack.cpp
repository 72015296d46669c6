// iot-portald with `--cloud openstack` against the project's real lab (tests/openstack-lab):
// gateways attach devices over the portal API (client certificates from the lab PKI), the
// portal creates Nova servers from its VM template, and the store follows them to `ready`.
// Nova's fake driver runs no VM, so nothing answers at a server's address: these tests end at
// the instance being ready (devices stay pending, since no M2M service takes their keys).
// Every claim about servers is checked in Nova itself, and the untagged server is made with
// Debian's `openstack` CLI.

#include "tests/support/daemonprocess.h"
#include "tests/support/gatewaytls.h"
#include "tests/support/openstacklab.h"
#include "tests/support/sshserver.h"

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
    void quotaExceededFailsCleanly();
    void configuringRunsPuppetThroughTheSshTarget();
    void cleanupTestCase();

private:
    std::unique_ptr<Testing::DaemonProcess> startPortald(const QStringList &extraArguments = {},
                                                         const QString &project = QString(),
                                                         const QString &fault = QString());
    int attach(const QString &deviceId, const QString &vendor)
    {
        return Testing::attachDevice(m_gateway, m_portald->port(), deviceId, vendor);
    }
    // A fresh store (m_database) holding the template lab-vm and the classes meters
    // (vendor acme, shared) and valves (vendor valveco, dedicated).
    void prepareStore(const QString &fileName);
    int runCli(const QStringList &arguments);
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
                                   const QString &fault)
{
    auto portald = std::make_unique<Testing::DaemonProcess>(
        kPortald, QStringList{QStringLiteral("--database"), m_database, QStringLiteral("--pki-dir"),
                              m_dir.filePath(QStringLiteral("pki")), QStringLiteral("--cloud"),
                              QStringLiteral("openstack"), QStringLiteral("--os-cloud"),
                              project.isEmpty() ? QStringLiteral("oslab-demo")
                                                : QStringLiteral("oslab-admin"),
                              QStringLiteral("--owner-tag"), m_ownerTag} +
                      extraArguments);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("OS_CLIENT_CONFIG_FILE"),
                       Testing::openStackLabDirectory() + QStringLiteral("/clouds.yaml"));
    if (!project.isEmpty())
        environment.insert(QStringLiteral("OS_PROJECT_NAME"), project);
    if (!fault.isEmpty())
        environment.insert(QStringLiteral("PORTAL_TEST_FAULT"), fault);
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
    // project, and the portal would (rightly) try to make them again.
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
    QCOMPARE(serversTagged().size(), 4);
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
