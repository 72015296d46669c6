// iot-portald's configuring step through Puppet over SSH (DESIGN §5, issue 5): the local
// backend's instances are configured through --ssh-target, here a real sshd on 127.0.0.1
// (tests/support/SshServer) logging in to this machine, with Debian's puppet. The files Puppet
// manages live in the test's temp dir. The host key is trusted through the program's own
// `ssh trust` command, against ssh-keygen's fingerprint.

#include "tests/support/daemonprocess.h"
#include "tests/support/gatewaytls.h"
#include "tests/support/sshserver.h"

#include <portal-core/crypto/labpki.h>
#include <portal-core/store/store.h>

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Portal;

namespace {

const QString kPortald = QStringLiteral(IOT_PORTALD_PATH);
constexpr int kConfiguredTimeoutMs = 120000;

bool writeJson(const QString &path, const QJsonObject &object)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(QJsonDocument(object).toJson()) > 0;
}

} // namespace

class TestPortaldPuppet : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void hostKeyIsTrustedOnlyByItsFingerprint();
    void configuredInstanceServesItsDevices();
    void reprovisionAndDryRunAreAdminActions();
    void failingManifestFailsTheInstance();
    void templateWithoutPuppetIsSkipped();
    void cleanupTestCase();

private:
    int runCli(const QStringList &arguments, QByteArray *output = nullptr);
    QStringList sshArguments() const;
    int attach(const QString &deviceId, const QString &vendor)
    {
        return Testing::attachDevice(m_gateway, m_portald->port(), deviceId, vendor);
    }
    bool deviceReaches(const QString &deviceId, Store::DeviceState state);
    std::optional<Store::Instance> instanceOf(const QString &deviceId);
    QList<Store::AuditEntry> auditOf(qint64 instanceId);
    // The device's instance and its audit trail, for failure messages.
    QByteArray story(const QString &deviceId);

    Testing::SshServer m_sshd;
    QTemporaryDir m_dir;
    Crypto::LabPkiPaths m_pki;
    QString m_database;
    QSslConfiguration m_gateway;
    std::unique_ptr<Testing::DaemonProcess> m_portald;
    std::unique_ptr<Store::Store> m_store;
};

int TestPortaldPuppet::runCli(const QStringList &arguments, QByteArray *output)
{
    QByteArray text;
    const int code = Testing::runCommand(
        kPortald, arguments + QStringList{QStringLiteral("--database"), m_database}, &text);
    if (output)
        *output = text;
    return code;
}

QStringList TestPortaldPuppet::sshArguments() const
{
    return {QStringLiteral("--ssh-target"),
            QStringLiteral("%1@127.0.0.1:%2").arg(m_sshd.userName()).arg(m_sshd.port()),
            QStringLiteral("--ssh-key"),
            m_sshd.userKeyPath(),
            QStringLiteral("--pki-dir"),
            m_dir.filePath(QStringLiteral("pki"))};
}

bool TestPortaldPuppet::deviceReaches(const QString &deviceId, Store::DeviceState state)
{
    return QTest::qWaitFor(
        [&] {
            auto device = m_store->findDevice(deviceId);
            return device && device->state == state;
        },
        kConfiguredTimeoutMs);
}

std::optional<Store::Instance> TestPortaldPuppet::instanceOf(const QString &deviceId)
{
    auto device = m_store->findDevice(deviceId);
    if (!device || device->instanceId == 0)
        return std::nullopt;
    auto instance = m_store->findInstance(device->instanceId);
    return instance ? std::optional<Store::Instance>(*instance) : std::nullopt;
}

QList<Store::AuditEntry> TestPortaldPuppet::auditOf(qint64 instanceId)
{
    QList<Store::AuditEntry> entries;
    auto log = m_store->auditLog(1000);
    if (!log)
        return entries;
    for (const Store::AuditEntry &entry : *log) {
        if (entry.subject == QStringLiteral("instance:%1").arg(instanceId))
            entries.append(entry);
    }
    return entries;
}

QByteArray TestPortaldPuppet::story(const QString &deviceId)
{
    QString text;
    if (const auto instance = instanceOf(deviceId)) {
        text = QStringLiteral("instance %1 %2: %3\n")
                   .arg(instance->id)
                   .arg(Store::toText(instance->state), instance->reason);
        for (const Store::AuditEntry &entry : auditOf(instance->id))
            text += entry.action + QLatin1Char(' ') + entry.detail.left(1500) + QLatin1Char('\n');
    }
    return text.toUtf8() + m_portald->output().right(1500);
}

void TestPortaldPuppet::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_sshd.start(), m_sshd.output().constData());
    auto pki = Crypto::LabPki::ensure(m_dir.filePath(QStringLiteral("pki")).toStdString());
    QVERIFY(pki);
    m_pki = *pki;
    m_gateway = Testing::gatewayTls(m_pki, QStringLiteral("gw-puppet"));
    QVERIFY(!m_gateway.localCertificate().isNull());
    m_database = m_dir.filePath(QStringLiteral("portal.sqlite"));

    const QString out = m_dir.filePath(QStringLiteral("out"));
    QVERIFY(QDir().mkpath(out));
    QVERIFY(writeJson(
        m_dir.filePath(QStringLiteral("good.json")),
        QJsonObject{{"portalFilesDir", m_dir.filePath(QStringLiteral("portal-files"))},
                    {"files", QJsonArray{QJsonObject{{"path", out + "/motd"},
                                                     {"content", "configured by puppet\n"}}}}}));
    QVERIFY(
        writeJson(m_dir.filePath(QStringLiteral("broken.json")),
                  QJsonObject{{"portalFilesDir", m_dir.filePath(QStringLiteral("portal-files"))},
                              {"classes", QJsonArray{QJsonObject{{"name", "broken"}}}},
                              {"modules", QJsonObject{{"broken/manifests/init.pp",
                                                       "class broken {\n"
                                                       "  exec { 'refuse-to-configure': command => "
                                                       "'/bin/false' }\n}\n"}}}}));
    QVERIFY(writeJson(m_dir.filePath(QStringLiteral("bad-name.json")),
                      QJsonObject{{"packages", QJsonArray{"rm -rf /"}}}));
    QCOMPARE(runCli({"template", "add", "--name", "configured", "--puppet-file",
                     m_dir.filePath(QStringLiteral("good.json"))}),
             0);
    QCOMPARE(runCli({"template", "add", "--name", "broken", "--puppet-file",
                     m_dir.filePath(QStringLiteral("broken.json"))}),
             0);
    QCOMPARE(runCli({"template", "add", "--name", "plain", "--flavor", "m1"}), 0);
    // A template whose Puppet part cannot render is refused when saved, naming the entry.
    QByteArray refusal;
    QCOMPARE(runCli({"template", "add", "--name", "bad", "--puppet-file",
                     m_dir.filePath(QStringLiteral("bad-name.json"))},
                    &refusal),
             2);
    QVERIFY2(refusal.contains("not a package name"), refusal.constData());
    for (const auto &[name, vendor, templateName, sharing] :
         {std::tuple{"meters", "acme", "configured", "shared"},
          std::tuple{"valves", "valveco", "broken", "dedicated"},
          std::tuple{"plain", "plainco", "plain", "shared"}})
        QCOMPARE(runCli({"class", "add", "--name", name, "--template", templateName, "--vendor",
                         vendor, "--sharing", sharing, "--enrolment", "open"}),
                 0);
    auto store = Store::Store::open(m_database);
    QVERIFY(store);
    m_store = std::move(*store);
}

void TestPortaldPuppet::hostKeyIsTrustedOnlyByItsFingerprint()
{
    const QString fingerprint = m_sshd.hostKeyFingerprint();
    QVERIFY(fingerprint.startsWith(QLatin1String("SHA256:")));
    QByteArray output;
    // Without --fingerprint: the refusal shows the fingerprint and nothing is recorded.
    QCOMPARE(runCli(QStringList{"ssh", "trust"} + sshArguments(), &output), 1);
    QVERIFY2(output.contains(fingerprint.toLatin1()), output.constData());
    QCOMPARE(runCli(QStringList{"ssh", "trust"} + sshArguments() +
                        QStringList{"--fingerprint", "SHA256:someone-else"},
                    &output),
             1);
    QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("pki/known_hosts"))) ||
            !QFile(m_dir.filePath(QStringLiteral("pki/known_hosts"))).size());
    QCOMPARE(runCli(QStringList{"ssh", "trust"} + sshArguments() +
                        QStringList{"--fingerprint", fingerprint},
                    &output),
             0);
    QCOMPARE(runCli(QStringList{"ssh", "trust"} + sshArguments(), &output), 0);
    QVERIFY2(output.contains("already trusted"), output.constData());
    // An alias of the admin's SSH config names the same host: already trusted too.
    const QString sshConfig = m_dir.filePath(QStringLiteral("ssh_config"));
    QVERIFY(Testing::writeFile(sshConfig, QStringLiteral("Host lab-alias\n    HostName "
                                                         "127.0.0.1\n    Port %1\n    User %2\n")
                                              .arg(m_sshd.port())
                                              .arg(m_sshd.userName())
                                              .toUtf8()));
    QCOMPARE(
        runCli({"ssh", "trust", "--ssh-target", "lab-alias", "--ssh-config", sshConfig, "--ssh-key",
                m_sshd.userKeyPath(), "--pki-dir", m_dir.filePath(QStringLiteral("pki"))},
               &output),
        0);
    QVERIFY2(output.contains("already trusted"), output.constData());
    // Without the config an alias without a user is refused as a usage error.
    QCOMPARE(runCli({"ssh", "trust", "--ssh-target", "lab-alias", "--pki-dir",
                     m_dir.filePath(QStringLiteral("pki"))},
                    &output),
             2);

    m_portald = std::make_unique<Testing::DaemonProcess>(
        kPortald,
        QStringList{QStringLiteral("--database"), m_database, QStringLiteral("--instances-dir"),
                    m_dir.filePath(QStringLiteral("instances")),
                    QStringLiteral("--m2m-service-path"), QStringLiteral(M2M_SERVICE_PATH)} +
            sshArguments());
    QVERIFY2(m_portald->start(), m_portald->output().constData());
}

void TestPortaldPuppet::configuredInstanceServesItsDevices()
{
    QVERIFY(m_portald);
    const QString deviceId = QStringLiteral("a1a2a3a4a5a6a7a8");
    QCOMPARE(attach(deviceId, QStringLiteral("acme")), 202);
    QVERIFY2(deviceReaches(deviceId, Store::DeviceState::Ready), story(deviceId).constData());
    const auto instance = instanceOf(deviceId);
    QVERIFY(instance);
    QCOMPARE(instance->state, Store::InstanceState::Ready);
    QCOMPARE(Testing::readFile(m_dir.filePath(QStringLiteral("out/motd"))),
             QByteArray("configured by puppet\n"));
    const QString files =
        m_dir.filePath(QStringLiteral("portal-files/instance-%1").arg(instance->id));
    QCOMPARE(Testing::readFile(files + QStringLiteral("/portal-ca.pem")),
             Testing::readFile(m_pki.portalCa.certificatePath));
    QVERIFY(
        Testing::readFile(files + QStringLiteral("/devices.json")).contains(deviceId.toLatin1()));

    // requested → building → configuring → (Puppet applied) → ready, in that order.
    QStringList actions;
    QString applied;
    for (const Store::AuditEntry &entry : auditOf(instance->id)) {
        actions.append(entry.action);
        if (entry.action == QLatin1String("instance.puppet_applied"))
            applied = entry.detail;
    }
    const int configuring = actions.indexOf(QStringLiteral("instance.configuring"));
    const int puppet = actions.indexOf(QStringLiteral("instance.puppet_applied"));
    const int ready = actions.indexOf(QStringLiteral("instance.ready"));
    QVERIFY2(configuring >= 0 && puppet >= 0 && ready >= 0, qPrintable(actions.join(' ')));
    // The log is newest first or oldest first; either way Puppet sits between the two.
    QVERIFY2((configuring < puppet && puppet < ready) || (configuring > puppet && puppet > ready),
             qPrintable(actions.join(' ')));
    QVERIFY2(applied.startsWith(QLatin1String("changed\n")), qPrintable(applied.left(300)));
    QVERIFY2(applied.contains(QLatin1String("Notice:")), qPrintable(applied.left(2000)));
}

void TestPortaldPuppet::reprovisionAndDryRunAreAdminActions()
{
    QVERIFY(m_portald);
    const auto instance = instanceOf(QStringLiteral("a1a2a3a4a5a6a7a8"));
    QVERIFY(instance);
    const QString motd = m_dir.filePath(QStringLiteral("out/motd"));
    QVERIFY(Testing::writeFile(motd, "changed by hand\n"));
    // The CLI queues the request; the running portald does it and the CLI prints the outcome.
    const auto reprovision = [&](const QStringList &extra) {
        QByteArray output;
        const int code = Testing::runCommand(
            kPortald,
            QStringList{QStringLiteral("instance"), QStringLiteral("reprovision"),
                        QStringLiteral("--id"), QString::number(instance->id),
                        QStringLiteral("--wait-s"), QStringLiteral("120"),
                        QStringLiteral("--database"), m_database} +
                extra,
            &output, 150000, true);
        QJsonObject result = QJsonDocument::fromJson(output).object();
        result.insert(QStringLiteral("exitCode"), code);
        return result;
    };
    const QJsonObject dryRun = reprovision({QStringLiteral("--noop")});
    QCOMPARE(dryRun.value(QStringLiteral("exitCode")).toInt(), 0);
    QCOMPARE(dryRun.value(QStringLiteral("outcome")).toString(), QStringLiteral("would change"));
    QVERIFY2(dryRun.value(QStringLiteral("log")).toString().contains(QLatin1String("(noop)")),
             qPrintable(dryRun.value(QStringLiteral("log")).toString().left(2000)));
    QCOMPARE(Testing::readFile(motd), QByteArray("changed by hand\n")); // a dry run changes nothing

    const QJsonObject applied = reprovision({});
    QCOMPARE(applied.value(QStringLiteral("exitCode")).toInt(), 0);
    QCOMPARE(applied.value(QStringLiteral("outcome")).toString(), QStringLiteral("changed"));
    QCOMPARE(Testing::readFile(motd), QByteArray("configured by puppet\n"));
    const QJsonObject again = reprovision({});
    QCOMPARE(again.value(QStringLiteral("outcome")).toString(), QStringLiteral("unchanged"));

    // While a run goes, its lines are in the request for the GUI to show as they come.
    QVERIFY(Testing::writeFile(motd, "changed by hand again\n"));
    const auto id = m_store->requestAdminAction(QStringLiteral("instance.reprovision"),
                                                QStringLiteral("instance:%1").arg(instance->id), {},
                                                QStringLiteral("test"));
    QVERIFY(id);
    QString progressWhileRunning;
    Store::AdminRequest request;
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < 120000) {
        request = *m_store->findAdminRequest(*id);
        if (request.state != Store::AdminRequestState::Pending)
            break;
        if (!request.progress.isEmpty() && progressWhileRunning.isEmpty())
            progressWhileRunning = request.progress;
        QTest::qWait(20);
    }
    QCOMPARE(request.state, Store::AdminRequestState::Done);
    QVERIFY2(progressWhileRunning.startsWith(QLatin1String("== ")),
             qPrintable(progressWhileRunning));
    QVERIFY2(request.progress.contains(QLatin1String("== puppet apply")) &&
                 request.progress.contains(QLatin1String("Notice:")),
             qPrintable(request.progress.right(1500)));
    // What streamed is what the outcome's log holds.
    const QString log = QJsonDocument::fromJson(request.result.toUtf8())
                            .object()
                            .value(QStringLiteral("log"))
                            .toString();
    QVERIFY2(log.contains(request.progress.section(QLatin1Char('\n'), -3, -2)),
             qPrintable(log.right(500) + QStringLiteral(" / ") + request.progress.right(500)));
    QCOMPARE(m_store->findInstance(instance->id)->state, Store::InstanceState::Ready);

    QStringList actions;
    for (const Store::AuditEntry &entry : auditOf(instance->id))
        actions.append(entry.action);
    for (const char *action : {"instance.dry_run_requested", "instance.dry_run",
                               "instance.reprovision_requested", "instance.reprovisioned"})
        QVERIFY2(actions.contains(QLatin1String(action)), qPrintable(actions.join(' ')));
}

void TestPortaldPuppet::failingManifestFailsTheInstance()
{
    QVERIFY(m_portald);
    const QString deviceId = QStringLiteral("b1b2b3b4b5b6b7b8");
    QCOMPARE(attach(deviceId, QStringLiteral("valveco")), 202);
    QVERIFY2(deviceReaches(deviceId, Store::DeviceState::Failed), story(deviceId).constData());
    const auto instance = instanceOf(deviceId);
    QVERIFY(instance);
    QCOMPARE(instance->state, Store::InstanceState::Failed);
    QVERIFY2(instance->reason.contains(QLatin1String("Error: ")) &&
                 instance->reason.contains(QLatin1String("refuse-to-configure")),
             qPrintable(instance->reason));
    bool logged = false;
    for (const Store::AuditEntry &entry : auditOf(instance->id))
        logged = logged || (entry.action == QLatin1String("instance.puppet_failed") &&
                            entry.detail.contains(QLatin1String("[stderr] Error: ")));
    QVERIFY2(logged, story(deviceId).constData());
}

void TestPortaldPuppet::templateWithoutPuppetIsSkipped()
{
    QVERIFY(m_portald);
    const QString deviceId = QStringLiteral("c1c2c3c4c5c6c7c8");
    QCOMPARE(attach(deviceId, QStringLiteral("plainco")), 202);
    QVERIFY2(deviceReaches(deviceId, Store::DeviceState::Ready), story(deviceId).constData());
    const auto instance = instanceOf(deviceId);
    QVERIFY(instance);
    QString skipped;
    for (const Store::AuditEntry &entry : auditOf(instance->id)) {
        if (entry.action == QLatin1String("instance.puppet_skipped"))
            skipped = entry.detail;
    }
    QVERIFY2(skipped.contains(QLatin1String("no Puppet content")), qPrintable(skipped));
}

void TestPortaldPuppet::cleanupTestCase()
{
    if (m_portald)
        QVERIFY2(m_portald->stop(20000), m_portald->output().right(2000).constData());
    m_portald.reset();
    m_sshd.stop();
}

QTEST_GUILESS_MAIN(TestPortaldPuppet)
#include "tst_portaldpuppet.moc"
