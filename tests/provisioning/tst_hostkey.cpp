// Host keys the portal makes for the machines it creates (Portal::Provisioning): generated
// with libssh, checked against OpenSSH's own ssh-keygen, and recorded in a known_hosts file
// without connecting; the file's other entries survive, an entry for the same host and port is
// replaced, and bad input changes nothing.

#include "tests/support/daemonprocess.h"
#include "tests/support/testfiles.h"

#include <portal-core/provisioning/sshsession.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Portal;

class TestHostKey : public QObject
{
    Q_OBJECT

private slots:
    void generatedKeyIsWhatOpenSshReads();
    void recordingReplacesOnlyTheSameHostAndPort();
    void badInputRecordsNothing_data();
    void badInputRecordsNothing();
};

void TestHostKey::generatedKeyIsWhatOpenSshReads()
{
    auto key = Provisioning::generateHostKey();
    QVERIFY(key);
    QVERIFY(key->privateKey.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));
    QVERIFY(key->publicKey.startsWith(QLatin1String("ssh-ed25519 AAAA")));
    QVERIFY(key->fingerprint.startsWith(QLatin1String("SHA256:")));
    QCOMPARE(Provisioning::publicKeyFingerprint(key->publicKey), key->fingerprint);
    // ssh-keygen derives the same public key and fingerprint from the private key.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("host_ed25519"));
    QVERIFY(Testing::writeFile(path, key->privateKey));
    QByteArray derived;
    QCOMPARE(Testing::runCommand(QStringLiteral("ssh-keygen"),
                                 {QStringLiteral("-y"), QStringLiteral("-f"), path}, &derived,
                                 30000, true),
             0);
    QCOMPARE(QString::fromLatin1(derived.trimmed()).section(QLatin1Char(' '), 0, 1),
             key->publicKey);
    QVERIFY(Testing::writeFile(path + QStringLiteral(".pub"), derived));
    QByteArray listed;
    QCOMPARE(
        Testing::runCommand(QStringLiteral("ssh-keygen"),
                            {QStringLiteral("-l"), QStringLiteral("-E"), QStringLiteral("sha256"),
                             QStringLiteral("-f"), path + QStringLiteral(".pub")},
                            &listed, 30000, true),
        0);
    QCOMPARE(QString::fromLatin1(listed).section(QLatin1Char(' '), 1, 1), key->fingerprint);
    // Two keys are never the same.
    QVERIFY(Provisioning::generateHostKey()->publicKey != key->publicKey);
}

void TestHostKey::recordingReplacesOnlyTheSameHostAndPort()
{
    QTemporaryDir dir;
    Provisioning::SshTarget target;
    target.host = QStringLiteral("192.0.2.10");
    target.port = 2222;
    target.knownHostsPath = dir.filePath(QStringLiteral("known_hosts"));
    const QByteArray other =
        "192.0.2.11 ssh-ed25519 "
        "AAAAC3NzaC1lZDI1NTE5AAAAIIl4nMR06NqF4lo1SO8MLm7RgOu2sg122fsxT66Nou9c\n";
    QVERIFY(Testing::writeFile(target.knownHostsPath, "# kept\n" + other));
    const auto first = Provisioning::generateHostKey();
    const auto second = Provisioning::generateHostKey();
    QVERIFY(first && second);
    QVERIFY(Provisioning::SshSession::recordHostKey(target, first->publicKey));
    QVERIFY(Provisioning::SshSession::recordHostKey(target, second->publicKey));
    const QByteArray text = Testing::readFile(target.knownHostsPath);
    QVERIFY2(text.startsWith("# kept\n" + other), text.constData());
    QVERIFY2(text.endsWith("[192.0.2.10]:2222 " + second->publicKey.toUtf8() + '\n'),
             text.constData());
    QVERIFY(!text.contains(first->publicKey.toUtf8()));
    QCOMPARE(QFile(target.knownHostsPath).permissions() &
                 (QFileDevice::ReadOther | QFileDevice::ReadGroup),
             QFileDevice::Permissions());
    // Port 22 is written the way OpenSSH writes it: the bare host.
    target.port = 22;
    QVERIFY(Provisioning::SshSession::recordHostKey(target, first->publicKey));
    QVERIFY(Testing::readFile(target.knownHostsPath)
                .endsWith("192.0.2.10 " + first->publicKey.toUtf8() + '\n'));
}

void TestHostKey::badInputRecordsNothing_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("publicKey");
    QTest::addColumn<QByteArray>("code");
    const QString good = Provisioning::generateHostKey()->publicKey;
    QTest::newRow("not a key") << "192.0.2.10"
                               << "hello" << QByteArray("ssh.invalid_key");
    QTest::newRow("unknown type") << "192.0.2.10"
                                  << "ssh-foo AAAA" << QByteArray("ssh.invalid_key");
    QTest::newRow("bad base64") << "192.0.2.10"
                                << "ssh-ed25519 !!!!" << QByteArray("ssh.invalid_key");
    QTest::newRow("host with a space") << "a b" << good << QByteArray("ssh.invalid_key");
    QTest::newRow("host with a comma") << "a,b" << good << QByteArray("ssh.invalid_key");
    QTest::newRow("no host") << "" << good << QByteArray("ssh.invalid_key");
}

void TestHostKey::badInputRecordsNothing()
{
    QFETCH(QString, host);
    QFETCH(QString, publicKey);
    QFETCH(QByteArray, code);
    QTemporaryDir dir;
    Provisioning::SshTarget target;
    target.host = host;
    target.knownHostsPath = dir.filePath(QStringLiteral("known_hosts"));
    QVERIFY(Testing::writeFile(target.knownHostsPath, "# kept\n"));
    auto recorded = Provisioning::SshSession::recordHostKey(target, publicKey);
    QVERIFY(!recorded);
    QCOMPARE(QByteArray::fromStdString(recorded.error().code), code);
    QCOMPARE(Testing::readFile(target.knownHostsPath), QByteArray("# kept\n"));
}

QTEST_GUILESS_MAIN(TestHostKey)
#include "tst_hostkey.moc"
