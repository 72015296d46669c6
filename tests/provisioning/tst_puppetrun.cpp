// Puppet over SSH against a real OpenSSH sshd on 127.0.0.1 (keys made by ssh-keygen) and
// Debian's puppet: the instance is this machine, so the files Puppet manages live in the
// test's temp dir. Host-key fingerprints are checked against ssh-keygen's own.

#include "tests/support/sshserver.h"
#include "tests/support/testfiles.h"

#include <portal-core/provisioning/puppetmanifest.h>
#include <portal-core/provisioning/puppetrun.h>
#include <portal-core/provisioning/sshsession.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

#include <unistd.h>

using namespace Portal;
using namespace Portal::Provisioning;

namespace {

constexpr int kRunTimeoutMs = 120000;

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

const char *describe(const Error &error)
{
    static thread_local std::string text;
    text = error.code + ": " + error.message;
    return text.c_str();
}

template<typename T>
const char *describe(const Result<T> &result)
{
    return result.ok() ? "" : describe(result.error());
}

// The run made its temp dir on the instance (this machine) and removed it again.
bool leftNothingBehind(const PuppetRun &run)
{
    return run.remoteDirectory().startsWith(QLatin1String("/tmp/iot-portal-puppet.")) &&
           !QFileInfo::exists(run.remoteDirectory());
}

} // namespace

class TestPuppetRun : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void unknownHostIsRefusedUntilTrusted();
    void wrongUserKeyIsAnAuthError();
    void commandOverItsTimeIsKilled();
    void manifestAppliedThenUnchanged();
    void noopShowsWhatWouldChange();
    void failingResourceReportsPuppetsErrors();
    void linesArriveWhilePuppetRuns();
    void cancelStopsTheRunAndCleansUp();
    void fiveInstancesAtOnce();
    void sshConfigFileSuppliesWhatTheTargetLeavesOpen();
    void changedHostKeyIsRefused();
    void cleanupTestCase();

private:
    SshTarget target() const;
    QJsonObject filesTemplate(const QString &directory, const QString &motd) const;
    // Runs job to its end on the event loop; the run stays for its log.
    std::unique_ptr<PuppetRun> runToEnd(PuppetJob job);
    PuppetJob jobFor(const QJsonObject &templateSpec, bool noop = false);

    Testing::SshServer m_sshd;
    QTemporaryDir m_dir;
};

SshTarget TestPuppetRun::target() const
{
    SshTarget target;
    target.host = QStringLiteral("127.0.0.1");
    target.port = m_sshd.port();
    target.user = m_sshd.userName();
    target.knownHostsPath = m_dir.filePath(QStringLiteral("known_hosts"));
    target.identityFile = m_sshd.userKeyPath();
    return target;
}

QJsonObject TestPuppetRun::filesTemplate(const QString &directory, const QString &motd) const
{
    // "Packages as files": what a package would install, written as files, plus a class
    // from an uploaded module taking a parameter.
    const QJsonArray files{
        QJsonObject{{"path", directory + "/etc/motd"}, {"content", motd}, {"mode", "0640"}},
        QJsonObject{{"path", directory + "/opt/iot-m2m-service.installed"},
                    {"content", "iot-m2m-service 0.1.0\n"}},
    };
    const QJsonObject modules{
        {"portaltest/manifests/init.pp",
         "class portaltest (String $greeting) {\n"
         "  file { '" +
             directory +
             "/etc/greeting': ensure => file, content => \"${greeting}\\n\" }\n"
             "}\n"},
    };
    const QJsonArray classes{QJsonObject{{"name", "portaltest"},
                                         {"parameters", QJsonObject{{"greeting", "hello 'lab'"}}}}};
    return QJsonObject{
        {"image", "debian-12"},
        {"puppet", QJsonObject{{"files", files}, {"classes", classes}, {"modules", modules}}}};
}

PuppetJob TestPuppetRun::jobFor(const QJsonObject &templateSpec, bool noop)
{
    auto manifest = renderManifest(templateSpec, QStringLiteral("tst_puppetrun"));
    if (!manifest)
        qFatal("%s", describe(manifest.error()));
    PuppetJob job;
    job.target = target();
    job.manifest = *manifest;
    job.noop = noop;
    job.timeoutMs = kRunTimeoutMs;
    return job;
}

std::unique_ptr<PuppetRun> TestPuppetRun::runToEnd(PuppetJob job)
{
    auto run = std::make_unique<PuppetRun>(std::move(job));
    QSignalSpy finished(run.get(), &PuppetRun::finished);
    run->start();
    if (!finished.wait(kRunTimeoutMs + 30000))
        qWarning("the run did not finish in time");
    return run;
}

void TestPuppetRun::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_sshd.start(), m_sshd.output().constData());
}

void TestPuppetRun::unknownHostIsRefusedUntilTrusted()
{
    auto refused = SshSession::connect(target());
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, std::string("ssh.host_unknown"));
    const QString fingerprint = m_sshd.hostKeyFingerprint();
    QVERIFY(fingerprint.startsWith(QLatin1String("SHA256:")));
    QVERIFY2(QString::fromStdString(refused.error().message).contains(fingerprint),
             describe(refused));

    // Approving another fingerprint records nothing.
    auto mismatch = SshSession::trustHostKey(target(), QStringLiteral("SHA256:not-this-one"));
    QVERIFY(!mismatch);
    QCOMPARE(mismatch.error().code, std::string("ssh.host_changed"));
    QCOMPARE(SshSession::connect(target()).error().code, std::string("ssh.host_unknown"));

    auto trusted = SshSession::trustHostKey(target(), fingerprint);
    QVERIFY2(trusted.ok(), describe(trusted));
    auto session = SshSession::connect(target());
    QVERIFY2(session.ok(), describe(session));
    QStringList lines;
    auto status =
        (*session)->run(QStringLiteral("echo out; echo err >&2; exit 3"), 10000,
                        [&lines](OutputStream stream, const QString &line) {
                            lines.append((stream == OutputStream::Stderr ? "2:" : "1:") + line);
                        });
    QVERIFY2(status.ok(), describe(status));
    QCOMPARE(*status, 3);
    QCOMPARE(lines, (QStringList{"1:out", "2:err"}));
}

void TestPuppetRun::wrongUserKeyIsAnAuthError()
{
    SshTarget wrongKey = target();
    wrongKey.identityFile = m_sshd.makeUnauthorisedKey();
    QVERIFY(!wrongKey.identityFile.isEmpty());
    auto refused = SshSession::connect(wrongKey);
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, std::string("ssh.auth"));
    QVERIFY2(QString::fromStdString(refused.error().message).contains(wrongKey.identityFile),
             describe(refused));

    SshTarget missingKey = target();
    missingKey.identityFile = m_dir.filePath(QStringLiteral("no-such-key"));
    QCOMPARE(SshSession::connect(missingKey).error().code, std::string("ssh.auth"));
}

void TestPuppetRun::commandOverItsTimeIsKilled()
{
    auto session = SshSession::connect(target());
    QVERIFY2(session.ok(), describe(session));
    const QString marker = QStringLiteral("iot-portal-timeout-marker-%1").arg(getpid());
    QElapsedTimer elapsed;
    elapsed.start();
    // The subshell leaves behind a process outside the command's tree and session (as
    // Puppet's execs are): it carries the command's token, so it is found and killed too.
    const QString orphan = QStringLiteral("sleep %1").arg(3000 + getpid() % 1000);
    auto status = (*session)->run(
        QStringLiteral("(setsid %1 &); sleep 300 # %2").arg(orphan, marker), 2000, {});
    QVERIFY(!status);
    QCOMPARE(status.error().code, std::string("ssh.timeout"));
    QVERIFY2(elapsed.elapsed() < 20000, qPrintable(QString::number(elapsed.elapsed())));
    // Nothing of it is left running on the instance.
    for (const QString &pattern : {marker, QLatin1Char('^') + orphan + QLatin1Char('$')}) {
        QProcess pgrep;
        pgrep.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), pattern});
        QVERIFY(pgrep.waitForFinished(10000));
        QVERIFY2(pgrep.exitCode() == 1, qPrintable(pattern)); // no process matched
    }
    // The session is still usable after a timed-out command.
    auto next = (*session)->run(QStringLiteral("true"), 10000, {});
    QVERIFY2(next.ok(), describe(next));
    QCOMPARE(*next, 0);
}

void TestPuppetRun::manifestAppliedThenUnchanged()
{
    const QString directory = m_dir.filePath(QStringLiteral("applied"));
    QVERIFY(QDir().mkpath(directory + QStringLiteral("/etc")));
    QVERIFY(QDir().mkpath(directory + QStringLiteral("/opt")));
    const QJsonObject spec = filesTemplate(directory, QStringLiteral("welcome\n"));

    auto first = runToEnd(jobFor(spec));
    QVERIFY(first->isFinished());
    QVERIFY2(first->result()->ok(), qPrintable(first->log().join('\n')));
    QCOMPARE(first->result()->value(), PuppetOutcome::Changed);
    QCOMPARE(readAll(directory + QStringLiteral("/etc/motd")), QByteArray("welcome\n"));
    const QFile::Permissions everyone = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner |
                                        QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                        QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
    QCOMPARE(QFileInfo(directory + QStringLiteral("/etc/motd")).permissions() & everyone,
             QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup); // mode 0640
    QCOMPARE(readAll(directory + QStringLiteral("/etc/greeting")), QByteArray("hello 'lab'\n"));
    QVERIFY(QFile::exists(directory + QStringLiteral("/opt/iot-m2m-service.installed")));
    QVERIFY(first->log().join('\n').contains(QLatin1String("Notice:")));

    auto second = runToEnd(jobFor(spec));
    QVERIFY2(second->result()->ok(), qPrintable(second->log().join('\n')));
    QCOMPARE(second->result()->value(), PuppetOutcome::Unchanged);
    QVERIFY(leftNothingBehind(*first));
    QVERIFY(leftNothingBehind(*second));
}

void TestPuppetRun::noopShowsWhatWouldChange()
{
    const QString directory = m_dir.filePath(QStringLiteral("applied"));
    auto run = runToEnd(jobFor(filesTemplate(directory, QStringLiteral("changed\n")), true));
    QVERIFY2(run->result()->ok(), qPrintable(run->log().join('\n')));
    QVERIFY2(run->log().join('\n').contains(QLatin1String("(noop)")),
             qPrintable(run->log().join('\n')));
    // Nothing changed on the instance.
    QCOMPARE(readAll(directory + QStringLiteral("/etc/motd")), QByteArray("welcome\n"));
}

void TestPuppetRun::failingResourceReportsPuppetsErrors()
{
    const QString directory = m_dir.filePath(QStringLiteral("failing"));
    QVERIFY(QDir().mkpath(directory));
    const QJsonObject spec{
        {"puppet",
         QJsonObject{{"classes", QJsonArray{QJsonObject{{"name", "failing"}}}},
                     {"modules", QJsonObject{{"failing/manifests/init.pp",
                                              "class failing {\n"
                                              "  exec { 'refuse': command => '/bin/false' }\n"
                                              "  file { '" +
                                                  directory +
                                                  "/after': ensure => file,"
                                                  " require => Exec['refuse'] }\n"
                                                  "}\n"}}}}}};
    auto run = runToEnd(jobFor(spec));
    QVERIFY(!run->result()->ok());
    QCOMPARE(run->result()->error().code, std::string("puppet.failed"));
    const QString message = QString::fromStdString(run->result()->error().message);
    QVERIFY2(message.contains(QLatin1String("Error: ")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("refuse")), qPrintable(message));
    QVERIFY(run->log().join('\n').contains(QLatin1String("[stderr] Error: ")));
    QVERIFY(!QFile::exists(directory + QStringLiteral("/after")));
    QVERIFY(leftNothingBehind(*run));
}

void TestPuppetRun::linesArriveWhilePuppetRuns()
{
    const QJsonObject spec{
        {"puppet",
         QJsonObject{{"classes", QJsonArray{QJsonObject{{"name", "slow"}}}},
                     {"modules", QJsonObject{{"slow/manifests/init.pp",
                                              "class slow {\n"
                                              "  notify { 'before-the-wait': }\n"
                                              "  -> exec { 'wait': command => '/bin/sleep 4' }\n"
                                              "  -> notify { 'after-the-wait': }\n"
                                              "}\n"}}}}}};
    PuppetRun run(jobFor(spec));
    QElapsedTimer clock;
    qint64 beforeAtMs = -1;
    qint64 afterAtMs = -1;
    connect(&run, &PuppetRun::lineReceived, this, [&](const QString &line) {
        if (line.contains(QLatin1String("before-the-wait")) && beforeAtMs < 0)
            beforeAtMs = clock.elapsed();
        if (line.contains(QLatin1String("after-the-wait")) && afterAtMs < 0)
            afterAtMs = clock.elapsed();
    });
    QSignalSpy finished(&run, &PuppetRun::finished);
    clock.start();
    run.start();
    QVERIFY(finished.wait(kRunTimeoutMs));
    QVERIFY2(run.result()->ok(), qPrintable(run.log().join('\n')));
    QVERIFY2(beforeAtMs >= 0 && afterAtMs >= 0, qPrintable(run.log().join('\n')));
    // The first notice came while the exec still slept, not with everything at the end.
    QVERIFY2(afterAtMs - beforeAtMs >= 3000,
             qPrintable(
                 QStringLiteral("before at %1 ms, after at %2 ms").arg(beforeAtMs).arg(afterAtMs)));
}

void TestPuppetRun::cancelStopsTheRunAndCleansUp()
{
    // A duration of this test's own, so no other process on the machine (another test, a
    // shell's `sleep 300`) looks like the exec left behind.
    const QString stuckSleep = QStringLiteral("/bin/sleep %1").arg(4000 + getpid() % 1000);
    const QJsonObject spec{
        {"puppet",
         QJsonObject{
             {"classes", QJsonArray{QJsonObject{{"name", "stuck"}}}},
             {"modules", QJsonObject{{"stuck/manifests/init.pp",
                                      QStringLiteral("class stuck {\n"
                                                     "  notify { 'stuck-start': }\n"
                                                     "  -> exec { 'stuck': command => '%1' }\n"
                                                     "}\n")
                                          .arg(stuckSleep)}}}}}};
    PuppetRun run(jobFor(spec));
    QSignalSpy finished(&run, &PuppetRun::finished);
    connect(&run, &PuppetRun::lineReceived, &run, [&run](const QString &line) {
        if (line.contains(QLatin1String("stuck-start")))
            run.cancel();
    });
    QElapsedTimer elapsed;
    elapsed.start();
    run.start();
    QVERIFY(finished.wait(kRunTimeoutMs));
    QVERIFY(!run.result()->ok());
    QCOMPARE(run.result()->error().code, std::string("ssh.cancelled"));
    QVERIFY2(elapsed.elapsed() < 60000, qPrintable(QString::number(elapsed.elapsed())));
    QVERIFY(leftNothingBehind(run));
    QVERIFY(QTest::qWaitFor(
        [&stuckSleep] {
            QProcess pgrep;
            pgrep.start(QStringLiteral("pgrep"),
                        {QStringLiteral("-f"), stuckSleep + QLatin1Char('$')});
            pgrep.waitForFinished(10000);
            return pgrep.exitCode() == 1;
        },
        15000));
}

void TestPuppetRun::fiveInstancesAtOnce()
{
    std::vector<std::unique_ptr<PuppetRun>> runs;
    int finishedRuns = 0;
    QElapsedTimer elapsed;
    elapsed.start();
    for (int instance = 0; instance < 5; ++instance) {
        const QString directory = m_dir.filePath(QStringLiteral("instance-%1").arg(instance));
        QVERIFY(QDir().mkpath(directory + QStringLiteral("/etc")));
        QVERIFY(QDir().mkpath(directory + QStringLiteral("/opt")));
        runs.push_back(std::make_unique<PuppetRun>(
            jobFor(filesTemplate(directory, QStringLiteral("instance %1\n").arg(instance)))));
        connect(runs.back().get(), &PuppetRun::finished, this, [&finishedRuns] { ++finishedRuns; });
    }
    for (auto &run : runs)
        run->start();
    QVERIFY(QTest::qWaitFor([&] { return finishedRuns == 5; }, kRunTimeoutMs * 2));
    qInfo("5 concurrent runs (connect + upload + puppet apply) in %lld ms",
          static_cast<long long>(elapsed.elapsed()));
    for (int instance = 0; instance < 5; ++instance) {
        const auto &run = runs[size_t(instance)];
        QVERIFY2(run->result()->ok(), qPrintable(run->log().join('\n')));
        QCOMPARE(run->result()->value(), PuppetOutcome::Changed);
        QCOMPARE(readAll(m_dir.filePath(QStringLiteral("instance-%1/etc/motd").arg(instance))),
                 QStringLiteral("instance %1\n").arg(instance).toUtf8());
        QVERIFY(leftNothingBehind(*run));
    }
}

void TestPuppetRun::sshConfigFileSuppliesWhatTheTargetLeavesOpen()
{
    // An alias the admin's SSH config resolves: host name, port, user and key come from it.
    const QString config = m_dir.filePath(QStringLiteral("ssh_config"));
    QVERIFY(Testing::writeFile(config, QStringLiteral("Host other\n"
                                                      "    Port 1\n"
                                                      "Host lab-instance\n"
                                                      "    HostName 127.0.0.1\n"
                                                      "    Port %1\n"
                                                      "    User %2\n"
                                                      "    IdentityFile %3\n")
                                           .arg(m_sshd.port())
                                           .arg(m_sshd.userName(), m_sshd.userKeyPath())
                                           .toUtf8()));
    SshTarget alias;
    alias.host = QStringLiteral("lab-instance");
    alias.port = 0;
    alias.knownHostsPath = target().knownHostsPath; // trusted by an earlier case
    alias.sshConfigFile = config;
    auto session = SshSession::connect(alias);
    QVERIFY2(session.ok(), describe(session));
    QStringList lines;
    auto status = (*session)->run(QStringLiteral("echo configured-by-alias"), 10000,
                                  [&](OutputStream, const QString &line) { lines.append(line); });
    QVERIFY2(status.ok(), describe(status));
    QCOMPARE(*status, 0);
    QVERIFY(lines.contains(QStringLiteral("configured-by-alias")));

    // Without the config the alias means nothing, and ~/.ssh/config is never read.
    alias.sshConfigFile.clear();
    alias.user = m_sshd.userName();
    alias.port = 22;
    QCOMPARE(SshSession::connect(alias).error().code, std::string("ssh.connect"));
    // A config that cannot be read is a configuration error, not a connection attempt.
    alias.sshConfigFile = m_dir.filePath(QStringLiteral("no-such-config"));
    QCOMPARE(SshSession::connect(alias).error().code, std::string("ssh.config"));
}

void TestPuppetRun::changedHostKeyIsRefused()
{
    const QString before = m_sshd.hostKeyFingerprint();
    QVERIFY2(m_sshd.replaceHostKey(), m_sshd.output().constData());
    const QString after = m_sshd.hostKeyFingerprint();
    QVERIFY(before != after);
    auto refused = SshSession::connect(target());
    QVERIFY(!refused);
    QCOMPARE(refused.error().code, std::string("ssh.host_changed"));
    const QString message = QString::fromStdString(refused.error().message);
    QVERIFY2(message.contains(before) && message.contains(after), qPrintable(message));
    // An explicit trust does not replace a recorded key either.
    auto stillRefused = SshSession::trustHostKey(target(), after);
    QVERIFY(!stillRefused);
    QCOMPARE(stillRefused.error().code, std::string("ssh.host_changed"));
    // A run fails the same way, before anything is uploaded.
    auto run = runToEnd(
        jobFor(filesTemplate(m_dir.filePath(QStringLiteral("applied")), QStringLiteral("x\n"))));
    QCOMPARE(run->result()->error().code, std::string("ssh.host_changed"));
}

void TestPuppetRun::cleanupTestCase()
{
    m_sshd.stop();
}

QTEST_GUILESS_MAIN(TestPuppetRun)
#include "tst_puppetrun.moc"
