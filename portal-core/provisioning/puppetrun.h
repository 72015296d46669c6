#pragma once
// One Puppet run on an instance over SSH (DESIGN §5): connect (host key checked), make a
// fresh temp dir, upload the manifest and module files over SFTP, run `puppet apply
// --detailed-exitcodes --color=false` (optionally --noop), stream its output, remove the temp
// dir whatever happened. The SSH work runs in a thread of its own; the owner's thread gets the
// steps and every output line as signals while Puppet runs, and finished() once.
//
// Puppet's exit codes: 0 → Unchanged, 2 → Changed (with --noop: would change), 4 or 6 →
// `puppet.failed` with Puppet's own "Error:" lines in the message, 1 → `puppet.failed`
// (the run could not start: syntax, missing class), 127 → `puppet.missing` (no puppet on
// the instance). SSH errors come as SshSession's (`ssh.*`).
//
// Each run passes its own --vardir inside the temp dir, so concurrent runs on one machine do
// not share Puppet's state files.

#include "puppetmanifest.h"
#include "sshsession.h"

#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>
#include <optional>

class QThread;

namespace Portal::Provisioning {

enum class PuppetOutcome { Unchanged, Changed };

struct PuppetJob
{
    SshTarget target;
    RenderedManifest manifest;
    bool noop = false;
    int timeoutMs = 15 * 60 * 1000; // for puppet apply itself
    QString puppetCommand = QStringLiteral("puppet");
};

class PuppetRun : public QObject
{
    Q_OBJECT
public:
    explicit PuppetRun(PuppetJob job, QObject *parent = nullptr);
    // Cancels a run still going and waits for its thread (at most the SSH timeouts).
    ~PuppetRun() override;

    void start();
    // The run stops at its next check (the remote command gets SIGTERM); finished() follows.
    void cancel();
    bool isFinished() const { return m_result.has_value(); }
    // Set once finished() was emitted.
    const std::optional<Result<PuppetOutcome>> &result() const { return m_result; }
    // Every step and output line so far, in order ("[stderr] " marks standard error).
    const QStringList &log() const { return m_log; }
    // The temp dir the run made on the instance (removed when the run ends); empty before.
    const QString &remoteDirectory() const { return m_remoteDirectory; }

signals:
    void stepStarted(const QString &step); // connecting, uploading, applying, cleaning up
    void lineReceived(const QString &line, bool fromStderr);
    void finished();

private:
    Result<PuppetOutcome> work();
    void post(std::function<void()> inOwnerThread);

    PuppetJob m_job;
    std::atomic_bool m_cancel{false};
    QThread *m_thread = nullptr;
    std::optional<Result<PuppetOutcome>> m_result;
    QStringList m_log;
    QString m_remoteDirectory;
};

} // namespace Portal::Provisioning
