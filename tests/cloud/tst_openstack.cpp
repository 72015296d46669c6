// The OpenStack client against the project's real lab (tests/openstack-lab: Keystone, Glance,
// Neutron, Placement, Nova with the fake virt driver on 127.0.0.1). The lab's clouds.yaml
// (clouds oslab-admin, oslab-demo) is read through CloudsConfig exactly as a user's would be.
// Nova's fake driver runs no VM: a server reaches ACTIVE, stops, starts and is deleted for
// real in Nova's database, but nothing answers at its address.

#include "tests/support/openstacklab.h"

#include <portal-core/cloud/openstack/cloudsconfig.h>
#include <portal-core/cloud/openstack/keystoneclient.h>
#include <portal-core/cloud/openstack/novaclient.h>
#include <portal-core/cloud/openstack/openstacksession.h>
#include <portal-core/cloud/openstack/resourcelookup.h>
#include <portal-core/crypto/labpki.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

using namespace Portal;
using namespace Portal::Cloud::OpenStack;
using Portal::Testing::await;
using Portal::Testing::describe;

namespace {

constexpr int kCallTimeoutMs = Testing::kOpenStackCallTimeoutMs;
// On every server this test makes (besides the run's own tag), so a run cut short by a lab
// restart leaves nothing the next run does not remove. Nothing else uses this tag.
const QString kTestServerTag = QStringLiteral("iot-portal-client-test");

ServiceRequest jsonRequest(const char *service, const QByteArray &method, const QString &path,
                           const QJsonObject &body = QJsonObject())
{
    ServiceRequest request;
    request.serviceType = QString::fromLatin1(service);
    request.method = method;
    request.path = path;
    if (!body.isEmpty())
        request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    request.idempotent = method != "POST";
    return request;
}

} // namespace

class TestOpenStack : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void passwordAuthAndCatalog();
    void wrongPasswordIsTypedAuthError();
    void tokenRenewedBeforeExpiryAndOnceOn401();
    void applicationCredentialAuth();
    void customCaBundleThroughTlsFront();
    void networkFailuresRetriedWithCappedBackoff();
    void microversionAndFlavors();
    void missingFlavorIsNamed();
    void serverLifeCycle();
    void serverInErrorReportsNovasFault();
    void quotaExceededIsTyped();
    void cleanupTestCase();

private:
    CloudConfig cloud(const QString &name) const;
    struct Client
    {
        std::unique_ptr<KeystoneClient> keystone;
        std::unique_ptr<OpenStackSession> session;
        std::unique_ptr<NovaClient> nova;
        std::unique_ptr<ResourceLookup> lookup;
    };
    Client connect(const CloudConfig &config) const;
    void removeServersTagged(const QString &tag);

    QString m_testTag;
    Client m_demo;
    Client m_admin;
    QString m_flavorToRemove;
};

CloudConfig TestOpenStack::cloud(const QString &name) const
{
    CloudsConfig::Environment environment;
    environment.variables.insert("OS_CLIENT_CONFIG_FILE",
                                 Testing::openStackLabDirectory() + "/clouds.yaml");
    environment.currentDirectory = QDir::tempPath();
    environment.homeDirectory = QDir::tempPath();
    auto config = CloudsConfig::load(environment, name);
    if (!config)
        qFatal("the lab's clouds.yaml is unusable (is the lab up? tests/openstack-lab/up.sh): %s",
               describe(config.error()));
    return *config;
}

TestOpenStack::Client TestOpenStack::connect(const CloudConfig &config) const
{
    Client client;
    auto keystone = KeystoneClient::create(config);
    if (!keystone)
        qFatal("%s", describe(keystone.error()));
    client.keystone = std::move(*keystone);
    client.session = std::make_unique<OpenStackSession>(client.keystone.get());
    client.nova = std::make_unique<NovaClient>(client.session.get());
    client.nova->setPollInterval(200);
    client.lookup = std::make_unique<ResourceLookup>(client.session.get());
    return client;
}

void TestOpenStack::initTestCase()
{
    QVERIFY2(QFile::exists(Testing::openStackLabDirectory() + "/clouds.yaml"),
             "no lab clouds.yaml: start the lab with tests/openstack-lab/up.sh");
    m_testTag = QStringLiteral("iot-portal-test-%1")
                    .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    m_demo = connect(cloud("oslab-demo"));
    m_admin = connect(cloud("oslab-admin"));
    removeServersTagged(kTestServerTag);
}

void TestOpenStack::removeServersTagged(const QString &tag)
{
    auto leftovers = await<QList<Server>>(
        [&](QObject *context, auto done) { m_demo.nova->listServers(tag, context, done); });
    QVERIFY(leftovers.has_value());
    QVERIFY2(leftovers->ok(), describe(*leftovers));
    for (const Server &server : **leftovers) {
        auto removed = await<NovaClient::Done>(
            [&](QObject *c, auto d) { m_demo.nova->deleteServer(server.id, c, d); });
        QVERIFY(removed.has_value());
        QVERIFY2(removed->ok(), describe(*removed));
    }
}

void TestOpenStack::passwordAuthAndCatalog()
{
    const CloudConfig config = cloud("oslab-demo");
    QCOMPARE(config.authType, CloudConfig::AuthType::Password);
    Client client = connect(config);
    auto token = await<KeystoneToken>(
        [&](QObject *context, auto done) { client.keystone->token(context, done); });
    QVERIFY(token.has_value());
    QVERIFY2(token->ok(), describe(*token));
    QVERIFY(!(*token)->value.isEmpty());
    QVERIFY((*token)->expiresAtUtc > QDateTime::currentDateTimeUtc().addSecs(600));
    QVERIFY(!(*token)->projectId.isEmpty());

    // The lab's catalog (region RegionOne, one URL for all interfaces).
    const auto endpoint = [&client](const char *type) {
        auto url = client.keystone->endpoint(type);
        return url.ok() ? url->toString() : QString::fromStdString(url.error().message);
    };
    QCOMPARE(endpoint("compute"), QString("http://127.0.0.1:8774/v2.1"));
    QCOMPARE(endpoint("image"), QString("http://127.0.0.1:9292"));
    QCOMPARE(endpoint("network"), QString("http://127.0.0.1:9696"));
    QCOMPARE(endpoint("identity"), QString("http://127.0.0.1:5000/v3"));
    auto volume = client.keystone->endpoint("volume");
    QVERIFY(!volume.ok());
    QCOMPARE(volume.error().code, std::string("keystone.no_endpoint"));

    CloudConfig otherRegion = config;
    otherRegion.regionName = "RegionNowhere";
    Client elsewhere = connect(otherRegion);
    auto again = await<KeystoneToken>(
        [&](QObject *context, auto done) { elsewhere.keystone->token(context, done); });
    QVERIFY(again.has_value() && again->ok());
    auto noCompute = elsewhere.keystone->endpoint("compute");
    QVERIFY(!noCompute.ok());
    QCOMPARE(noCompute.error().code, std::string("keystone.no_endpoint"));
    QVERIFY(noCompute.error().message.find("RegionNowhere") != std::string::npos);
}

void TestOpenStack::wrongPasswordIsTypedAuthError()
{
    CloudConfig config = cloud("oslab-demo");
    config.password = "not-the-password-4711";
    Client client = connect(config);
    auto token = await<KeystoneToken>(
        [&](QObject *context, auto done) { client.keystone->token(context, done); });
    QVERIFY(token.has_value());
    QVERIFY(!token->ok());
    QCOMPARE(token->error().code, std::string("keystone.auth_failed"));
    QVERIFY(token->error().message.find("demo") != std::string::npos);
    QVERIFY(token->error().message.find("4711") == std::string::npos);

    // A service call through the session reports the same error, not a generic one.
    ServiceRequest request;
    request.serviceType = "compute";
    request.path = "/flavors";
    auto answer = await<ServiceAnswer>(
        [&](QObject *context, auto done) { client.session->call(request, context, done); });
    QVERIFY(answer.has_value() && !answer->ok());
    QCOMPARE(answer->error().code, std::string("keystone.auth_failed"));
}

void TestOpenStack::tokenRenewedBeforeExpiryAndOnceOn401()
{
    Client client = connect(cloud("oslab-demo"));
    const auto fetch = [&] {
        return await<KeystoneToken>(
            [&](QObject *context, auto done) { client.keystone->token(context, done); });
    };
    // Three callers before any answer: one authentication serves them all.
    int answered = 0;
    QObject callers;
    for (int caller = 0; caller < 3; ++caller)
        client.keystone->token(&callers, [&answered](const Result<KeystoneToken> &token) {
            answered += token.ok() ? 1 : 0;
        });
    QVERIFY(QTest::qWaitFor([&answered] { return answered == 3; }, kCallTimeoutMs));
    QCOMPARE(client.keystone->authenticationCount(), 1);

    auto first = fetch();
    QVERIFY(first.has_value() && first->ok());
    auto cached = fetch();
    QVERIFY(cached.has_value() && cached->ok());
    QCOMPARE(client.keystone->authenticationCount(), 1);
    QCOMPARE((*cached)->value, (*first)->value);

    // A renewal margin longer than the token's life: every use renews.
    client.keystone->setRenewBeforeExpiry(std::chrono::hours(24 * 365));
    auto renewed = fetch();
    QVERIFY(renewed.has_value() && renewed->ok());
    QCOMPARE(client.keystone->authenticationCount(), 2);
    QVERIFY((*renewed)->value != (*first)->value);
    client.keystone->setRenewBeforeExpiry(std::chrono::seconds(300));

    // Revoke the current token in Keystone (DELETE /v3/auth/tokens); the next call is
    // answered 401, the session authenticates again and repeats the call once.
    QNetworkAccessManager network;
    QNetworkRequest revoke(QUrl("http://127.0.0.1:5000/v3/auth/tokens"));
    revoke.setRawHeader("X-Auth-Token", (*renewed)->value);
    revoke.setRawHeader("X-Subject-Token", (*renewed)->value);
    QNetworkReply *reply = network.deleteResource(revoke);
    QVERIFY(QTest::qWaitFor([reply] { return reply->isFinished(); }, kCallTimeoutMs));
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 204);
    reply->deleteLater();

    ServiceRequest request;
    request.serviceType = "identity";
    request.path = "/auth/projects";
    auto answer = await<ServiceAnswer>(
        [&](QObject *context, auto done) { client.session->call(request, context, done); });
    QVERIFY(answer.has_value());
    QVERIFY2(answer->ok(), describe(*answer));
    QCOMPARE(client.keystone->authenticationCount(), 3);
    QVERIFY(!(*answer)->json.object().value("projects").toArray().isEmpty());
}

void TestOpenStack::applicationCredentialAuth()
{
    // Made by the demo user in this test, used, then deleted.
    auto token = await<KeystoneToken>(
        [&](QObject *context, auto done) { m_demo.keystone->token(context, done); });
    QVERIFY(token.has_value() && token->ok());
    const QString userId = (*token)->userId;
    const QString projectId = (*token)->projectId;
    ServiceRequest create;
    create.serviceType = "identity";
    create.method = "POST";
    create.path = "/users/" + userId + "/application_credentials";
    create.body = QJsonDocument(QJsonObject{{"application_credential",
                                             QJsonObject{{"name", m_testTag + "-appcred"}}}})
                      .toJson(QJsonDocument::Compact);
    create.idempotent = false;
    auto created = await<ServiceAnswer>(
        [&](QObject *context, auto done) { m_demo.session->call(create, context, done); });
    QVERIFY(created.has_value());
    QVERIFY2(created->ok(), describe(*created));
    const QJsonObject credential =
        (*created)->json.object().value("application_credential").toObject();
    const QString credentialId = credential.value("id").toString();
    QVERIFY(!credentialId.isEmpty());

    const QByteArray yaml = "clouds:\n  appcred:\n    auth_type: v3applicationcredential\n"
                            "    region_name: RegionOne\n    auth:\n"
                            "      auth_url: http://127.0.0.1:5000/v3\n"
                            "      application_credential_id: " +
                            credentialId.toUtf8() + "\n";
    const QByteArray secure = "clouds:\n  appcred:\n    auth:\n"
                              "      application_credential_secret: " +
                              credential.value("secret").toString().toUtf8() + "\n";
    auto config = CloudsConfig::fromYaml(yaml, secure, "appcred", {});
    QVERIFY2(config.ok(), describe(config));
    Client client = connect(*config);
    auto appToken = await<KeystoneToken>(
        [&](QObject *context, auto done) { client.keystone->token(context, done); });
    QVERIFY(appToken.has_value());
    QVERIFY2(appToken->ok(), describe(*appToken));
    QCOMPARE((*appToken)->userId, userId);
    QCOMPARE((*appToken)->projectId, projectId);
    auto flavors = await<QList<Flavor>>(
        [&](QObject *context, auto done) { client.nova->listFlavors(context, done); });
    QVERIFY(flavors.has_value() && flavors->ok());

    CloudConfig wrongSecret = *config;
    wrongSecret.applicationCredentialSecret = "wrong";
    Client refused = connect(wrongSecret);
    auto refusedToken = await<KeystoneToken>(
        [&](QObject *context, auto done) { refused.keystone->token(context, done); });
    QVERIFY(refusedToken.has_value() && !refusedToken->ok());
    QCOMPARE(refusedToken->error().code, std::string("keystone.auth_failed"));
    QVERIFY(refusedToken->error().message.find(credentialId.toStdString()) != std::string::npos);

    ServiceRequest remove;
    remove.serviceType = "identity";
    remove.method = "DELETE";
    remove.path = "/users/" + userId + "/application_credentials/" + credentialId;
    auto removed = await<ServiceAnswer>(
        [&](QObject *context, auto done) { m_demo.session->call(remove, context, done); });
    QVERIFY(removed.has_value() && removed->ok());
}

void TestOpenStack::customCaBundleThroughTlsFront()
{
    // socat terminates TLS with a certificate of the lab PKI and forwards to the lab's
    // Keystone: the cloud's cacert must be the one trusted, the system's CAs must not do.
    QTemporaryDir dir;
    auto pki = Crypto::LabPki::ensure(dir.filePath("pki").toStdString());
    QVERIFY2(pki.ok(), describe(pki));
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    QProcess front;
    front.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    front.start("socat",
                {QString("openssl-listen:%1,bind=127.0.0.1,reuseaddr,fork,verify=0,cert=%2,key=%3")
                     .arg(port)
                     .arg(QString::fromStdString(pki->portalApi.certificatePath),
                          QString::fromStdString(pki->portalApi.keyPath)),
                 "tcp:127.0.0.1:5000"});
    QVERIFY2(front.waitForStarted(), "socat is needed (scripts/install-deps)");
    QVERIFY(QTest::qWaitFor(
        [port] {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            return socket.waitForConnected(200);
        },
        10000));

    CloudConfig config = cloud("oslab-demo");
    config.authUrl = QUrl(QString("https://127.0.0.1:%1/v3").arg(port));
    config.caCertificatePath = QString::fromStdString(pki->portalCa.certificatePath);
    Client trusted = connect(config);
    QCOMPARE(trusted.keystone->tlsConfiguration().caCertificates().size(), 1);
    auto token = await<KeystoneToken>(
        [&](QObject *context, auto done) { trusted.keystone->token(context, done); });
    QVERIFY(token.has_value());
    QVERIFY2(token->ok(), describe(*token));

    config.caCertificatePath.clear();
    Client untrusted = connect(config);
    auto refused = await<KeystoneToken>(
        [&](QObject *context, auto done) { untrusted.keystone->token(context, done); });
    QVERIFY(refused.has_value() && !refused->ok());
    QCOMPARE(refused->error().code, std::string("keystone.network"));
    QVERIFY2(refused->error().message.find("SSL") != std::string::npos, describe(*refused));

    config.caCertificatePath = QString::fromStdString(pki->operatorCa.certificatePath);
    Client wrongCa = connect(config);
    auto wrong = await<KeystoneToken>(
        [&](QObject *context, auto done) { wrongCa.keystone->token(context, done); });
    QVERIFY(wrong.has_value() && !wrong->ok());
    QCOMPARE(wrong->error().code, std::string("keystone.network"));

    config.caCertificatePath = dir.filePath("pki/portal-api.key");
    auto notPem = KeystoneClient::create(config);
    QVERIFY(!notPem.ok());
    QCOMPARE(notPem.error().code, std::string("keystone.tls_config"));
    config.caCertificatePath = dir.filePath("missing.pem");
    auto missing = KeystoneClient::create(config);
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, std::string("keystone.tls_config"));

    front.terminate();
    QVERIFY(front.waitForFinished(5000));
}

void TestOpenStack::networkFailuresRetriedWithCappedBackoff()
{
    // Compute pointed at a port where nothing listens: Keystone answers, Nova never does.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 closedPort = probe.serverPort();
    probe.close();
    CloudConfig config = cloud("oslab-demo");
    config.endpointOverrides.insert("compute",
                                    QUrl(QString("http://127.0.0.1:%1/v2.1").arg(closedPort)));
    Client client = connect(config);
    client.session->setRetryPolicy({4, 200, 300}); // waits 200, 300, 300 ms

    ServiceRequest list;
    list.serviceType = "compute";
    list.path = "/flavors";
    QElapsedTimer elapsed;
    elapsed.start();
    auto listed = await<ServiceAnswer>(
        [&](QObject *context, auto done) { client.session->call(list, context, done); });
    const qint64 listMs = elapsed.elapsed();
    QVERIFY(listed.has_value() && !listed->ok());
    QCOMPARE(listed->error().code, std::string("openstack.network"));
    QVERIFY2(listMs >= 800 && listMs < 5000, qPrintable(QString::number(listMs)));

    // A create whose answer could be lost is never repeated.
    ServiceRequest create = list;
    create.method = "POST";
    create.body = "{}";
    create.idempotent = false;
    elapsed.restart();
    auto created = await<ServiceAnswer>(
        [&](QObject *context, auto done) { client.session->call(create, context, done); });
    QVERIFY(created.has_value() && !created->ok());
    QCOMPARE(created->error().code, std::string("openstack.network"));
    QVERIFY2(elapsed.elapsed() < 200, qPrintable(QString::number(elapsed.elapsed())));
}

void TestOpenStack::microversionAndFlavors()
{
    auto version =
        await<QString>([&](QObject *context, auto done) { m_demo.nova->negotiate(context, done); });
    QVERIFY(version.has_value());
    QVERIFY2(version->ok(), describe(*version));
    // The lab's Nova (Zed) offers 2.1 to 2.93; the portal prefers 2.87.
    QCOMPARE(**version, QString("2.87"));

    auto flavors = await<QList<Flavor>>(
        [&](QObject *context, auto done) { m_demo.nova->listFlavors(context, done); });
    QVERIFY(flavors.has_value());
    QVERIFY2(flavors->ok(), describe(*flavors));
    const auto tiny = std::find_if((*flavors)->begin(), (*flavors)->end(),
                                   [](const Flavor &flavor) { return flavor.name == "m1.tiny"; });
    QVERIFY(tiny != (*flavors)->end());
    QCOMPARE(tiny->id, QString("1"));
    QCOMPARE(tiny->ramMb, 512);
    QCOMPARE(tiny->vcpus, 1);
    QCOMPARE(tiny->diskGb, 1);
}

void TestOpenStack::missingFlavorIsNamed()
{
    auto found = await<Flavor>([&](QObject *context, auto done) {
        m_demo.nova->findFlavor("m1.enormous", context, done);
    });
    QVERIFY(found.has_value() && !found->ok());
    QCOMPARE(found->error().code, std::string("nova.flavor_not_found"));
    QVERIFY(found->error().message.find("m1.enormous") != std::string::npos);
    QVERIFY(found->error().message.find("m1.tiny") != std::string::npos);

    // Straight to Nova with a flavor id it does not have: Nova's 400 names it.
    auto image = await<NamedResource>([&](QObject *context, auto done) {
        m_demo.lookup->findImage("cirros-fake", context, done);
    });
    QVERIFY(image.has_value());
    QVERIFY2(image->ok(), describe(*image));
    ServerCreateRequest request;
    request.name = m_testTag + "-badflavor";
    request.imageId = (*image)->id;
    request.flavorId = "no-such-flavor-77";
    request.networks = ServerCreateRequest::Networks::None;
    request.tags = {m_testTag};
    auto created = await<Server>(
        [&](QObject *context, auto done) { m_demo.nova->createServer(request, context, done); });
    QVERIFY(created.has_value() && !created->ok());
    QCOMPARE(created->error().code, std::string("openstack.bad_request"));
    QVERIFY2(created->error().message.find("no-such-flavor-77") != std::string::npos,
             describe(*created));

    auto network = await<NamedResource>([&](QObject *context, auto done) {
        m_demo.lookup->findNetwork("no-such-net", context, done);
    });
    QVERIFY(network.has_value() && !network->ok());
    QCOMPARE(network->error().code, std::string("neutron.network_not_found"));
    QVERIFY(network->error().message.find("no-such-net") != std::string::npos);
    auto noImage = await<NamedResource>([&](QObject *context, auto done) {
        m_demo.lookup->findImage("no-such-image", context, done);
    });
    QVERIFY(noImage.has_value() && !noImage->ok());
    QCOMPARE(noImage->error().code, std::string("glance.image_not_found"));
}

void TestOpenStack::serverLifeCycle()
{
    auto image = await<NamedResource>([&](QObject *context, auto done) {
        m_demo.lookup->findImage("cirros-fake", context, done);
    });
    QVERIFY(image.has_value() && image->ok());
    auto network = await<NamedResource>(
        [&](QObject *context, auto done) { m_demo.lookup->findNetwork("lab-net", context, done); });
    QVERIFY(network.has_value());
    QVERIFY2(network->ok(), describe(*network));
    auto flavor = await<Flavor>(
        [&](QObject *context, auto done) { m_demo.nova->findFlavor("m1.tiny", context, done); });
    QVERIFY(flavor.has_value() && flavor->ok());

    ServerCreateRequest request;
    request.name = m_testTag + "-vm";
    request.imageId = (*image)->id;
    request.flavorId = (*flavor)->id;
    request.networkIds = {(*network)->id};
    request.securityGroups = {"default"};
    request.userData = "#cloud-config\nhostname: portal-test\n";
    request.tags = {m_testTag, kTestServerTag};
    request.metadata = {{"portal_instance_id", "17"}, {"portal_class", "meters"}};

    QStringList progress;
    QObject::connect(m_demo.nova.get(), &NovaClient::serverProgress, this,
                     [&progress](const QString &, const QString &status, const QString &task) {
                         progress.append(task.isEmpty() ? status : status + "/" + task);
                     });
    auto created = await<Server>(
        [&](QObject *context, auto done) { m_demo.nova->createServer(request, context, done); });
    QVERIFY(created.has_value());
    QVERIFY2(created->ok(), describe(*created));
    const QString serverId = (*created)->id;

    auto active = await<Server>([&](QObject *context, auto done) {
        m_demo.nova->waitForStatus(serverId, "ACTIVE", 60000, context, done);
    });
    QVERIFY(active.has_value());
    QVERIFY2(active->ok(), describe(*active));
    qInfo() << "progress to ACTIVE:" << progress;
    QVERIFY(progress.size() >= 1);
    QCOMPARE(progress.last(), QString("ACTIVE"));
    QCOMPARE((*active)->metadata.value("portal_class"), QString("meters"));
    QVERIFY((*active)->tags.contains(m_testTag));
    QVERIFY((*active)->addresses.value("lab-net").value(0).startsWith("192.0.2."));

    auto listed = await<QList<Server>>(
        [&](QObject *context, auto done) { m_demo.nova->listServers(m_testTag, context, done); });
    QVERIFY(listed.has_value() && listed->ok());
    QCOMPARE((*listed)->size(), 1);
    QCOMPARE((*listed)->first().id, serverId);
    auto otherTag = await<QList<Server>>([&](QObject *context, auto done) {
        m_demo.nova->listServers(m_testTag + "-other", context, done);
    });
    QVERIFY(otherTag.has_value() && otherTag->ok());
    QVERIFY((*otherTag)->isEmpty());

    const auto act = [&](auto start) {
        auto done = await<NovaClient::Done>(start);
        return done.has_value() && done->ok();
    };
    const auto reach = [&](const QString &status) {
        auto server = await<Server>([&](QObject *context, auto done) {
            m_demo.nova->waitForStatus(serverId, status, 60000, context, done);
        });
        return server.has_value() && server->ok() && (*server)->status == status;
    };
    QVERIFY(act([&](QObject *c, auto d) { m_demo.nova->stopServer(serverId, c, d); }));
    QVERIFY(reach("SHUTOFF"));
    // Stopping a stopped server is a state conflict (409), typed as such.
    auto again = await<NovaClient::Done>(
        [&](QObject *c, auto d) { m_demo.nova->stopServer(serverId, c, d); });
    QVERIFY(again.has_value() && !again->ok());
    QCOMPARE(again->error().code, std::string("openstack.conflict"));
    QVERIFY(act([&](QObject *c, auto d) { m_demo.nova->startServer(serverId, c, d); }));
    QVERIFY(reach("ACTIVE"));
    QVERIFY(act([&](QObject *c, auto d) { m_demo.nova->rebootServer(serverId, false, c, d); }));
    QVERIFY(reach("ACTIVE"));

    auto console =
        await<QString>([&](QObject *c, auto d) { m_demo.nova->consoleLog(serverId, 50, c, d); });
    QVERIFY(console.has_value());
    QVERIFY2(console->ok(), describe(*console));
    QVERIFY(!(*console)->isEmpty());

    QVERIFY(act([&](QObject *c, auto d) { m_demo.nova->deleteServer(serverId, c, d); }));
    QVERIFY(reach("DELETED"));
    // Nova shows DELETED a moment before its list drops the server: poll the list.
    bool listedEmpty = false;
    for (int attempt = 0; attempt < 30 && !listedEmpty; ++attempt) {
        auto afterDelete = await<QList<Server>>([&](QObject *context, auto done) {
            m_demo.nova->listServers(m_testTag, context, done);
        });
        QVERIFY(afterDelete.has_value() && afterDelete->ok());
        listedEmpty = (*afterDelete)->isEmpty();
        if (!listedEmpty)
            QTest::qWait(500);
    }
    QVERIFY(listedEmpty);
    auto shown =
        await<Server>([&](QObject *c, auto d) { m_demo.nova->showServer(serverId, c, d); });
    QVERIFY(shown.has_value() && !shown->ok());
    QCOMPARE(shown->error().code, std::string("openstack.not_found"));
}

void TestOpenStack::serverInErrorReportsNovasFault()
{
    // A flavor no host can hold (the fake hypervisor has 600000 GB of disk, and disk is no
    // Nova quota): the scheduler fails and the server goes to ERROR with Nova's own fault
    // message.
    const QString flavorName = m_testTag + "-huge";
    const auto call = [&](Client &client, const ServiceRequest &request) {
        return await<ServiceAnswer>(
            [&](QObject *context, auto done) { client.session->call(request, context, done); });
    };
    auto version = await<QString>(
        [&](QObject *context, auto done) { m_admin.nova->negotiate(context, done); });
    QVERIFY(version.has_value() && version->ok());
    auto flavor =
        call(m_admin, jsonRequest("compute", "POST", "/flavors",
                                  QJsonObject{{"flavor", QJsonObject{{"name", flavorName},
                                                                     {"ram", 64},
                                                                     {"vcpus", 1},
                                                                     {"disk", 10000000}}}}));
    QVERIFY(flavor.has_value());
    QVERIFY2(flavor->ok(), describe(*flavor));
    const QString flavorId =
        (*flavor)->json.object().value("flavor").toObject().value("id").toString();
    QVERIFY(!flavorId.isEmpty());
    m_flavorToRemove = flavorId;

    auto image = await<NamedResource>([&](QObject *context, auto done) {
        m_demo.lookup->findImage("cirros-fake", context, done);
    });
    QVERIFY(image.has_value() && image->ok());
    ServerCreateRequest request;
    request.name = m_testTag + "-error";
    request.imageId = (*image)->id;
    request.flavorId = flavorId;
    request.networks = ServerCreateRequest::Networks::None;
    request.tags = {m_testTag, kTestServerTag};
    auto created = await<Server>(
        [&](QObject *context, auto done) { m_demo.nova->createServer(request, context, done); });
    QVERIFY(created.has_value());
    QVERIFY2(created->ok(), describe(*created));
    auto waited = await<Server>([&](QObject *context, auto done) {
        m_demo.nova->waitForStatus((*created)->id, "ACTIVE", 60000, context, done);
    });
    QVERIFY(waited.has_value() && !waited->ok());
    QCOMPARE(waited->error().code, std::string("nova.server_error"));
    QVERIFY2(waited->error().message.find("No valid host") != std::string::npos, describe(*waited));

    auto removed = await<NovaClient::Done>(
        [&](QObject *c, auto d) { m_demo.nova->deleteServer((*created)->id, c, d); });
    QVERIFY(removed.has_value() && removed->ok());
    auto gone = await<Server>([&](QObject *context, auto done) {
        m_demo.nova->waitForStatus((*created)->id, "DELETED", 60000, context, done);
    });
    QVERIFY(gone.has_value() && gone->ok());
    auto flavorRemoved = call(m_admin, jsonRequest("compute", "DELETE", "/flavors/" + flavorId));
    QVERIFY(flavorRemoved.has_value() && flavorRemoved->ok());
    m_flavorToRemove.clear();
}

void TestOpenStack::quotaExceededIsTyped()
{
    // A project of its own with an instance quota of 0, so no other user of the lab is
    // touched; the admin user works in it.
    const auto call = [&](Client &client, const ServiceRequest &request) {
        return await<ServiceAnswer>(
            [&](QObject *context, auto done) { client.session->call(request, context, done); });
    };
    auto adminToken = await<KeystoneToken>(
        [&](QObject *context, auto done) { m_admin.keystone->token(context, done); });
    QVERIFY(adminToken.has_value() && adminToken->ok());
    const QString projectName = m_testTag + "-quota";
    auto project =
        call(m_admin, jsonRequest("identity", "POST", "/projects",
                                  QJsonObject{{"project", QJsonObject{{"name", projectName},
                                                                      {"domain_id", "default"}}}}));
    QVERIFY(project.has_value());
    QVERIFY2(project->ok(), describe(*project));
    const QString projectId =
        (*project)->json.object().value("project").toObject().value("id").toString();
    ServiceRequest findRole = jsonRequest("identity", "GET", "/roles");
    findRole.query.addQueryItem("name", "member");
    auto roles = call(m_admin, findRole);
    QVERIFY(roles.has_value() && roles->ok());
    const QString roleId =
        (*roles)->json.object().value("roles").toArray().first().toObject().value("id").toString();
    QVERIFY(!roleId.isEmpty());
    auto granted = call(m_admin, jsonRequest("identity", "PUT",
                                             "/projects/" + projectId + "/users/" +
                                                 (*adminToken)->userId + "/roles/" + roleId));
    QVERIFY(granted.has_value());
    QVERIFY2(granted->ok(), describe(*granted));
    auto quota =
        call(m_admin, jsonRequest("compute", "PUT", "/os-quota-sets/" + projectId,
                                  QJsonObject{{"quota_set", QJsonObject{{"instances", 0}}}}));
    QVERIFY(quota.has_value());
    QVERIFY2(quota->ok(), describe(*quota));

    CloudConfig config = cloud("oslab-admin");
    config.projectName = projectName;
    Client inProject = connect(config);
    auto image = await<NamedResource>([&](QObject *context, auto done) {
        inProject.lookup->findImage("cirros-fake", context, done);
    });
    QVERIFY(image.has_value() && image->ok());
    ServerCreateRequest request;
    request.name = m_testTag + "-over-quota";
    request.imageId = (*image)->id;
    request.flavorId = "1";
    request.networks = ServerCreateRequest::Networks::None;
    request.tags = {m_testTag, kTestServerTag};
    auto created = await<Server>(
        [&](QObject *context, auto done) { inProject.nova->createServer(request, context, done); });
    QVERIFY(created.has_value() && !created->ok());
    QCOMPARE(created->error().code, std::string("openstack.quota_exceeded"));
    QVERIFY2(created->error().message.find("instances") != std::string::npos, describe(*created));
    auto listed = await<QList<Server>>([&](QObject *context, auto done) {
        inProject.nova->listServers(m_testTag, context, done);
    });
    QVERIFY(listed.has_value() && listed->ok());
    QVERIFY((*listed)->isEmpty());

    auto quotaRemoved =
        call(m_admin, jsonRequest("compute", "DELETE", "/os-quota-sets/" + projectId));
    QVERIFY(quotaRemoved.has_value() && quotaRemoved->ok());
    auto projectRemoved =
        call(m_admin, jsonRequest("identity", "DELETE", "/projects/" + projectId));
    QVERIFY(projectRemoved.has_value() && projectRemoved->ok());
}

void TestOpenStack::cleanupTestCase()
{
    if (!m_demo.nova)
        return;
    removeServersTagged(m_testTag);
    if (!m_flavorToRemove.isEmpty()) {
        auto removed = await<ServiceAnswer>([&](QObject *context, auto done) {
            m_admin.session->call(jsonRequest("compute", "DELETE", "/flavors/" + m_flavorToRemove),
                                  context, done);
        });
        QVERIFY(removed.has_value() && removed->ok());
    }
}

QTEST_GUILESS_MAIN(TestOpenStack)
#include "tst_openstack.moc"
