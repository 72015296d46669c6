// The `openstack` CloudBackend against the project's real lab (tests/openstack-lab). Every
// claim is checked through Nova itself (NovaClient, tested on its own in tst_openstack), not
// through the backend's own view. Nova's fake driver runs no VM: Running here means Nova
// reports ACTIVE with an address; nothing answers there.

#include "tests/support/openstacklab.h"

#include <portal-core/cloud/openstack/cloudsconfig.h>
#include <portal-core/cloud/openstack/keystoneclient.h>
#include <portal-core/cloud/openstack/novaclient.h>
#include <portal-core/cloud/openstack/openstackbackend.h>
#include <portal-core/cloud/openstack/openstacksession.h>
#include <portal-core/cloud/openstack/resourcelookup.h>

#include <QJsonArray>
#include <QRandomGenerator>
#include <QtTest>

#include <optional>

using namespace Portal;
using namespace Portal::Cloud;
using namespace Portal::Cloud::OpenStack;
using Portal::Testing::await;
using Portal::Testing::describe;

namespace {

Portal::Cloud::InstanceSpec makeSpec(qint64 instanceId, const QString &ownerTag,
                                     const QString &templateName, const QJsonObject &templateSpec)
{
    Portal::Cloud::InstanceSpec spec;
    spec.instanceId = instanceId;
    spec.ownerTag = ownerTag;
    spec.templateName = templateName;
    spec.templateSpec = templateSpec;
    return spec;
}

constexpr int kCallTimeoutMs = Testing::kOpenStackCallTimeoutMs;
constexpr int kActiveTimeoutMs = 120000;

CloudConfig demoCloud()
{
    return Testing::openStackLabCloud(QStringLiteral("oslab-demo"));
}

QJsonObject labTemplate()
{
    return QJsonObject{{"image", "cirros-fake"},
                       {"flavor", "m1.tiny"},
                       {"network", "lab-net"},
                       {"securityGroups", QJsonArray{"default"}},
                       {"userData", "#cloud-config\nhostname: portal-backend-test\n"},
                       {"class", "meters"}};
}

} // namespace

class TestOpenStackBackend : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void lifeCycle();
    void restartAdoptsInsteadOfCreatingTwice();
    void missingResourcesAreNamed_data();
    void missingResourcesAreNamed();
    void refusals();
    void userDataCarriesThePortalsHostKey_data();
    void userDataCarriesThePortalsHostKey();
    void cleanupTestCase();

private:
    std::unique_ptr<OpenStackBackend> makeBackend() const;
    QList<Server> serversTagged(const QString &tag);
    void removeServer(const QString &serverId);

    QString m_ownerTag;
    std::unique_ptr<KeystoneClient> m_keystone;
    std::unique_ptr<OpenStackSession> m_session;
    std::unique_ptr<NovaClient> m_nova;
};

std::unique_ptr<OpenStackBackend> TestOpenStackBackend::makeBackend() const
{
    OpenStackBackendConfig config;
    config.cloud = demoCloud();
    config.ownerTag = m_ownerTag;
    config.pollIntervalMs = 300;
    auto backend = OpenStackBackend::create(config);
    if (!backend)
        qFatal("%s", describe(backend.error()));
    return std::move(*backend);
}

void TestOpenStackBackend::initTestCase()
{
    QVERIFY2(QFile::exists(Testing::openStackLabDirectory() + "/clouds.yaml"),
             "no lab clouds.yaml: start the lab with tests/openstack-lab/up.sh");
    m_ownerTag = QStringLiteral("iot-portal-obt-%1")
                     .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    auto keystone = KeystoneClient::create(demoCloud());
    QVERIFY2(keystone.ok(), describe(keystone));
    m_keystone = std::move(*keystone);
    m_session = std::make_unique<OpenStackSession>(m_keystone.get());
    m_nova = std::make_unique<NovaClient>(m_session.get());
    m_nova->setPollInterval(200);
}

QList<Server> TestOpenStackBackend::serversTagged(const QString &tag)
{
    auto listed = await<QList<Server>>(
        [&](QObject *context, auto done) { m_nova->listServers(tag, context, done); });
    if (!listed || !listed->ok())
        qFatal("listing servers failed");
    return **listed;
}

void TestOpenStackBackend::removeServer(const QString &serverId)
{
    auto removed =
        await<NovaClient::Done>([&](QObject *c, auto d) { m_nova->deleteServer(serverId, c, d); });
    QVERIFY(removed.has_value());
    QVERIFY2(removed->ok() || removed->error().code == "openstack.not_found", describe(*removed));
    auto gone = await<Server>([&](QObject *c, auto d) {
        m_nova->waitForStatus(serverId, "DELETED", kActiveTimeoutMs, c, d);
    });
    QVERIFY(gone.has_value());
    QVERIFY2(gone->ok(), describe(*gone));
}

void TestOpenStackBackend::lifeCycle()
{
    // A server the portal does not own: same metadata, but no owner tag. Never listed.
    auto image = await<NamedResource>([&](QObject *context, auto done) {
        ResourceLookup(m_session.get()).findImage("cirros-fake", context, done);
    });
    auto flavor = await<Flavor>(
        [&](QObject *context, auto done) { m_nova->findFlavor("m1.tiny", context, done); });
    QVERIFY(image.has_value() && image->ok() && flavor.has_value() && flavor->ok());
    ServerCreateRequest foreign;
    foreign.name = m_ownerTag + "-foreign";
    foreign.imageId = (*image)->id;
    foreign.flavorId = (*flavor)->id;
    foreign.networks = ServerCreateRequest::Networks::None;
    foreign.metadata = {{"portal_owner", m_ownerTag}, {"portal_instance_id", "99"}};
    auto foreignServer = await<Server>(
        [&](QObject *context, auto done) { m_nova->createServer(foreign, context, done); });
    QVERIFY(foreignServer.has_value());
    QVERIFY2(foreignServer->ok(), describe(*foreignServer));

    auto backend = makeBackend();
    QCOMPARE(backend->name(), QString("openstack"));
    QSignalSpy changes(backend.get(), &CloudBackend::statusChanged);
    QVERIFY(backend->create(makeSpec(1, m_ownerTag, "meters-vm", labTemplate())));
    QCOMPARE(backend->status(1).state, InstanceStatus::State::Building);
    QVERIFY(QTest::qWaitFor(
        [&] {
            const auto state = backend->status(1).state;
            return state == InstanceStatus::State::Running ||
                   state == InstanceStatus::State::Failed;
        },
        kActiveTimeoutMs));
    const InstanceStatus running = backend->status(1);
    QVERIFY2(running.state == InstanceStatus::State::Running, qPrintable(running.reason));
    QVERIFY2(running.url.startsWith("https://192.0.2."), qPrintable(running.url));
    QVERIFY(running.url.endsWith(":8443"));
    QCOMPARE(running.port, OpenStackBackend::kDefaultAdminPort);
    QVERIFY(changes.count() >= 2);
    QCOMPARE(changes.last().value(0).toLongLong(), qint64(1));

    // What Nova itself holds for the server.
    const QString serverId = backend->serverId(1);
    auto shown = await<Server>(
        [&](QObject *context, auto done) { m_nova->showServer(serverId, context, done); });
    QVERIFY(shown.has_value());
    QVERIFY2(shown->ok(), describe(*shown));
    QCOMPARE((*shown)->status, QString("ACTIVE"));
    QVERIFY((*shown)->tags.contains(m_ownerTag));
    QCOMPARE((*shown)->metadata.value("portal_owner"), m_ownerTag);
    QCOMPARE((*shown)->metadata.value("portal_instance_id"), QString("1"));
    QCOMPARE((*shown)->metadata.value("portal_class"), QString("meters"));
    QCOMPARE((*shown)->metadata.value("portal_template"), QString("meters-vm"));
    QVERIFY(!QUuid::fromString((*shown)->metadata.value("portal_client_token")).isNull());
    QVERIFY(running.url.contains((*shown)->addresses.value("lab-net").value(0)));

    QVERIFY(QTest::qWaitFor(
        [&] {
            auto owned = backend->listByOwner(m_ownerTag);
            return owned.ok() && *owned == QList<qint64>{1};
        },
        kCallTimeoutMs));
    auto otherOwner = backend->listByOwner(m_ownerTag + "-x");
    QVERIFY(!otherOwner.ok());
    QCOMPARE(otherOwner.error().code, std::string("cloud.owner_mismatch"));

    // Admin actions through the backend, each checked in Nova's own view of the server.
    const auto act = [&](CloudBackend::Action action) {
        std::optional<Result<void>> answer;
        QObject context;
        backend->act(1, action, &context, [&answer](const Result<void> &done) { answer = done; });
        if (!QTest::qWaitFor([&] { return answer.has_value(); }, kCallTimeoutMs))
            return Result<void>(makeError("test.timeout", "no answer to the action"));
        return *answer;
    };
    const auto novaStatusBecomes = [&](const QString &status) {
        auto reached = await<Server>([&](QObject *c, auto d) {
            m_nova->waitForStatus(serverId, status, kActiveTimeoutMs, c, d);
        });
        return reached.has_value() && reached->ok();
    };
    auto stopped = act(CloudBackend::Action::Stop);
    QVERIFY2(stopped.ok(), describe(stopped));
    QVERIFY(novaStatusBecomes("SHUTOFF"));
    QVERIFY(
        QTest::qWaitFor([&] { return backend->status(1).state == InstanceStatus::State::Stopped; },
                        kCallTimeoutMs));
    QVERIFY(backend->status(1).url.isEmpty());
    auto started = act(CloudBackend::Action::Start);
    QVERIFY2(started.ok(), describe(started));
    QVERIFY(novaStatusBecomes("ACTIVE"));
    QVERIFY(
        QTest::qWaitFor([&] { return backend->status(1).state == InstanceStatus::State::Running; },
                        kCallTimeoutMs));
    auto rebooted = act(CloudBackend::Action::HardReboot);
    QVERIFY2(rebooted.ok(), describe(rebooted));
    QVERIFY(novaStatusBecomes("ACTIVE"));
    // Starting a running server is Nova's 409, passed on typed.
    auto startedTwice = act(CloudBackend::Action::Start);
    QVERIFY(!startedTwice.ok());
    QVERIFY2(startedTwice.error().code == "openstack.conflict", describe(startedTwice));
    std::optional<Result<QString>> console;
    {
        QObject context;
        backend->consoleLog(1, 20, &context,
                            [&console](const Result<QString> &log) { console = log; });
        QVERIFY(QTest::qWaitFor([&] { return console.has_value(); }, kCallTimeoutMs));
    }
    QVERIFY2(console->ok(), describe(*console));
    QVERIFY(!(*console)->isEmpty()); // the fake driver's canned console text
    std::optional<Result<void>> unknown;
    {
        QObject context;
        backend->act(424242, CloudBackend::Action::Stop, &context,
                     [&unknown](const Result<void> &done) { unknown = done; });
        QVERIFY(QTest::qWaitFor([&] { return unknown.has_value(); }, kCallTimeoutMs));
    }
    QCOMPARE(unknown->error().code, std::string("cloud.not_found"));

    QVERIFY(backend->remove(1));
    QCOMPARE(backend->status(1).state, InstanceStatus::State::Missing);
    auto gone = await<Server>([&](QObject *c, auto d) {
        m_nova->waitForStatus(serverId, "DELETED", kActiveTimeoutMs, c, d);
    });
    QVERIFY(gone.has_value());
    QVERIFY2(gone->ok(), describe(*gone));
    // Nova shows DELETED a moment before the list stops carrying the server.
    QVERIFY(QTest::qWaitFor([&] { return serversTagged(m_ownerTag).isEmpty(); }, kCallTimeoutMs));
    QTest::qWait(1000); // a few polls after the deletion
    QCOMPARE(backend->status(1).state, InstanceStatus::State::Missing);
    auto owned = backend->listByOwner(m_ownerTag);
    QVERIFY2(owned.ok(), describe(owned));
    QVERIFY(owned->isEmpty());

    // The untagged server was never touched.
    auto foreignAfter = await<Server>([&](QObject *context, auto done) {
        m_nova->showServer((*foreignServer)->id, context, done);
    });
    QVERIFY(foreignAfter.has_value());
    QVERIFY2(foreignAfter->ok(), describe(*foreignAfter));
    removeServer((*foreignServer)->id);
}

void TestOpenStackBackend::restartAdoptsInsteadOfCreatingTwice()
{
    QString firstServerId;
    {
        auto first = makeBackend();
        QVERIFY(first->create(makeSpec(2, m_ownerTag, "meters-vm", labTemplate())));
        QVERIFY(QTest::qWaitFor([&] { return !first->serverId(2).isEmpty(); }, kCallTimeoutMs));
        firstServerId = first->serverId(2);
        first->shutdown(); // the portal stops (or dies) before the server is ACTIVE
    }
    auto second = makeBackend();
    QVERIFY(QTest::qWaitFor([&] { return second->listByOwner(m_ownerTag).ok(); }, kCallTimeoutMs));
    QCOMPARE(*second->listByOwner(m_ownerTag), QList<qint64>{2});
    QVERIFY(second->create(makeSpec(2, m_ownerTag, "meters-vm", labTemplate())));
    QVERIFY(
        QTest::qWaitFor([&] { return second->status(2).state == InstanceStatus::State::Running; },
                        kActiveTimeoutMs));
    QCOMPARE(second->serverId(2), firstServerId);
    const QList<Server> servers = serversTagged(m_ownerTag);
    QCOMPARE(servers.size(), 1);
    QCOMPARE(servers.first().id, firstServerId);
    QVERIFY(second->remove(2));
    removeServer(firstServerId);
}

void TestOpenStackBackend::missingResourcesAreNamed_data()
{
    QTest::addColumn<QString>("image");
    QTest::addColumn<QString>("flavor");
    QTest::addColumn<QString>("network");
    QTest::addColumn<QStringList>("named");
    QTest::newRow("flavor") << "cirros-fake"
                            << "m1.no-such-flavor"
                            << "lab-net" << QStringList{"m1.no-such-flavor"};
    QTest::newRow("image") << "no-such-image"
                           << "m1.tiny"
                           << "lab-net" << QStringList{"no-such-image"};
    QTest::newRow("network") << "cirros-fake"
                             << "m1.tiny"
                             << "no-such-net" << QStringList{"no-such-net"};
    QTest::newRow("all three") << "no-such-image"
                               << "m1.no-such-flavor"
                               << "no-such-net"
                               << QStringList{"no-such-image", "m1.no-such-flavor", "no-such-net"};
}

void TestOpenStackBackend::missingResourcesAreNamed()
{
    QFETCH(QString, image);
    QFETCH(QString, flavor);
    QFETCH(QString, network);
    QFETCH(QStringList, named);
    auto backend = makeBackend();
    QJsonObject spec = labTemplate();
    spec["image"] = image;
    spec["flavor"] = flavor;
    spec["network"] = network;
    QVERIFY(backend->create(makeSpec(3, m_ownerTag, "broken-vm", spec)));
    QVERIFY(
        QTest::qWaitFor([&] { return backend->status(3).state != InstanceStatus::State::Building; },
                        kCallTimeoutMs));
    const InstanceStatus failed = backend->status(3);
    QCOMPARE(failed.state, InstanceStatus::State::Failed);
    for (const QString &name : named)
        QVERIFY2(failed.reason.contains(name), qPrintable(failed.reason));
    QVERIFY(failed.reason.contains("broken-vm"));
    QVERIFY(backend->serverId(3).isEmpty());
    QVERIFY(serversTagged(m_ownerTag).isEmpty());
}

void TestOpenStackBackend::refusals()
{
    auto backend = makeBackend();
    QJsonObject noFlavor = labTemplate();
    noFlavor.remove("flavor");
    auto refused = backend->create(makeSpec(4, m_ownerTag, "half-vm", noFlavor));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, std::string("cloud.invalid_template"));
    QVERIFY2(refused.error().message.find("flavor") != std::string::npos, describe(refused));
    QCOMPARE(backend->status(4).state, InstanceStatus::State::Missing);

    auto otherOwner = backend->create(makeSpec(4, m_ownerTag + "-x", "meters-vm", labTemplate()));
    QVERIFY(!otherOwner.ok());
    QCOMPARE(otherOwner.error().code, std::string("cloud.owner_mismatch"));

    OpenStackBackendConfig badTag;
    badTag.cloud = demoCloud();
    badTag.ownerTag = "has/slash";
    auto rejected = OpenStackBackend::create(badTag);
    QVERIFY(!rejected.ok());
    QCOMPARE(rejected.error().code, std::string("cloud.config"));
}

void TestOpenStackBackend::cleanupTestCase()
{
    if (!m_nova)
        return;
    for (const Server &server : serversTagged(m_ownerTag))
        removeServer(server.id);
}

void TestOpenStackBackend::userDataCarriesThePortalsHostKey_data()
{
    QTest::addColumn<QByteArray>("templateUserData");
    QTest::addColumn<QByteArray>("templatePartType"); // empty: no multipart
    QTest::newRow("no template user data") << QByteArray() << QByteArray();
    QTest::newRow("cloud-config") << QByteArray("#cloud-config\npackages: [nginx]\n")
                                  << QByteArray("text/cloud-config");
    QTest::newRow("shell script") << QByteArray("#!/bin/sh\necho hi\n")
                                  << QByteArray("text/x-shellscript");
}

void TestOpenStackBackend::userDataCarriesThePortalsHostKey()
{
    QFETCH(QByteArray, templateUserData);
    QFETCH(QByteArray, templatePartType);
    const QByteArray privateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg==\n"
                                  "-----END OPENSSH PRIVATE KEY-----\n";
    const QString publicKey = QStringLiteral("ssh-ed25519 AAAAC3Nza");
    // Without a host key the template's user data goes as it is.
    QCOMPARE(OpenStackBackend::userData(templateUserData, {}, {}), templateUserData);
    const QByteArray userData = OpenStackBackend::userData(templateUserData, privateKey, publicKey);
    QVERIFY(userData.contains("ssh_deletekeys: true\n"));
    QVERIFY(userData.contains("  ed25519_private: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n"
                              "    b3Blbg==\n    -----END OPENSSH PRIVATE KEY-----\n"));
    QVERIFY(userData.contains("  ed25519_public: ssh-ed25519 AAAAC3Nza\n"));
    if (templatePartType.isEmpty()) {
        QVERIFY(userData.startsWith("#cloud-config\n"));
        return;
    }
    QVERIFY(userData.startsWith("Content-Type: multipart/mixed; boundary=\""));
    QVERIFY(userData.contains("Content-Type: " + templatePartType));
    QVERIFY(userData.contains(templateUserData));
    QVERIFY(userData.contains("Content-Type: text/cloud-config; charset=\"utf-8\"\n"
                              "MIME-Version: 1.0\nContent-Disposition: attachment; "
                              "filename=\"iot-portal-host-key.cfg\""));
    const QByteArray boundary =
        userData.mid(userData.indexOf("boundary=\"") + 10).split('"').first();
    QCOMPARE(userData.count("--" + boundary + "\n"), 2);
    QVERIFY(userData.endsWith("--" + boundary + "--\n"));
}

QTEST_GUILESS_MAIN(TestOpenStackBackend)
#include "tst_openstackbackend.moc"
