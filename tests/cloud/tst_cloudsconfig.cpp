// clouds.yaml / secure.yaml / OS_* as documented for openstacksdk and python-openstackclient
// ("Configuring os-client-config applications"): the example files below follow that
// documentation's shapes, and the expected values are what those tools resolve them to.

#include <portal-core/cloud/openstack/cloudsconfig.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace Portal::Cloud::OpenStack;

using Variables = QHash<QString, QString>;
Q_DECLARE_METATYPE(Variables)

namespace {

const QByteArray kTwoClouds = R"(
clouds:
  lab-admin:
    auth:
      auth_url: http://127.0.0.1:5000/v3
      username: admin
      password: s3cret-admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
  lab-appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.example:5000
      application_credential_id: 4c3a1b
      application_credential_secret: s3cret-app
    region_name: RegionTwo
    interface: internalURL
    cacert: /etc/ssl/lab-ca.pem
)";

bool writeFile(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

} // namespace

class TestCloudsConfig : public QObject
{
    Q_OBJECT
private slots:
    void resolves_data();
    void resolves();
    void refuses_data();
    void refuses();
    void endpointOverrides();
    void oversizedFileIsRefused();
    void aliasBombIsBounded();
    void searchPathOrder();
    void loadPicksFirstFileInSearchPath();
    void loadHonoursConfigFileVariableAndSecureFile();
    void loadWithoutAnything();
};

void TestCloudsConfig::resolves_data()
{
    QTest::addColumn<QByteArray>("clouds");
    QTest::addColumn<QByteArray>("secure");
    QTest::addColumn<QString>("cloudName");
    QTest::addColumn<Variables>("variables");
    QTest::addColumn<QString>("expectedCloud");
    QTest::addColumn<QString>("expectedAuthUrl");
    QTest::addColumn<bool>("expectedApplicationCredential");
    QTest::addColumn<QString>("expectedUser");
    QTest::addColumn<QString>("expectedSecret");
    QTest::addColumn<QString>("expectedProject");
    QTest::addColumn<QString>("expectedRegion");
    QTest::addColumn<QString>("expectedInterface");
    QTest::addColumn<QString>("expectedCaCert");

    QTest::newRow("named password cloud")
        << kTwoClouds << QByteArray() << "lab-admin" << Variables() << "lab-admin"
        << "http://127.0.0.1:5000/v3" << false << "admin"
        << "s3cret-admin"
        << "admin"
        << "RegionOne"
        << "public"
        << "";
    QTest::newRow("OS_CLOUD chooses; application credential; internalURL → internal")
        << kTwoClouds << QByteArray() << "" << Variables{{"OS_CLOUD", "lab-appcred"}}
        << "lab-appcred"
        << "https://keystone.example:5000" << true << ""
        << "s3cret-app"
        << ""
        << "RegionTwo"
        << "internal"
        << "/etc/ssl/lab-ca.pem";
    QTest::newRow("explicit name beats OS_CLOUD")
        << kTwoClouds << QByteArray() << "lab-admin" << Variables{{"OS_CLOUD", "lab-appcred"}}
        << "lab-admin"
        << "http://127.0.0.1:5000/v3" << false << "admin"
        << "s3cret-admin"
        << "admin"
        << "RegionOne"
        << "public"
        << "";
    QTest::newRow("secure.yaml supplies the password")
        << QByteArray("clouds:\n  c:\n    auth:\n      auth_url: http://h:5000\n"
                      "      username: u\n      user_domain_name: Default\n")
        << QByteArray("clouds:\n  c:\n    auth:\n      password: from-secure\n") << ""
        << Variables() << "c"
        << "http://h:5000" << false << "u"
        << "from-secure"
        << ""
        << ""
        << "public"
        << "";
    QTest::newRow("secure.yaml wins over clouds.yaml, OS_* over both")
        << QByteArray("clouds:\n  c:\n    region_name: A\n    auth:\n      auth_url: http://h\n"
                      "      username: u\n      user_domain_id: default\n"
                      "      password: in-clouds\n")
        << QByteArray("clouds:\n  c:\n    region_name: B\n    auth:\n      password: in-secure\n")
        << "c" << Variables{{"OS_PASSWORD", "in-env"}, {"OS_CACERT", "/ca.pem"}} << "c"
        << "http://h" << false << "u"
        << "in-env"
        << ""
        << "B"
        << "public"
        << "/ca.pem";
    QTest::newRow("OS_* alone (openrc), no file")
        << QByteArray() << QByteArray() << ""
        << Variables{{"OS_AUTH_URL", "http://127.0.0.1:5000/v3"},
                     {"OS_USERNAME", "demo"},
                     {"OS_PASSWORD", "pw"},
                     {"OS_PROJECT_NAME", "demo"},
                     {"OS_USER_DOMAIN_NAME", "Default"},
                     {"OS_PROJECT_DOMAIN_NAME", "Default"},
                     {"OS_REGION_NAME", "RegionOne"},
                     {"OS_INTERFACE", "admin"}}
        << "envvars"
        << "http://127.0.0.1:5000/v3" << false << "demo"
        << "pw"
        << "demo"
        << "RegionOne"
        << "admin"
        << "";
    QTest::newRow("OS_* application credential with OS_AUTH_TYPE")
        << QByteArray() << QByteArray() << ""
        << Variables{{"OS_AUTH_URL", "http://k:5000"},
                     {"OS_AUTH_TYPE", "v3applicationcredential"},
                     {"OS_APPLICATION_CREDENTIAL_ID", "abc"},
                     {"OS_APPLICATION_CREDENTIAL_SECRET", "sec"}}
        << "envvars"
        << "http://k:5000" << true << ""
        << "sec"
        << ""
        << ""
        << "public"
        << "";
    QTest::newRow("only cloud in the file is taken without OS_CLOUD")
        << QByteArray("clouds:\n  only:\n    auth:\n      auth_url: http://h\n"
                      "      user_id: 42\n      password: p\n")
        << QByteArray() << "" << Variables() << "only"
        << "http://h" << false << ""
        << "p"
        << ""
        << ""
        << "public"
        << "";
}

void TestCloudsConfig::resolves()
{
    QFETCH(QByteArray, clouds);
    QFETCH(QByteArray, secure);
    QFETCH(QString, cloudName);
    QFETCH(Variables, variables);
    auto config = CloudsConfig::fromYaml(clouds, secure, cloudName, variables);
    QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
    QTEST(config->cloudName, "expectedCloud");
    QTEST(config->authUrl.toString(), "expectedAuthUrl");
    QTEST(config->authType == CloudConfig::AuthType::ApplicationCredential,
          "expectedApplicationCredential");
    QTEST(config->username, "expectedUser");
    QFETCH(bool, expectedApplicationCredential);
    QTEST(expectedApplicationCredential ? config->applicationCredentialSecret : config->password,
          "expectedSecret");
    QTEST(config->projectName, "expectedProject");
    QTEST(config->regionName, "expectedRegion");
    QTEST(config->interface, "expectedInterface");
    QTEST(config->caCertificatePath, "expectedCaCert");
}

void TestCloudsConfig::refuses_data()
{
    QTest::addColumn<QByteArray>("clouds");
    QTest::addColumn<QString>("cloudName");
    QTest::addColumn<Variables>("variables");
    QTest::addColumn<QString>("expectedCode");
    QTest::addColumn<QString>("expectedInMessage");

    const QByteArray base = "clouds:\n  c:\n    auth:\n      auth_url: http://h\n";
    QTest::newRow("unknown cloud names it and the others")
        << kTwoClouds << "nope" << Variables() << "clouds.unknown_cloud"
        << "nope";
    QTest::newRow("several clouds, none chosen")
        << kTwoClouds << "" << Variables() << "clouds.no_cloud_selected"
        << "lab-appcred";
    QTest::newRow("not YAML") << QByteArray("clouds: [unclosed\n  - x: {") << "c" << Variables()
                              << "clouds.syntax"
                              << "line";
    QTest::newRow("top level is a list")
        << QByteArray("- a\n- b\n") << "c" << Variables() << "clouds.syntax"
        << "mapping";
    QTest::newRow("clouds is a string")
        << QByteArray("clouds: hello\n") << "c" << Variables() << "clouds.syntax"
        << "clouds";
    QTest::newRow("auth is a list")
        << QByteArray("clouds:\n  c:\n    auth: [1, 2]\n") << "c" << Variables() << "clouds.syntax"
        << "auth";
    QTest::newRow("password is a mapping")
        << QByteArray(base + "      username: u\n      user_domain_name: D\n"
                             "      password: {a: b}\n")
        << "c" << Variables() << "clouds.bad_value"
        << "password";
    QTest::newRow("missing auth_url") << QByteArray("clouds:\n  c:\n    auth:\n      username: u\n")
                                      << "c" << Variables() << "clouds.incomplete"
                                      << "auth_url";
    QTest::newRow("auth_url not http")
        << QByteArray("clouds:\n  c:\n    auth:\n      auth_url: ftp://h/v3\n") << "c"
        << Variables() << "clouds.bad_value"
        << "auth_url";
    QTest::newRow("no password") << QByteArray(base +
                                               "      username: u\n      user_domain_name: D\n")
                                 << "c" << Variables() << "clouds.incomplete"
                                 << "password";
    QTest::newRow("username without a user domain")
        << QByteArray(base + "      username: u\n      password: p\n") << "c" << Variables()
        << "clouds.incomplete"
        << "user_domain";
    QTest::newRow("project name without a project domain")
        << QByteArray(base + "      username: u\n      password: p\n"
                             "      user_domain_name: D\n      project_name: x\n")
        << "c" << Variables() << "clouds.incomplete"
        << "project_domain";
    QTest::newRow("application credential without a secret")
        << QByteArray("clouds:\n  c:\n    auth_type: v3applicationcredential\n    auth:\n"
                      "      auth_url: http://h\n      application_credential_id: x\n")
        << "c" << Variables() << "clouds.incomplete"
        << "application_credential_secret";
    QTest::newRow("token auth is not supported")
        << QByteArray("clouds:\n  c:\n    auth_type: token\n    auth:\n      auth_url: http://h\n")
        << "c" << Variables() << "clouds.unsupported"
        << "auth_type";
    QTest::newRow("bad interface")
        << QByteArray(base + "      user_id: u\n      password: p\n    interface: sideways\n")
        << "c" << Variables() << "clouds.bad_value"
        << "interface";
    QTest::newRow("endpoint override not a URL")
        << QByteArray(base + "      user_id: u\n      password: p\n"
                             "    compute_endpoint_override: nowhere\n")
        << "c" << Variables() << "clouds.bad_value"
        << "compute_endpoint_override";
    QTest::newRow("verify not a bool")
        << QByteArray(base + "      user_id: u\n      password: p\n    verify: maybe\n") << "c"
        << Variables() << "clouds.bad_value"
        << "verify";
}

void TestCloudsConfig::refuses()
{
    QFETCH(QByteArray, clouds);
    QFETCH(QString, cloudName);
    QFETCH(Variables, variables);
    auto config = CloudsConfig::fromYaml(clouds, QByteArray(), cloudName, variables);
    QVERIFY(!config.ok());
    QTEST(QString::fromStdString(config.error().code), "expectedCode");
    QFETCH(QString, expectedInMessage);
    const QString message = QString::fromStdString(config.error().message);
    QVERIFY2(message.contains(expectedInMessage), qPrintable(message));
    QVERIFY(!message.contains(QLatin1String("s3cret")));
}

void TestCloudsConfig::endpointOverrides()
{
    auto config = CloudsConfig::fromYaml(
        "clouds:\n  c:\n    compute_endpoint_override: http://127.0.0.1:9/v2.1\n"
        "    image_endpoint_override: https://glance.example\n"
        "    auth:\n      auth_url: http://h\n      user_id: u\n      password: p\n",
        QByteArray(), "c", Variables());
    QVERIFY(config.ok());
    QCOMPARE(config->endpointOverrides.size(), 2);
    QCOMPARE(config->endpointOverrides.value("compute"), QUrl("http://127.0.0.1:9/v2.1"));
    QCOMPARE(config->endpointOverrides.value("image"), QUrl("https://glance.example"));
}

void TestCloudsConfig::oversizedFileIsRefused()
{
    QByteArray big = "clouds:\n  c:\n    auth:\n      auth_url: http://h\n# ";
    big.append(QByteArray(CloudsConfig::kMaxFileBytes, 'x'));
    auto config = CloudsConfig::fromYaml(big, QByteArray(), "c", Variables());
    QVERIFY(!config.ok());
    QCOMPARE(config.error().code, std::string("clouds.too_large"));

    QTemporaryDir dir;
    QVERIFY(writeFile(dir.filePath("clouds.yaml"), big));
    CloudsConfig::Environment environment;
    environment.currentDirectory = dir.path();
    environment.homeDirectory = dir.filePath("home");
    environment.systemDirectory = dir.filePath("etc");
    auto loaded = CloudsConfig::load(environment, "c");
    QVERIFY(!loaded.ok());
    QCOMPARE(loaded.error().code, std::string("clouds.too_large"));
}

void TestCloudsConfig::aliasBombIsBounded()
{
    // Each level doubles through aliases: 2^30 leaves if expanded.
    QByteArray bomb = "a0: &a0 [x, x]\n";
    for (int level = 1; level <= 30; ++level)
        bomb += QByteArray("a") + QByteArray::number(level) + ": &a" + QByteArray::number(level) +
                " [*a" + QByteArray::number(level - 1) + ", *a" + QByteArray::number(level - 1) +
                "]\n";
    bomb += "clouds:\n  c:\n    auth:\n      auth_url: http://h\n      junk: *a30\n";
    auto config = CloudsConfig::fromYaml(bomb, QByteArray(), "c", Variables());
    QVERIFY(!config.ok());
    QCOMPARE(config.error().code, std::string("clouds.syntax"));
}

void TestCloudsConfig::searchPathOrder()
{
    CloudsConfig::Environment environment;
    environment.currentDirectory = "/work/dir";
    environment.homeDirectory = "/home/op";
    QCOMPARE(CloudsConfig::searchPath(environment, "clouds.yaml"),
             QStringList({"/work/dir/clouds.yaml", "/home/op/.config/openstack/clouds.yaml",
                          "/etc/openstack/clouds.yaml"}));
    environment.variables.insert("XDG_CONFIG_HOME", "/xdg");
    QCOMPARE(CloudsConfig::searchPath(environment, "secure.yaml").at(1),
             QString("/xdg/openstack/secure.yaml"));
}

void TestCloudsConfig::loadPicksFirstFileInSearchPath()
{
    QTemporaryDir dir;
    CloudsConfig::Environment environment;
    environment.currentDirectory = dir.filePath("cwd");
    environment.homeDirectory = dir.filePath("home");
    environment.systemDirectory = dir.filePath("etc");
    QDir().mkpath(environment.currentDirectory);
    const auto cloud = [](const char *region) {
        return QByteArray("clouds:\n  c:\n    region_name: ") + region +
               "\n    auth:\n      auth_url: http://h\n      user_id: u\n      password: p\n";
    };
    QVERIFY(writeFile(dir.filePath("etc/clouds.yaml"), cloud("etc")));
    auto fromEtc = CloudsConfig::load(environment, "c");
    QVERIFY(fromEtc.ok());
    QCOMPARE(fromEtc->regionName, QString("etc"));
    QCOMPARE(fromEtc->sourceFile, dir.filePath("etc/clouds.yaml"));

    QVERIFY(writeFile(dir.filePath("home/.config/openstack/clouds.yaml"), cloud("home")));
    auto fromHome = CloudsConfig::load(environment, "c");
    QVERIFY(fromHome.ok());
    QCOMPARE(fromHome->regionName, QString("home"));

    QVERIFY(writeFile(dir.filePath("cwd/clouds.yaml"), cloud("cwd")));
    auto fromCwd = CloudsConfig::load(environment, "c");
    QVERIFY(fromCwd.ok());
    QCOMPARE(fromCwd->regionName, QString("cwd"));
}

void TestCloudsConfig::loadHonoursConfigFileVariableAndSecureFile()
{
    QTemporaryDir dir;
    CloudsConfig::Environment environment;
    environment.currentDirectory = dir.filePath("cwd");
    environment.homeDirectory = dir.filePath("home");
    environment.systemDirectory = dir.filePath("etc");
    QVERIFY(writeFile(dir.filePath("cwd/clouds.yaml"),
                      "clouds:\n  c:\n    region_name: cwd\n    auth:\n      auth_url: http://h\n"
                      "      user_id: u\n      password: p\n"));
    QVERIFY(writeFile(dir.filePath("elsewhere.yaml"),
                      "clouds:\n  c:\n    region_name: chosen\n    auth:\n"
                      "      auth_url: http://h\n      user_id: u\n"));
    QVERIFY(writeFile(dir.filePath("home/.config/openstack/secure.yaml"),
                      "clouds:\n  c:\n    auth:\n      password: from-secure\n"));
    environment.variables.insert("OS_CLIENT_CONFIG_FILE", dir.filePath("elsewhere.yaml"));
    environment.variables.insert("OS_CLOUD", "c");
    auto config = CloudsConfig::load(environment);
    QVERIFY2(config.ok(), config.ok() ? "" : config.error().message.c_str());
    QCOMPARE(config->regionName, QString("chosen"));
    QCOMPARE(config->password, QString("from-secure"));

    environment.variables.insert("OS_CLIENT_CONFIG_FILE", dir.filePath("missing.yaml"));
    auto missing = CloudsConfig::load(environment);
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, std::string("clouds.not_found"));
}

void TestCloudsConfig::loadWithoutAnything()
{
    QTemporaryDir dir;
    CloudsConfig::Environment environment;
    environment.currentDirectory = dir.path();
    environment.homeDirectory = dir.path();
    environment.systemDirectory = dir.path();
    auto config = CloudsConfig::load(environment);
    QVERIFY(!config.ok());
    QCOMPARE(config.error().code, std::string("clouds.not_found"));
}

QTEST_APPLESS_MAIN(TestCloudsConfig)
#include "tst_cloudsconfig.moc"
