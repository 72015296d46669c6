#pragma once
// The Connections section of the admin GUI (issue 6): what iot-portal talks to.
// - Database: the store in use, and the one to open at the next start (QSettings).
// - Cloud: a clouds.yaml file and cloud name; "Test connection" authenticates with Keystone
//   (CloudsConfig + KeystoneClient, asynchronous) and names the compute endpoint it found.
// - SSH: a target, the portal's known_hosts, a key file (its passphrase kept in the secret
//   store, the system keychain in the application) or ssh-agent; "Test SSH connection"
//   connects on a worker thread. First contact with a host is the admin's explicit trust
//   decision (DESIGN §5): the fingerprint is shown and only a yes records it; a changed key
//   is refused with both fingerprints and never replaced here.
//
// Nothing blocks the GUI thread; each test reports its real outcome in the page.

#include <portal-core/provisioning/sshsession.h>
#include <portal-core/secrets/secretstore.h>

#include <QPointer>
#include <QThread>
#include <QWidget>

#include <functional>
#include <memory>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Portal::Cloud::OpenStack {
class KeystoneClient;
struct CloudConfig;
} // namespace Portal::Cloud::OpenStack

namespace Portal::Gui {

// The cloud the Connections page names (clouds.yaml beside an optional secure.yaml, bounded
// to 256 KiB each), with a message that says what to fix when it cannot be used.
Result<Cloud::OpenStack::CloudConfig> loadCloudConfig(const QString &cloudsFile,
                                                      const QString &cloudName);

class ConnectionsPage final : public QWidget
{
    Q_OBJECT
public:
    // Asked on first contact: host ("host:port") and the key's fingerprint; true trusts it.
    using TrustDecision = std::function<bool(const QString &host, const QString &fingerprint)>;

    ConnectionsPage(QString databaseSpec, Secrets::SecretStore &secrets, QWidget *parent = nullptr);
    ~ConnectionsPage() override;

    void setTrustDecision(TrustDecision decision) { m_trustDecision = std::move(decision); }
    QString cloudResult() const;
    QString sshResult() const;
    bool busy() const { return m_sshBusy || m_keystone != nullptr; }

public slots:
    void testCloud();
    void testSsh();

private:
    Result<Provisioning::SshTarget> sshTargetFromInput() const;
    void connectSsh(Provisioning::SshTarget target, bool afterTrust);
    void sshFinished(const Provisioning::SshTarget &target, const Result<void> &outcome,
                     bool afterTrust);
    void setResult(QLabel *label, const QString &text, bool isError);
    void saveSettings();

    Secrets::SecretStore &m_secrets;
    TrustDecision m_trustDecision;
    QLineEdit *m_nextDatabase;
    QLineEdit *m_cloudsFile;
    QLineEdit *m_cloudName;
    QLabel *m_cloudResult;
    QLineEdit *m_sshTarget;
    QLineEdit *m_knownHosts;
    QLineEdit *m_identityFile;
    QLineEdit *m_passphrase;
    QCheckBox *m_rememberPassphrase;
    QCheckBox *m_useAgent;
    QPushButton *m_testSsh;
    QLabel *m_sshResult;
    bool m_sshBusy = false;
    QPointer<QThread> m_sshThread;
    std::unique_ptr<Cloud::OpenStack::KeystoneClient> m_keystone;
};

} // namespace Portal::Gui
