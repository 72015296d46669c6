#pragma once
// One SSH connection to an instance (DESIGN §5), over libssh. Blocking: a session lives in one
// worker thread (PuppetRunner's), never on a GUI thread; several sessions in several threads
// are independent.
//
// Host keys are checked against the known_hosts file the portal keeps (SshTarget::knownHosts
// Path), never the user's or the system's. An unknown host is refused with its SHA-256
// fingerprint (`ssh.host_unknown`) until trustHostKey() records exactly that fingerprint (the
// admin's explicit decision, or the portal's own record of a key it generated: KnownHosts).
// A key that differs from the recorded one always refuses (`ssh.host_changed`, both
// fingerprints in the message). The user authenticates with a private key file (its
// passphrase supplied by the caller, from the secret store) or, when asked, ssh-agent.
// An OpenSSH client config is read only when the admin names one (SshTarget::sshConfigFile);
// ~/.ssh/config never applies implicitly.
//
// Bounds and hazards: connect and every command have timeouts. When a command's time is up
// (or it is cancelled) its remote processes get TERM, then KILL: its process tree (pgrep) and
// every process whose environment carries the command's IOT_PORTAL_RUN token (Puppet starts
// its execs in sessions of their own), frozen with SIGSTOP first, over a second channel;
// coreutils `timeout` on the remote side is the backstop that ends the command's process group a
// little later should the connection die. The instance needs sh, timeout and pgrep. Output is split
// into lines of at most kMaxLineBytes (longer lines are cut and marked), and a command's
// whole output is bounded only by its time. Cancellation (an atomic flag) is checked at least
// every kPollMs.
//
// Errors: `ssh.config` (bad target), `ssh.connect` (no connection, or connect timeout),
// `ssh.host_unknown`, `ssh.host_changed`, `ssh.known_hosts` (the file cannot be read or
// written), `ssh.auth` (key refused, unreadable key, wrong passphrase, no agent),
// `ssh.channel`, `ssh.sftp`, `ssh.timeout` (a command ran out of time and was killed),
// `ssh.cancelled`.

#include <portal-core/base/result.h>

#include <QByteArray>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace Portal::Provisioning {

struct SshTarget
{
    QString host; // address or name, as the instance record has it
    quint16 port = 22;
    QString user;
    QString knownHostsPath;   // the portal's known_hosts (created when missing)
    QString identityFile;     // private key (OpenSSH or PEM); empty: agent only
    QByteArray keyPassphrase; // for identityFile; empty when it has none
    bool useAgent = false;    // try ssh-agent (SSH_AUTH_SOCK) when no key file works
    // An OpenSSH client config (≤ 1 MiB) whose Host sections apply to host: HostName, Port,
    // User, IdentityFile, ProxyJump… Where the target leaves them open (port 0, user empty,
    // no identityFile) the config's values are used; the target's own values win.
    QString sshConfigFile;
    int connectTimeoutMs = 10000;
};

// A host key the portal makes for a machine it creates (DESIGN §5): handed to the machine by
// cloud-init and recorded in the portal's known_hosts before first contact, so no one has to
// make a trust decision for it. Ed25519.
struct GeneratedHostKey
{
    QByteArray privateKey; // OpenSSH format, unencrypted: a secret, never stored by the portal
    QString publicKey;     // "ssh-ed25519 AAAA…", as a known_hosts or authorized_keys line has it
    QString fingerprint;   // "SHA256:…"
};

// Errors: `ssh.keygen`.
Result<GeneratedHostKey> generateHostKey();
// "SHA256:…" of a public key line ("<type> <base64> [comment]"); empty when it is not one.
QString publicKeyFingerprint(const QString &publicKey);

enum class OutputStream { Stdout, Stderr };
using LineHandler = std::function<void(OutputStream stream, const QString &line)>;

class SshSession
{
public:
    static constexpr int kMaxLineBytes = 8192;
    static constexpr int kPollMs = 100;
    // Beyond a command's own time limit before the local side gives up on the connection.
    static constexpr int kLocalDeadlineSlackMs = 10000;
    // How long a cancelled or timed-out command's last output is still read.
    static constexpr int kStopDrainMs = 7000;

    // Connects, checks the host key, authenticates. cancel may be null.
    static Result<std::unique_ptr<SshSession>> connect(const SshTarget &target,
                                                       const std::atomic_bool *cancel = nullptr);
    // Connects far enough to read the host key, and records it in the known_hosts file when
    // its fingerprint ("SHA256:…") is expectedFingerprint: the explicit trust decision. A key
    // already recorded with another fingerprint is `ssh.host_changed` (never replaced here).
    static Result<void> trustHostKey(const SshTarget &target, const QString &expectedFingerprint);
    // Records publicKey (a line as GeneratedHostKey has it) as the key of target's host and
    // port, without connecting: for machines whose key the portal made. Unhashed entries for
    // that host and port are replaced (an address the cloud reuses belongs to the new
    // machine). Errors: `ssh.invalid_key`, `ssh.known_hosts` (unreadable, over 4 MiB, or not
    // writable).
    static Result<void> recordHostKey(const SshTarget &target, const QString &publicKey);

    ~SshSession();
    SshSession(const SshSession &) = delete;
    SshSession &operator=(const SshSession &) = delete;

    // Runs command (a /bin/sh command line) with at most timeoutMs, handing each output line
    // to onLine as it arrives. Answers the command's exit status.
    Result<int> run(const QString &command, int timeoutMs, const LineHandler &onLine);
    // Writes content to remotePath (created or truncated, then given mode) over SFTP.
    Result<void> upload(const QByteArray &content, const QString &remotePath, int mode = 0600);

private:
    struct Handles;
    explicit SshSession(std::unique_ptr<Handles> handles, const std::atomic_bool *cancel);
    // Signals the remote process pid, its descendants and every process carrying the
    // command's token, over a channel of its own.
    void killRemoteTree(qint64 pid, const QString &token, const char *signal);

    std::unique_ptr<Handles> m_handles;
    const std::atomic_bool *m_cancel;
};

// Shell single-quoting: the text as one word for /bin/sh.
QString shellQuote(const QString &text);

} // namespace Portal::Provisioning
