// The configuring step (Engine::InstanceConfigurator) in-process against a real sshd
// (tests/support/SshServer) and Debian's puppet, with the SSH key's passphrase in a secret
// store (the in-memory one, as DESIGN §6 has tests do; the file store is the daemons').
// A missing passphrase gives a message naming the secret; a store that cannot be read fails
// the step without trying the key.

#include "tests/support/sshserver.h"
#include "tests/support/testfiles.h"

#include <portal-core/engine/instanceconfigurator.h>
#include <portal-core/store/store.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Portal;
using Outcome = Engine::InstanceConfigurator::Outcome;

Q_DECLARE_METATYPE(Portal::Engine::InstanceConfigurator::Purpose)
Q_DECLARE_METATYPE(Portal::Engine::InstanceConfigurator::Outcome)

namespace {

constexpr int kRunTimeoutMs = 120000;
const QString kPassphrase = QStringLiteral("correct horse battery staple");

} // namespace

class TestInstanceConfigurator : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void passphraseComesFromTheSecretStore();
    void missingPassphraseNamesTheSecret();
    void unreadableSecretStoreFailsTheStep();
    void cleanupTestCase();

private:
    struct Finished
    {
        Outcome outcome = Outcome::Skipped;
        QString reason;
    };
    Finished configure(std::shared_ptr<Secrets::SecretStore> secrets, qint64 instanceId);

    QTemporaryDir m_dir;
    Testing::SshServer m_sshd;
    std::unique_ptr<Store::Store> m_store;
    QString m_encryptedKey;
};

void TestInstanceConfigurator::initTestCase()
{
    qRegisterMetaType<Engine::InstanceConfigurator::Purpose>();
    qRegisterMetaType<Engine::InstanceConfigurator::Outcome>();
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_sshd.prepare(), m_sshd.output().constData());
    m_encryptedKey = m_sshd.makeAuthorisedKey(kPassphrase);
    QVERIFY(!m_encryptedKey.isEmpty());
    QVERIFY2(m_sshd.start(), m_sshd.output().constData());
    auto store = Store::Store::open(m_dir.filePath(QStringLiteral("portal.sqlite")));
    QVERIFY(store);
    m_store = std::move(*store);
    const QString out = m_dir.filePath(QStringLiteral("out"));
    QVERIFY(QDir().mkpath(out));
    QJsonObject puppet{
        {"portalFilesDir", m_dir.filePath(QStringLiteral("portal-files"))},
        {"files", QJsonArray{QJsonObject{{"path", out + "/motd"}, {"content", "configured\n"}}}}};
    QVERIFY(m_store->upsertTemplate({QStringLiteral("configured"), {{"puppet", puppet}}}));
}

TestInstanceConfigurator::Finished
TestInstanceConfigurator::configure(std::shared_ptr<Secrets::SecretStore> secrets,
                                    qint64 instanceId)
{
    Engine::ConfiguratorConfig config;
    Provisioning::SshTarget target;
    target.host = QStringLiteral("127.0.0.1");
    target.port = m_sshd.port();
    target.user = m_sshd.userName();
    target.identityFile = m_encryptedKey;
    target.knownHostsPath = m_dir.filePath(QStringLiteral("known_hosts"));
    config.sshTarget = target;
    config.secrets = std::move(secrets);
    if (!QFile::exists(target.knownHostsPath) &&
        !Provisioning::SshSession::trustHostKey(target, m_sshd.hostKeyFingerprint()))
        return {Outcome::Skipped, QStringLiteral("cannot trust the test sshd")};
    Engine::InstanceConfigurator configurator(*m_store, config);
    QSignalSpy finished(&configurator, &Engine::InstanceConfigurator::finished);
    Store::Instance instance;
    instance.id = instanceId;
    instance.templateName = QStringLiteral("configured");
    configurator.configure(instance, QStringLiteral("local"));
    if (!finished.wait(kRunTimeoutMs))
        return {Outcome::Skipped, QStringLiteral("no answer")};
    const QList<QVariant> arguments = finished.takeFirst();
    return {arguments.at(2).value<Outcome>(), arguments.at(3).toString()};
}

void TestInstanceConfigurator::passphraseComesFromTheSecretStore()
{
    auto secrets = std::make_shared<Secrets::MemorySecretStore>();
    bool written = false;
    QObject context;
    secrets->write(Engine::sshKeyPassphraseSecret(m_encryptedKey), kPassphrase.toUtf8(), &context,
                   [&](const Result<void> &result) { written = result.ok(); });
    QTRY_VERIFY(written);
    const Finished result = configure(secrets, 1);
    QVERIFY2(result.outcome == Outcome::Changed, qPrintable(result.reason));
    QCOMPARE(Testing::readFile(m_dir.filePath(QStringLiteral("out/motd"))),
             QByteArray("configured\n"));
}

void TestInstanceConfigurator::missingPassphraseNamesTheSecret()
{
    const Finished result = configure(std::make_shared<Secrets::MemorySecretStore>(), 2);
    QCOMPARE(result.outcome, Outcome::Failed);
    QVERIFY2(result.reason.contains(Engine::sshKeyPassphraseSecret(m_encryptedKey)) &&
                 result.reason.contains(QLatin1String("in-memory secret store")),
             qPrintable(result.reason));
}

void TestInstanceConfigurator::unreadableSecretStoreFailsTheStep()
{
    const QString path = m_dir.filePath(QStringLiteral("secrets.json"));
    QVERIFY(Testing::writeFile(path, "{}"));
    QVERIFY(QFile(path).setPermissions(QFile(path).permissions() | QFileDevice::ReadOther));
    const Finished result = configure(std::make_shared<Secrets::FileSecretStore>(path), 3);
    QCOMPARE(result.outcome, Outcome::Failed);
    QVERIFY2(result.reason.contains(QLatin1String("cannot read the passphrase")) &&
                 result.reason.contains(QLatin1String("chmod 600")),
             qPrintable(result.reason));
}

void TestInstanceConfigurator::cleanupTestCase()
{
    m_sshd.stop();
}

QTEST_GUILESS_MAIN(TestInstanceConfigurator)
#include "tst_instanceconfigurator.moc"
