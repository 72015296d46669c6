#include "sshsession.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <QUuid>

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <fcntl.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace Portal::Provisioning {

namespace {

constexpr char kPidMarker[] = "iot-portal-pid:";
// Set in every command's environment (a fresh token per command), inherited by everything it
// starts, so a stop finds processes that left its process tree.
constexpr char kRunTokenVariable[] = "IOT_PORTAL_RUN";
constexpr qint64 kMaxKnownHostsBytes = 4 * 1024 * 1024;
constexpr qint64 kMaxSshConfigBytes = 1024 * 1024;

struct KeyDeleter
{
    void operator()(ssh_key key) const { ssh_key_free(key); }
};
using KeyPtr = std::unique_ptr<std::remove_pointer_t<ssh_key>, KeyDeleter>;

struct ChannelDeleter
{
    void operator()(ssh_channel channel) const
    {
        ssh_channel_close(channel);
        ssh_channel_free(channel);
    }
};
using ChannelPtr = std::unique_ptr<std::remove_pointer_t<ssh_channel>, ChannelDeleter>;

struct SftpDeleter
{
    void operator()(sftp_session sftp) const { sftp_free(sftp); }
};
using SftpPtr = std::unique_ptr<std::remove_pointer_t<sftp_session>, SftpDeleter>;

struct SessionDeleter
{
    void operator()(ssh_session session) const
    {
        if (ssh_is_connected(session))
            ssh_disconnect(session);
        ssh_free(session);
    }
};
using SessionPtr = std::unique_ptr<std::remove_pointer_t<ssh_session>, SessionDeleter>;

Error sshError(const char *code, const QString &what, ssh_session session)
{
    return makeError(
        code,
        (what + QStringLiteral(": ") + QString::fromUtf8(ssh_get_error(session))).toStdString());
}

QString fingerprintOf(ssh_key key)
{
    unsigned char *hash = nullptr;
    size_t length = 0;
    if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != SSH_OK)
        return QString();
    char *text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    ssh_clean_pubkey_hash(&hash);
    const QString fingerprint = QString::fromLatin1(text);
    ssh_string_free_char(text);
    return fingerprint;
}

QString endpoint(const SshTarget &target)
{
    return QStringLiteral("%1:%2").arg(target.host).arg(target.port);
}

// A connected session with the target's options, host key not yet checked.
Result<SessionPtr> openConnection(const SshTarget &target)
{
    if (target.host.isEmpty() || (target.user.isEmpty() && target.sshConfigFile.isEmpty()) ||
        target.knownHostsPath.isEmpty())
        return makeError("ssh.config", "an SSH target needs a host, a user (or an SSH config "
                                       "that names one) and a known_hosts file");
    if (!target.sshConfigFile.isEmpty() &&
        (!QFileInfo(target.sshConfigFile).isReadable() ||
         QFileInfo(target.sshConfigFile).size() > kMaxSshConfigBytes))
        return makeError("ssh.config", ("cannot read the SSH config " + target.sshConfigFile +
                                        " (or it is over 1 MiB)")
                                           .toStdString());
    static std::once_flag initialised;
    std::call_once(initialised, [] { ssh_init(); });
    SessionPtr session(ssh_new());
    if (!session)
        return makeError("ssh.connect", "cannot create an SSH session");
    const QByteArray host = target.host.toUtf8();
    const QByteArray user = target.user.toUtf8();
    const QByteArray knownHosts = QFileInfo(target.knownHostsPath).absoluteFilePath().toUtf8();
    QDir().mkpath(QFileInfo(target.knownHostsPath).absolutePath());
    unsigned int port = target.port;
    long seconds = target.connectTimeoutMs / 1000;
    long microseconds = (target.connectTimeoutMs % 1000) * 1000L;
    bool processDefaultConfig = false; // never ~/.ssh/config or /etc/ssh/ssh_config
    ssh_options_set(session.get(), SSH_OPTIONS_PROCESS_CONFIG, &processDefaultConfig);
    ssh_options_set(session.get(), SSH_OPTIONS_HOST, host.constData());
    if (!target.sshConfigFile.isEmpty()) {
        const QByteArray config = QFileInfo(target.sshConfigFile).absoluteFilePath().toUtf8();
        if (ssh_options_parse_config(session.get(), config.constData()) != SSH_OK)
            return sshError("ssh.config", QStringLiteral("reading ") + target.sshConfigFile,
                            session.get());
    }
    // Set after the config file, so the target's own values win.
    if (port != 0)
        ssh_options_set(session.get(), SSH_OPTIONS_PORT, &port);
    if (!user.isEmpty())
        ssh_options_set(session.get(), SSH_OPTIONS_USER, user.constData());
    ssh_options_set(session.get(), SSH_OPTIONS_KNOWNHOSTS, knownHosts.constData());
    ssh_options_set(session.get(), SSH_OPTIONS_GLOBAL_KNOWNHOSTS, knownHosts.constData());
    ssh_options_set(session.get(), SSH_OPTIONS_TIMEOUT, &seconds);
    ssh_options_set(session.get(), SSH_OPTIONS_TIMEOUT_USEC, &microseconds);
    if (ssh_connect(session.get()) != SSH_OK)
        return sshError("ssh.connect", QStringLiteral("cannot connect to ") + endpoint(target),
                        session.get());
    return session;
}

Result<QString> serverFingerprint(ssh_session session)
{
    ssh_key raw = nullptr;
    if (ssh_get_server_publickey(session, &raw) != SSH_OK)
        return sshError("ssh.connect", QStringLiteral("no host key from the server"), session);
    KeyPtr key(raw);
    const QString fingerprint = fingerprintOf(key.get());
    if (fingerprint.isEmpty())
        return makeError("ssh.connect", "cannot hash the server's host key");
    return fingerprint;
}

// The key the portal's known_hosts holds for the target (libssh hands out an entry only when
// it matches the server's key, so a changed key is looked up in the file itself).
QString recordedFingerprint(const SshTarget &target)
{
    QFile file(target.knownHostsPath);
    if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxKnownHostsBytes)
        return QStringLiteral("(unreadable)");
    const QString hostToken = target.port == 22
                                  ? target.host
                                  : QStringLiteral("[%1]:%2").arg(target.host).arg(target.port);
    while (!file.atEnd()) {
        const QList<QByteArray> fields = file.readLine(16 * 1024).simplified().split(' ');
        if (fields.size() < 3 || fields[0].startsWith('#') ||
            !QString::fromUtf8(fields[0]).split(QLatin1Char(',')).contains(hostToken))
            continue;
        ssh_key raw = nullptr;
        if (ssh_pki_import_pubkey_base64(fields[2].constData(),
                                         ssh_key_type_from_name(fields[1].constData()),
                                         &raw) != SSH_OK)
            continue;
        KeyPtr key(raw);
        return fingerprintOf(key.get());
    }
    return QStringLiteral("(none recorded)");
}

// The host-key decision: only a key recorded in the portal's known_hosts passes.
Result<void> checkHostKey(ssh_session session, const SshTarget &target)
{
    auto fingerprint = serverFingerprint(session);
    if (!fingerprint)
        return fingerprint.error();
    switch (ssh_session_is_known_server(session)) {
    case SSH_KNOWN_HOSTS_OK:
        return {};
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
        return makeError("ssh.host_changed",
                         QStringLiteral("the host key of %1 has changed: it is now %2, the "
                                        "portal recorded %3; refusing (someone may be "
                                        "intercepting; if the instance was rebuilt, remove "
                                        "its old entry from %4)")
                             .arg(endpoint(target), *fingerprint, recordedFingerprint(target),
                                  target.knownHostsPath)
                             .toStdString());
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
        return makeError("ssh.host_unknown",
                         QStringLiteral("%1 is not a known host; its host key fingerprint is %2. "
                                        "Trust it only after checking that fingerprint.")
                             .arg(endpoint(target), *fingerprint)
                             .toStdString());
    case SSH_KNOWN_HOSTS_ERROR:
        break;
    }
    return sshError("ssh.known_hosts", QStringLiteral("checking ") + target.knownHostsPath,
                    session);
}

Result<void> authenticate(ssh_session session, const SshTarget &target)
{
    QString keyProblem;
    if (!target.identityFile.isEmpty()) {
        ssh_key raw = nullptr;
        const QByteArray path = target.identityFile.toUtf8();
        const int imported = ssh_pki_import_privkey_file(
            path.constData(),
            target.keyPassphrase.isEmpty() ? nullptr : target.keyPassphrase.constData(), nullptr,
            nullptr, &raw);
        KeyPtr key(raw);
        if (imported != SSH_OK)
            keyProblem = QStringLiteral("cannot read the key %1 (missing, not a private key, or "
                                        "a wrong passphrase)")
                             .arg(target.identityFile);
        else if (ssh_userauth_publickey(session, nullptr, key.get()) == SSH_AUTH_SUCCESS)
            return {};
        else
            keyProblem = QStringLiteral("the server refused the key %1").arg(target.identityFile);
    }
    if (target.identityFile.isEmpty() && !target.sshConfigFile.isEmpty()) {
        // The config's IdentityFile entries (and the agent), as ssh itself would try them.
        if (ssh_userauth_publickey_auto(session, nullptr,
                                        target.keyPassphrase.isEmpty()
                                            ? nullptr
                                            : target.keyPassphrase.constData()) == SSH_AUTH_SUCCESS)
            return {};
        keyProblem = QStringLiteral("no key that %1 names was accepted").arg(target.sshConfigFile);
    }
    if (target.useAgent) {
        if (ssh_userauth_agent(session, nullptr) == SSH_AUTH_SUCCESS)
            return {};
        keyProblem += (keyProblem.isEmpty() ? QString() : QStringLiteral("; ")) +
                      QStringLiteral("ssh-agent offered no key the server accepts");
    }
    if (keyProblem.isEmpty())
        keyProblem = QStringLiteral("no key file and no agent configured");
    return makeError("ssh.auth", QStringLiteral("cannot log in as %1 on %2: %3")
                                     .arg(target.user, endpoint(target), keyProblem)
                                     .toStdString());
}

// Splits one stream into bounded lines.
class LineSplitter
{
public:
    LineSplitter(OutputStream stream, const LineHandler &onLine)
        : m_stream(stream), m_onLine(onLine)
    {
    }
    void feed(const char *data, int size)
    {
        for (int i = 0; i < size; ++i) {
            const char c = data[i];
            if (c == '\n') {
                emitLine();
                continue;
            }
            if (m_line.size() < SshSession::kMaxLineBytes)
                m_line.append(c);
            else
                m_cut = true;
        }
    }
    void finish()
    {
        if (!m_line.isEmpty() || m_cut)
            emitLine();
    }

private:
    void emitLine()
    {
        if (m_line.endsWith('\r'))
            m_line.chop(1);
        QString line = QString::fromUtf8(m_line);
        if (m_cut)
            line += QStringLiteral(" […]");
        if (m_onLine)
            m_onLine(m_stream, line);
        m_line.clear();
        m_cut = false;
    }

    OutputStream m_stream;
    const LineHandler &m_onLine;
    QByteArray m_line;
    bool m_cut = false;
};

} // namespace

struct SshSession::Handles
{
    SessionPtr session;
    SshTarget target;
};

QString shellQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

Result<std::unique_ptr<SshSession>> SshSession::connect(const SshTarget &target,
                                                        const std::atomic_bool *cancel)
{
    auto session = openConnection(target);
    if (!session)
        return session.error();
    if (cancel && cancel->load())
        return makeError("ssh.cancelled", "cancelled");
    if (auto known = checkHostKey(session->get(), target); !known)
        return known.error();
    if (auto authenticated = authenticate(session->get(), target); !authenticated)
        return authenticated.error();
    auto handles = std::make_unique<Handles>();
    handles->session = std::move(*session);
    handles->target = target;
    handles->target.keyPassphrase.fill('\0');
    handles->target.keyPassphrase.clear();
    return std::unique_ptr<SshSession>(new SshSession(std::move(handles), cancel));
}

Result<GeneratedHostKey> generateHostKey()
{
    ssh_key raw = nullptr;
    if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &raw) != SSH_OK)
        return makeError("ssh.keygen", "cannot generate an Ed25519 host key");
    KeyPtr key(raw);
    char *privateText = nullptr;
    char *publicText = nullptr;
    if (ssh_pki_export_privkey_base64(key.get(), nullptr, nullptr, nullptr, &privateText) !=
            SSH_OK ||
        ssh_pki_export_pubkey_base64(key.get(), &publicText) != SSH_OK) {
        ssh_string_free_char(privateText);
        return makeError("ssh.keygen", "cannot export the generated host key");
    }
    GeneratedHostKey generated;
    generated.privateKey = QByteArray(privateText);
    generated.publicKey = QStringLiteral("%1 %2").arg(
        QLatin1String(ssh_key_type_to_char(ssh_key_type(key.get()))), QLatin1String(publicText));
    generated.fingerprint = fingerprintOf(key.get());
    // The private text is a secret: wiped before libssh frees it.
    std::fill(privateText, privateText + std::strlen(privateText), '\0');
    ssh_string_free_char(privateText);
    ssh_string_free_char(publicText);
    return generated;
}

QString publicKeyFingerprint(const QString &publicKey)
{
    const QStringList fields = publicKey.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (fields.size() < 2 || publicKey.size() > 16 * 1024)
        return QString();
    const enum ssh_keytypes_e type = ssh_key_type_from_name(fields[0].toLatin1().constData());
    if (type == SSH_KEYTYPE_UNKNOWN)
        return QString();
    ssh_key raw = nullptr;
    if (ssh_pki_import_pubkey_base64(fields[1].toLatin1().constData(), type, &raw) != SSH_OK)
        return QString();
    KeyPtr key(raw);
    return fingerprintOf(key.get());
}

Result<void> SshSession::recordHostKey(const SshTarget &target, const QString &publicKey)
{
    const QStringList fields = publicKey.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (publicKeyFingerprint(publicKey).isEmpty() || target.host.isEmpty() ||
        target.host.contains(QRegularExpression(QStringLiteral("[\\s,\\[\\]#|]"))))
        return makeError("ssh.invalid_key", "not a public key line, or not a host name");
    const QString hostToken = target.port == 22
                                  ? target.host
                                  : QStringLiteral("[%1]:%2").arg(target.host).arg(target.port);
    QByteArray kept;
    QFile file(target.knownHostsPath);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxKnownHostsBytes)
            return makeError(
                "ssh.known_hosts",
                ("cannot read " + target.knownHostsPath + " (or it is over 4 MiB)").toStdString());
        while (!file.atEnd()) {
            const QByteArray line = file.readLine(16 * 1024);
            const QList<QByteArray> lineFields = line.simplified().split(' ');
            if (!lineFields.isEmpty() &&
                QString::fromUtf8(lineFields[0]).split(QLatin1Char(',')).contains(hostToken))
                continue;
            kept += line.endsWith('\n') ? line : line + '\n';
        }
        file.close();
    }
    kept += (hostToken + QLatin1Char(' ') + fields[0] + QLatin1Char(' ') + fields[1] +
             QLatin1Char('\n'))
                .toUtf8();
    // Whole file replaced at once: a reader never sees half of it.
    QSaveFile out(target.knownHostsPath);
    if (!out.open(QIODevice::WriteOnly) || out.write(kept) != kept.size() ||
        !out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) || !out.commit())
        return makeError("ssh.known_hosts",
                         ("cannot write " + target.knownHostsPath).toStdString());
    return {};
}

Result<void> SshSession::trustHostKey(const SshTarget &target, const QString &expectedFingerprint)
{
    auto session = openConnection(target);
    if (!session)
        return session.error();
    auto fingerprint = serverFingerprint(session->get());
    if (!fingerprint)
        return fingerprint.error();
    if (*fingerprint != expectedFingerprint)
        return makeError("ssh.host_changed",
                         QStringLiteral("%1 now presents %2, not the %3 that was approved; "
                                        "nothing recorded")
                             .arg(endpoint(target), *fingerprint, expectedFingerprint)
                             .toStdString());
    auto known = checkHostKey(session->get(), target);
    if (known || known.error().code != "ssh.host_unknown")
        return known;
    if (ssh_session_update_known_hosts(session->get()) != SSH_OK)
        return sshError("ssh.known_hosts",
                        QStringLiteral("recording the host key in ") + target.knownHostsPath,
                        session->get());
    return {};
}

SshSession::SshSession(std::unique_ptr<Handles> handles, const std::atomic_bool *cancel)
    : m_handles(std::move(handles)), m_cancel(cancel)
{
}

SshSession::~SshSession() = default;

Result<int> SshSession::run(const QString &command, int timeoutMs, const LineHandler &onLine)
{
    ssh_session session = m_handles->session.get();
    ChannelPtr channel(ssh_channel_new(session));
    if (!channel || ssh_channel_open_session(channel.get()) != SSH_OK)
        return sshError("ssh.channel", QStringLiteral("cannot open a session channel"), session);
    // The wrapper reports its pid (the first stderr line, kept from onLine) so that a stop
    // can kill the command's whole process tree; Puppet runs its execs in sessions of their
    // own, which a process-group signal would miss. The remote `timeout` is the backstop for
    // a connection that dies: it ends the command's process group a little after our own
    // deadline.
    const int backstopS = (timeoutMs + kLocalDeadlineSlackMs + 999) / 1000;
    const QString token = QUuid::createUuid().toString(QUuid::Id128);
    const QByteArray wrapped =
        QStringLiteral("echo %1$$ >&2; export %4=%5; exec timeout -k 5 %2 /bin/sh -c %3")
            .arg(QLatin1String(kPidMarker))
            .arg(backstopS)
            .arg(shellQuote(command))
            .arg(QLatin1String(kRunTokenVariable), token)
            .toUtf8();
    if (ssh_channel_request_exec(channel.get(), wrapped.constData()) != SSH_OK)
        return sshError("ssh.channel", QStringLiteral("cannot start the command"), session);

    qint64 remotePid = 0;
    const LineHandler errorLines = [&remotePid, &onLine](OutputStream stream, const QString &line) {
        if (remotePid == 0 && line.startsWith(QLatin1String(kPidMarker))) {
            remotePid = line.mid(int(qstrlen(kPidMarker))).toLongLong();
            return;
        }
        if (onLine)
            onLine(stream, line);
    };
    LineSplitter out(OutputStream::Stdout, onLine);
    LineSplitter err(OutputStream::Stderr, errorLines);
    char buffer[4096];
    const auto readSome = [&](int waitMs) -> bool {
        const int readOut =
            ssh_channel_read_timeout(channel.get(), buffer, sizeof buffer, 0, waitMs);
        if (readOut > 0)
            out.feed(buffer, readOut);
        int readErr = 0;
        while ((readErr = ssh_channel_read_nonblocking(channel.get(), buffer, sizeof buffer, 1)) >
               0)
            err.feed(buffer, readErr);
        return readOut != SSH_ERROR && readErr != SSH_ERROR;
    };
    const auto drain = [&](int forMs) {
        QElapsedTimer draining;
        draining.start();
        while (draining.elapsed() < forMs && !ssh_channel_is_eof(channel.get()) &&
               readSome(kPollMs)) {
        }
    };
    // TERM to the whole tree, then KILL to whatever is left; the last output is still read.
    const auto stop = [&] {
        killRemoteTree(remotePid, token, "TERM");
        drain(kStopDrainMs / 2);
        if (!ssh_channel_is_eof(channel.get())) {
            killRemoteTree(remotePid, token, "KILL");
            drain(kStopDrainMs / 2);
        }
        out.finish();
        err.finish();
    };

    QElapsedTimer elapsed;
    elapsed.start();
    for (;;) {
        if (m_cancel && m_cancel->load()) {
            stop();
            return makeError("ssh.cancelled", "cancelled while running a command");
        }
        if (elapsed.elapsed() > timeoutMs) {
            stop();
            return makeError("ssh.timeout", QStringLiteral("the command ran out of its %1 ms and "
                                                           "was killed")
                                                .arg(timeoutMs)
                                                .toStdString());
        }
        if (!readSome(kPollMs))
            return sshError("ssh.channel", QStringLiteral("reading the command's output"), session);
        if (ssh_channel_is_eof(channel.get())) {
            readSome(0);
            break;
        }
    }
    out.finish();
    err.finish();
    const int status = ssh_channel_get_exit_status(channel.get());
    if (status == 124 || status == 137)
        return makeError("ssh.timeout", "the command was killed by its time limit on the instance");
    if (status < 0)
        return makeError("ssh.channel", "the command ended without an exit status");
    return status;
}

void SshSession::killRemoteTree(qint64 pid, const QString &token, const char *signal)
{
    if (pid <= 1)
        return;
    ChannelPtr channel(ssh_channel_new(m_handles->session.get()));
    if (!channel || ssh_channel_open_session(channel.get()) != SSH_OK)
        return;
    // The command's processes are its tree below pid plus any process carrying the run's
    // token in its environment (Puppet's execs run in sessions of their own and can be
    // reparented away). They are frozen first (SIGSTOP, repeated until no new one shows up,
    // at most 50 rounds), so none forks a child between being listed and being signalled;
    // then all get the signal at once, then CONT so they can act on it.
    const QByteArray script =
        QStringLiteral(
            "t() { for c in $(pgrep -P \"$1\"); do t \"$c\"; done; echo \"$1\"; }; "
            "e() { for f in /proc/[0-9]*/environ; do "
            "tr '\\000' '\\n' < \"$f\" 2>/dev/null | grep -qxF %3 && "
            "{ p=${f#/proc/}; echo \"${p%/environ}\"; }; done; }; "
            "seen=; i=0; while [ $i -lt 50 ]; do i=$((i+1)); "
            "now=$( { t %2; e; } | sort -nu | tr '\\n' ' '); "
            "kill -STOP $now 2>/dev/null; [ \"$now\" = \"$seen\" ] && break; seen=$now; done; "
            "kill -s %1 $now 2>/dev/null; kill -CONT $now 2>/dev/null; true")
            .arg(QLatin1String(signal))
            .arg(pid)
            .arg(shellQuote(QLatin1String(kRunTokenVariable) + QLatin1Char('=') + token))
            .toUtf8();
    if (ssh_channel_request_exec(channel.get(), script.constData()) != SSH_OK)
        return;
    char sink[256];
    QElapsedTimer elapsed;
    elapsed.start();
    while (elapsed.elapsed() < 5000 && !ssh_channel_is_eof(channel.get()) &&
           ssh_channel_read_timeout(channel.get(), sink, sizeof sink, 0, kPollMs) >= 0) {
    }
}

Result<void> SshSession::upload(const QByteArray &content, const QString &remotePath, int mode)
{
    ssh_session session = m_handles->session.get();
    SftpPtr sftp(sftp_new(session));
    if (!sftp || sftp_init(sftp.get()) != SSH_OK)
        return sshError("ssh.sftp", QStringLiteral("cannot start SFTP"), session);
    const QByteArray path = remotePath.toUtf8();
    sftp_file file =
        sftp_open(sftp.get(), path.constData(), O_WRONLY | O_CREAT | O_TRUNC, mode_t(mode));
    if (!file)
        return sshError("ssh.sftp", QStringLiteral("cannot create ") + remotePath, session);
    qsizetype written = 0;
    while (written < content.size()) {
        const size_t chunk = size_t(std::min<qsizetype>(content.size() - written, 32 * 1024));
        const ssize_t sent = sftp_write(file, content.constData() + written, chunk);
        if (sent <= 0) {
            sftp_close(file);
            return sshError("ssh.sftp", QStringLiteral("cannot write ") + remotePath, session);
        }
        written += sent;
    }
    if (sftp_close(file) != SSH_OK)
        return sshError("ssh.sftp", QStringLiteral("cannot finish ") + remotePath, session);
    if (sftp_chmod(sftp.get(), path.constData(), mode_t(mode)) != SSH_OK)
        return sshError("ssh.sftp", QStringLiteral("cannot set the mode of ") + remotePath,
                        session);
    return {};
}

} // namespace Portal::Provisioning
