#include "sshserver.h"

#include "daemonprocess.h"
#include "testfiles.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <pwd.h>
#include <unistd.h>

namespace Portal::Testing {

namespace {

const QString kSshd = QStringLiteral("/usr/sbin/sshd");
const QString kKeygen = QStringLiteral("ssh-keygen");

bool makeKey(const QString &path, QByteArray *output, const QString &passphrase = QString())
{
    QFile::remove(path);
    QFile::remove(path + QStringLiteral(".pub"));
    return runCommand(kKeygen,
                      {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"),
                       QStringLiteral("-N"), passphrase, QStringLiteral("-f"), path},
                      output) == 0;
}

} // namespace

SshServer::SshServer() = default;

SshServer::~SshServer()
{
    stop();
}

QString SshServer::userName() const
{
    const passwd *entry = getpwuid(getuid());
    return entry ? QString::fromLocal8Bit(entry->pw_name) : QStringLiteral("root");
}

QString SshServer::userKeyPath() const
{
    return m_dir.filePath(QStringLiteral("user_ed25519"));
}

QString SshServer::hostPublicKeyPath() const
{
    return m_dir.filePath(QStringLiteral("host_ed25519.pub"));
}

QString SshServer::hostKeyFingerprint() const
{
    QByteArray output;
    if (runCommand(kKeygen,
                   {QStringLiteral("-l"), QStringLiteral("-E"), QStringLiteral("sha256"),
                    QStringLiteral("-f"), hostPublicKeyPath()},
                   &output, 30000, true) != 0)
        return QString();
    // "256 SHA256:… comment (ED25519)"
    return QString::fromLatin1(output).section(QLatin1Char(' '), 1, 1);
}

QString SshServer::makeUnauthorisedKey()
{
    const QString path = m_dir.filePath(QStringLiteral("other_%1").arg(++m_extraKeys));
    return makeKey(path, &m_output) ? path : QString();
}

QString SshServer::makeAuthorisedKey(const QString &passphrase)
{
    const QString path = m_dir.filePath(QStringLiteral("authorised_%1").arg(++m_extraKeys));
    if (!makeKey(path, &m_output, passphrase))
        return QString();
    QFile authorised(m_dir.filePath(QStringLiteral("authorized_keys")));
    if (!authorised.open(QIODevice::Append))
        return QString();
    authorised.write(Testing::readFile(path + QStringLiteral(".pub")));
    return path;
}

bool SshServer::generateHostKey()
{
    return makeKey(m_dir.filePath(QStringLiteral("host_ed25519")), &m_output);
}

bool SshServer::useHostKey(const QByteArray &privateKey)
{
    const QString path = m_dir.filePath(QStringLiteral("host_ed25519"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
        file.write(privateKey) != privateKey.size())
        return false;
    file.close();
    QByteArray publicKey;
    if (runCommand(kKeygen, {QStringLiteral("-y"), QStringLiteral("-f"), path}, &publicKey, 30000,
                   true) != 0)
        return false;
    QFile publicFile(hostPublicKeyPath());
    return publicFile.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           publicFile.write(publicKey) == publicKey.size();
}

bool SshServer::prepare()
{
    if (!m_dir.isValid())
        return false;
    QDir().mkpath(QStringLiteral("/run/sshd")); // sshd's privilege-separation directory
    if (!QFile::exists(userKeyPath())) {
        if (!makeKey(userKeyPath(), &m_output) || !generateHostKey())
            return false;
        QFile::remove(m_dir.filePath(QStringLiteral("authorized_keys")));
        if (!QFile::copy(userKeyPath() + QStringLiteral(".pub"),
                         m_dir.filePath(QStringLiteral("authorized_keys"))))
            return false;
    }
    if (m_port == 0) {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return false;
        m_port = probe.serverPort();
    }
    return true;
}

bool SshServer::start()
{
    if (!prepare())
        return false;
    const QString config = m_dir.filePath(QStringLiteral("sshd_config"));
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    file.write(QStringLiteral("Port %1\n"
                              "ListenAddress 127.0.0.1\n"
                              "HostKey %2\n"
                              "PidFile %3\n"
                              "AuthorizedKeysFile %4\n"
                              "StrictModes no\n"
                              "UsePAM no\n"
                              "PermitRootLogin prohibit-password\n"
                              "PasswordAuthentication no\n"
                              "KbdInteractiveAuthentication no\n"
                              "MaxSessions 20\n"
                              "MaxStartups 50\n"
                              "Subsystem sftp internal-sftp\n"
                              "LogLevel VERBOSE\n")
                   .arg(m_port)
                   .arg(m_dir.filePath(QStringLiteral("host_ed25519")),
                        m_dir.filePath(QStringLiteral("sshd.pid")),
                        m_dir.filePath(QStringLiteral("authorized_keys")))
                   .toUtf8());
    file.close();
    m_sshd.setProcessChannelMode(QProcess::MergedChannels);
    m_sshd.start(kSshd, {QStringLiteral("-D"), QStringLiteral("-e"), QStringLiteral("-f"), config});
    if (!m_sshd.waitForStarted(10000)) {
        m_output += m_sshd.errorString().toUtf8();
        return false;
    }
    return waitUntilListening(15000);
}

bool SshServer::waitUntilListening(int timeoutMs)
{
    QElapsedTimer elapsed;
    elapsed.start();
    while (elapsed.elapsed() < timeoutMs) {
        if (m_sshd.state() != QProcess::Running) {
            m_output += m_sshd.readAll();
            return false;
        }
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (socket.waitForConnected(500))
            return true;
        QThread::msleep(100);
    }
    m_output += m_sshd.readAll();
    return false;
}

void SshServer::stop()
{
    if (m_sshd.state() == QProcess::NotRunning)
        return;
    m_sshd.terminate();
    if (!m_sshd.waitForFinished(10000)) {
        m_sshd.kill();
        m_sshd.waitForFinished(5000);
    }
    m_output += m_sshd.readAll();
}

bool SshServer::replaceHostKey()
{
    stop();
    return generateHostKey() && start();
}

} // namespace Portal::Testing
