#pragma once
// The `configuring` step of an instance's life cycle (DESIGN §5): Puppet over SSH, rendered
// from the instance's VM template, when the template has Puppet content and the portal has
// an SSH target for the instance; otherwise the step is `skipped` (never reported as success).
//
// The engine's own files join the template's: <portalFilesDir>/instance-<id>/portal-ca.pem
// (the portal CA the instance trusts) and devices.json (the ids and public keys placed on the
// instance). portalFilesDir is the template's puppet.portalFilesDir, default /etc/iot-portal.
//
// One run per instance at a time; finished() reports each, with Puppet's log (bounded to its
// last kMaxLogBytes) for the audit entry. Runs are idempotent, so a portal restarted while an
// instance was configuring simply runs it again.

#include <portal-core/provisioning/puppetrun.h>
#include <portal-core/secrets/secretstore.h>
#include <portal-core/store/store.h>

#include <QElapsedTimer>
#include <QObject>

#include <map>
#include <memory>
#include <optional>
#include <set>

namespace Portal::Engine {

struct ConfiguratorConfig
{
    // Every instance is configured through this target (the local backend's machine, or a lab
    // whose servers cannot be reached directly); unset: openstack instances are reached at
    // their own address with sshUser, local ones are skipped.
    std::optional<Provisioning::SshTarget> sshTarget;
    Provisioning::SshTarget instanceDefaults; // user, key, known_hosts for instance addresses
    QString portalCaPem;
    int puppetTimeoutMs = 15 * 60 * 1000;
    // A machine is ACTIVE before its sshd listens: connection failures are retried every
    // connectRetryMs for this long after the first attempt.
    int bootWaitMs = 5 * 60 * 1000;
    int connectRetryMs = 3000;
    // Where the passphrase of an encrypted SSH key file is (sshKeyPassphraseSecret(path));
    // none found: the key is used as it is.
    std::shared_ptr<Secrets::SecretStore> secrets;
};

// The secret name under which the passphrase of the SSH key file at path is kept.
QString sshKeyPassphraseSecret(const QString &keyPath);

class InstanceConfigurator : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kMaxLogBytes = 64 * 1024;

    enum class Outcome { Skipped, Unchanged, Changed, Failed };
    // LifeCycle: the configuring step. Reprovision: the same idempotent run on an instance
    // already in service (an admin action). DryRun: `puppet apply --noop`, which shows what
    // would change and changes nothing (its Changed means "would change").
    enum class Purpose { LifeCycle, Reprovision, DryRun };

    InstanceConfigurator(Store::Store &store, ConfiguratorConfig config, QObject *parent = nullptr);
    ~InstanceConfigurator() override;

    // Starts configuring (or answers at once through finished() when there is nothing to do).
    // A second call for an instance still running is ignored.
    void configure(const Store::Instance &instance, const QString &backendName,
                   Purpose purpose = Purpose::LifeCycle);
    bool isConfiguring(qint64 instanceId) const
    {
        return m_runs.count(instanceId) > 0 || m_answering.count(instanceId) > 0 ||
               m_firstAttempt.count(instanceId) > 0;
    }

    // Records the host key the portal made for the instance's machine in the known_hosts of
    // the target the instance is configured through, when that target is the machine itself
    // (not a configured --ssh-target, whose key is the admin's decision). Answers the
    // fingerprint, or an empty string when nothing is to be recorded.
    Result<QString> recordHostKey(const Store::Instance &instance, const QString &backendName,
                                  const QString &publicKey) const;

signals:
    // While a run goes: each step ("== applying") and each output line, as the log has them.
    void output(qint64 instanceId, const QString &line);
    // reason: why skipped or failed; log: the run's steps and output.
    void finished(qint64 instanceId, Portal::Engine::InstanceConfigurator::Purpose purpose,
                  Portal::Engine::InstanceConfigurator::Outcome outcome, const QString &reason,
                  const QString &log);

private:
    std::optional<Provisioning::SshTarget> targetFor(const Store::Instance &instance,
                                                     const QString &backendName) const;
    void startRun(qint64 instanceId, Purpose purpose, const Provisioning::PuppetJob &job);

    Store::Store &m_store;
    ConfiguratorConfig m_config;
    std::map<qint64, std::unique_ptr<Provisioning::PuppetRun>> m_runs;
    std::set<qint64> m_answering; // answered without a run, finished() not emitted yet
    std::map<qint64, QElapsedTimer> m_firstAttempt; // runs waiting for the machine to boot
};

} // namespace Portal::Engine
