#include "instanceconfigurator.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QUrl>

namespace Portal::Engine {

namespace {

const QString kDefaultPortalFilesDir = QStringLiteral("/etc/iot-portal");

QString boundedLog(const QStringList &lines)
{
    QString log = lines.join(QLatin1Char('\n'));
    if (log.size() > InstanceConfigurator::kMaxLogBytes)
        log = QStringLiteral("[…]\n") + log.right(InstanceConfigurator::kMaxLogBytes);
    return log;
}

} // namespace

InstanceConfigurator::InstanceConfigurator(Store::Store &store, ConfiguratorConfig config,
                                           QObject *parent)
    : QObject(parent), m_store(store), m_config(std::move(config))
{
}

InstanceConfigurator::~InstanceConfigurator() = default;

std::optional<Provisioning::SshTarget>
InstanceConfigurator::targetFor(const Store::Instance &instance, const QString &backendName) const
{
    if (m_config.sshTarget)
        return m_config.sshTarget;
    if (backendName == QLatin1String("local") || instance.url.isEmpty())
        return std::nullopt;
    Provisioning::SshTarget target = m_config.instanceDefaults;
    target.host = QUrl(instance.url).host();
    if (target.host.isEmpty() || target.user.isEmpty())
        return std::nullopt;
    return target;
}

void InstanceConfigurator::configure(const Store::Instance &instance, const QString &backendName,
                                     Purpose purpose)
{
    const qint64 id = instance.id;
    if (isConfiguring(id))
        return;
    const auto answer = [this, id, purpose](Outcome outcome, const QString &reason) {
        m_answering.insert(id);
        QTimer::singleShot(0, this, [this, id, purpose, outcome, reason] {
            m_answering.erase(id);
            emit finished(id, purpose, outcome, reason, QString());
        });
    };
    auto vmTemplate = m_store.findTemplate(instance.templateName);
    if (!vmTemplate)
        return answer(
            Outcome::Failed,
            QStringLiteral("template %1: %2")
                .arg(instance.templateName, QString::fromStdString(vmTemplate.error().message)));
    const QJsonObject puppet = vmTemplate->spec.value(QStringLiteral("puppet")).toObject();
    const QString filesRoot =
        puppet.value(QStringLiteral("portalFilesDir")).toString(kDefaultPortalFilesDir);
    const QString filesDir = filesRoot + QStringLiteral("/instance-%1").arg(id);
    QJsonArray devices;
    if (auto placed = m_store.devicesOfInstance(id)) {
        for (const Store::Device &device : *placed)
            devices.append(QJsonObject{
                {QStringLiteral("id"), device.id},
                {QStringLiteral("publicKey"), QString::fromLatin1(device.publicKey.toBase64())},
                {QStringLiteral("revoked"), device.revoked}});
    }
    const QList<Provisioning::ManagedFile> portalFiles{
        {filesDir + QStringLiteral("/portal-ca.pem"), m_config.portalCaPem.toUtf8(),
         QStringLiteral("0644")},
        {filesDir + QStringLiteral("/devices.json"),
         QJsonDocument(devices).toJson(QJsonDocument::Indented), QStringLiteral("0644")}};
    auto manifest = Provisioning::renderManifest(
        vmTemplate->spec,
        QStringLiteral("instance %1 from template %2").arg(id).arg(instance.templateName),
        portalFiles, {filesRoot, filesDir});
    if (!manifest)
        return answer(Outcome::Failed, QString::fromStdString(manifest.error().message));
    if (!manifest->hasContent)
        return answer(
            Outcome::Skipped,
            QStringLiteral("template %1 has no Puppet content").arg(instance.templateName));
    const auto target = targetFor(instance, backendName);
    if (!target)
        return answer(Outcome::Skipped,
                      QStringLiteral("no SSH target for the %1 backend").arg(backendName));

    Provisioning::PuppetJob job;
    job.target = *target;
    job.manifest = *manifest;
    job.noop = purpose == Purpose::DryRun;
    job.timeoutMs = m_config.puppetTimeoutMs;
    if (job.target.identityFile.isEmpty() || !m_config.secrets)
        return startRun(id, purpose, job);
    // The passphrase first; the run keeps counting as this instance's meanwhile.
    m_answering.insert(id);
    const QString secret = sshKeyPassphraseSecret(job.target.identityFile);
    m_config.secrets->read(
        secret, this, [this, id, purpose, job, secret](const Result<QByteArray> &passphrase) {
            m_answering.erase(id);
            if (!passphrase && passphrase.error().code != "secrets.not_found")
                return emit finished(id, purpose, Outcome::Failed,
                                     QStringLiteral("cannot read the passphrase %1 from %2: %3")
                                         .arg(secret, m_config.secrets->description(),
                                              QString::fromStdString(passphrase.error().message)),
                                     QString());
            Provisioning::PuppetJob withPassphrase = job;
            if (passphrase)
                withPassphrase.target.keyPassphrase = *passphrase;
            startRun(id, purpose, withPassphrase);
        });
}

QString sshKeyPassphraseSecret(const QString &keyPath)
{
    return QStringLiteral("ssh-key-passphrase:") + QFileInfo(keyPath).absoluteFilePath();
}

void InstanceConfigurator::startRun(qint64 id, Purpose purpose, const Provisioning::PuppetJob &job)
{
    auto run = std::make_unique<Provisioning::PuppetRun>(job);
    Provisioning::PuppetRun *started = run.get();
    connect(started, &Provisioning::PuppetRun::stepStarted, this,
            [this, id](const QString &step) { emit output(id, QStringLiteral("== ") + step); });
    connect(started, &Provisioning::PuppetRun::lineReceived, this,
            [this, id](const QString &line, bool fromStderr) {
                emit output(id, fromStderr ? QStringLiteral("[stderr] ") + line : line);
            });
    connect(started, &Provisioning::PuppetRun::finished, this, [this, id, purpose, started, job] {
        const auto &result = *started->result();
        // The run is deleted after this slot returns, not inside its own signal.
        QTimer::singleShot(0, this, [this, id] { m_runs.erase(id); });
        if (!result && result.error().code == "ssh.connect") {
            auto first = m_firstAttempt.try_emplace(id).first;
            if (!first->second.isValid())
                first->second.start();
            if (first->second.elapsed() < m_config.bootWaitMs) {
                QTimer::singleShot(m_config.connectRetryMs, this, [this, id, purpose, job] {
                    if (m_firstAttempt.count(id) && !m_runs.count(id))
                        startRun(id, purpose, job);
                });
                return;
            }
        }
        m_firstAttempt.erase(id);
        const QString log = boundedLog(started->log());
        Outcome outcome = !result                                           ? Outcome::Failed
                          : *result == Provisioning::PuppetOutcome::Changed ? Outcome::Changed
                                                                            : Outcome::Unchanged;
        // `puppet apply --noop` exits 0 even when it would change something; its events
        // carry "(noop)".
        if (purpose == Purpose::DryRun && outcome == Outcome::Unchanged) {
            for (const QString &line : started->log()) {
                if (line.endsWith(QLatin1String("(noop)")))
                    outcome = Outcome::Changed;
            }
        }
        QString reason = result ? QString() : QString::fromStdString(result.error().message);
        if (!result && result.error().code == "ssh.auth" && !job.target.identityFile.isEmpty() &&
            job.target.keyPassphrase.isEmpty())
            reason +=
                QStringLiteral(" (if the key has a passphrase, keep it as the secret %1%2)")
                    .arg(sshKeyPassphraseSecret(job.target.identityFile),
                         m_config.secrets ? QStringLiteral(" in ") + m_config.secrets->description()
                                          : QString());
        emit finished(id, purpose, outcome, reason, log);
    });
    m_runs.insert_or_assign(id, std::move(run));
    started->start();
}

Result<QString> InstanceConfigurator::recordHostKey(const Store::Instance &instance,
                                                    const QString &backendName,
                                                    const QString &publicKey) const
{
    if (publicKey.isEmpty() || m_config.sshTarget)
        return QString();
    const auto target = targetFor(instance, backendName);
    if (!target)
        return QString();
    if (auto recorded = Provisioning::SshSession::recordHostKey(*target, publicKey); !recorded)
        return recorded.error();
    return Provisioning::publicKeyFingerprint(publicKey) +
           QStringLiteral(" for %1:%2").arg(target->host).arg(target->port);
}

} // namespace Portal::Engine
