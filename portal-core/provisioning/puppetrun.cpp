#include "puppetrun.h"

#include <QLoggingCategory>
#include <QThread>

Q_LOGGING_CATEGORY(lcPuppet, "portal.provisioning")

namespace Portal::Provisioning {

namespace {

constexpr int kShortCommandTimeoutMs = 30000;
constexpr int kMaxErrorLinesInMessage = 10;

} // namespace

PuppetRun::PuppetRun(PuppetJob job, QObject *parent) : QObject(parent), m_job(std::move(job)) {}

PuppetRun::~PuppetRun()
{
    if (m_thread) {
        m_cancel = true;
        m_thread->wait();
        delete m_thread;
    }
}

void PuppetRun::start()
{
    Q_ASSERT(!m_thread);
    m_thread = QThread::create([this] {
        Result<PuppetOutcome> outcome = work();
        post([this, outcome] {
            m_result = outcome;
            if (!outcome)
                m_log.append(QStringLiteral("failed: ") +
                             QString::fromStdString(outcome.error().message));
            emit finished();
        });
    });
    m_thread->setObjectName(QStringLiteral("puppet-run"));
    m_thread->start();
}

void PuppetRun::cancel()
{
    m_cancel = true;
}

void PuppetRun::post(std::function<void()> inOwnerThread)
{
    QMetaObject::invokeMethod(this, std::move(inOwnerThread), Qt::QueuedConnection);
}

Result<PuppetOutcome> PuppetRun::work()
{
    const auto step = [this](const QString &name) {
        post([this, name] {
            m_log.append(QStringLiteral("== ") + name);
            emit stepStarted(name);
        });
    };
    QStringList errorLines;
    const LineHandler forward = [this, &errorLines](OutputStream stream, const QString &line) {
        const bool fromStderr = stream == OutputStream::Stderr;
        // Facter's complaints (unreadable /proc entries in containers) do not fail a run;
        // the resource errors that do are the ones worth a message.
        if (line.startsWith(QLatin1String("Error: ")) &&
            !line.startsWith(QLatin1String("Error: Facter:")) &&
            errorLines.size() < kMaxErrorLinesInMessage)
            errorLines.append(line);
        post([this, line, fromStderr] {
            m_log.append(fromStderr ? QStringLiteral("[stderr] ") + line : line);
            emit lineReceived(line, fromStderr);
        });
    };

    step(QStringLiteral("connecting to %1:%2").arg(m_job.target.host).arg(m_job.target.port));
    auto session = SshSession::connect(m_job.target, &m_cancel);
    if (!session)
        return session.error();

    QString directory;
    auto made = (*session)->run(QStringLiteral("mktemp -d /tmp/iot-portal-puppet.XXXXXXXX"),
                                kShortCommandTimeoutMs,
                                [&directory](OutputStream stream, const QString &line) {
                                    if (stream == OutputStream::Stdout && directory.isEmpty())
                                        directory = line.trimmed();
                                });
    if (!made)
        return made.error();
    if (*made != 0 || !directory.startsWith(QLatin1String("/tmp/iot-portal-puppet.")))
        return makeError("ssh.command", "cannot make a temporary directory on the instance");
    post([this, directory] {
        m_remoteDirectory = directory;
        m_log.append(QStringLiteral("== working in ") + directory);
    });

    const auto apply = [&]() -> Result<PuppetOutcome> {
        step(QStringLiteral("uploading the manifest"));
        QStringList moduleDirectories;
        for (auto it = m_job.manifest.moduleFiles.cbegin(); it != m_job.manifest.moduleFiles.cend();
             ++it) {
            const QString path = directory + QStringLiteral("/modules/") + it.key();
            moduleDirectories.append(shellQuote(path.left(path.lastIndexOf(QLatin1Char('/')))));
        }
        moduleDirectories.removeDuplicates();
        const QString mkdirs = QStringLiteral("mkdir -p %1 %2")
                                   .arg(shellQuote(directory + QStringLiteral("/modules")),
                                        moduleDirectories.join(' '));
        auto created = (*session)->run(mkdirs, kShortCommandTimeoutMs, forward);
        if (!created)
            return created.error();
        if (*created != 0)
            return makeError("ssh.command", "cannot make the module directories on the instance");
        if (auto sent =
                (*session)->upload(m_job.manifest.sitePp, directory + QStringLiteral("/site.pp"));
            !sent)
            return sent.error();
        for (auto it = m_job.manifest.moduleFiles.cbegin(); it != m_job.manifest.moduleFiles.cend();
             ++it) {
            if (auto sent = (*session)->upload(it.value(),
                                               directory + QStringLiteral("/modules/") + it.key());
                !sent)
                return sent.error();
        }

        step(m_job.noop ? QStringLiteral("puppet apply --noop") : QStringLiteral("puppet apply"));
        const QString command =
            QStringLiteral("%1 apply --detailed-exitcodes --color=false %2--modulepath=%3 "
                           "--vardir=%4 %5")
                .arg(shellQuote(m_job.puppetCommand),
                     m_job.noop ? QStringLiteral("--noop ") : QString(),
                     shellQuote(directory + QStringLiteral("/modules")),
                     shellQuote(directory + QStringLiteral("/var")),
                     shellQuote(directory + QStringLiteral("/site.pp")));
        auto status = (*session)->run(command, m_job.timeoutMs, forward);
        if (!status)
            return status.error();
        switch (*status) {
        case 0:
            return PuppetOutcome::Unchanged;
        case 2:
            return PuppetOutcome::Changed;
        case 127:
            return makeError("puppet.missing",
                             "puppet is not installed on the instance (exit status 127)");
        default:
            break;
        }
        QString message = QStringLiteral("puppet apply failed (exit status %1)").arg(*status);
        if (!errorLines.isEmpty())
            message += QStringLiteral(": ") + errorLines.join(QStringLiteral(" | "));
        return makeError("puppet.failed", message.toStdString());
    };
    Result<PuppetOutcome> outcome = apply();

    // Always, also after a failure or a cancel: nothing of the run stays on the instance.
    step(QStringLiteral("cleaning up"));
    const bool wasCancelled = m_cancel.exchange(false);
    auto removed = (*session)->run(QStringLiteral("rm -rf ") + shellQuote(directory),
                                   kShortCommandTimeoutMs, forward);
    if (!removed || *removed != 0)
        qCWarning(lcPuppet).noquote()
            << "could not remove" << directory << "on" << m_job.target.host;
    m_cancel = wasCancelled;
    return outcome;
}

} // namespace Portal::Provisioning
