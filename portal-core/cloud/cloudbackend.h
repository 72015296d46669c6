#pragma once
// Where instances run (DESIGN §5): a backend creates, deletes and reports the machines that
// host an instance's iot-m2m-service. The engine persists the life cycle in the store and asks
// the backend; a backend keeps what it needs to find its machines again after a restart
// (ownership tags), so reconciliation never leaves an orphan or a duplicate.

#include <portal-core/base/result.h>

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>

namespace Portal::Cloud {

// Every instance's name: its server certificate's typed name (urn:iot-portal:instance:<name>),
// its M2M service's --name, and what the portal API tells gateways to expect.
inline QString instanceName(qint64 instanceId)
{
    return QStringLiteral("instance-%1").arg(instanceId);
}

struct InstanceSpec
{
    qint64 instanceId = 0;
    QString ownerTag; // the portal's mark on everything it creates
    QString templateName;
    QJsonObject templateSpec;
    // For a backend whose machines take one at boot (acceptsSshHostKey()): the SSH host key
    // the portal made for this machine. Empty: the machine makes its own.
    QByteArray sshHostPrivateKey; // a secret: only ever sent to the machine
    QString sshHostPublicKey;     // "ssh-ed25519 AAAA…"
};

struct InstanceStatus
{
    // Stopped: halted on purpose (an admin's stop), not a failure; it can be started again.
    enum class State { Missing, Building, Running, Stopped, Failed };
    State state = State::Missing;
    QString url; // https://127.0.0.1:port once Running
    int port = 0;
    QString dataDir;
    QString reason;           // set when Failed
    QString sshHostPublicKey; // the host key the machine was given, when the portal made one
};

class CloudBackend : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~CloudBackend() override = default;

    virtual QString name() const = 0; // "local", "openstack"
    // Starts creating (or resumes an instance this backend already holds). Asynchronous: the
    // state moves on through status() and statusChanged. Errors are immediate refusals.
    virtual Result<void> create(const InstanceSpec &spec) = 0;
    // Stops and removes the instance (data kept where the backend keeps data).
    virtual Result<void> remove(qint64 instanceId) = 0;
    virtual InstanceStatus status(qint64 instanceId) const = 0;
    // Instance ids this backend finds carrying ownerTag (including stopped ones).
    virtual Result<QList<qint64>> listByOwner(const QString &ownerTag) const = 0;
    // Stops supervising without deleting anything (orderly shutdown of the portal).
    virtual void shutdown() = 0;
    // Whether create() hands InstanceSpec's SSH host key to the machine (cloud-init).
    virtual bool acceptsSshHostKey() const { return false; }

    // Admin actions on an instance's machine (DESIGN §2.1). Asynchronous: done is called once,
    // in context's thread, with the cloud's answer to the request (the state then moves on
    // through statusChanged). A backend that cannot do them answers `cloud.unsupported`.
    enum class Action { Start, Stop, SoftReboot, HardReboot };
    using Done = std::function<void(const Result<void> &)>;
    virtual void act(qint64 instanceId, Action action, QObject *context, Done done);
    // The last lastLines lines of the machine's console, as the cloud reports them.
    virtual void consoleLog(qint64 instanceId, int lastLines, QObject *context,
                            std::function<void(const Result<QString> &)> done);

signals:
    void statusChanged(qint64 instanceId);
};

inline void CloudBackend::act(qint64, Action, QObject *context, Done done)
{
    QMetaObject::invokeMethod(
        context,
        [done = std::move(done), backend = name()] {
            done(makeError("cloud.unsupported",
                           "the " + backend.toStdString() + " backend has no machine actions"));
        },
        Qt::QueuedConnection);
}

inline void CloudBackend::consoleLog(qint64, int, QObject *context,
                                     std::function<void(const Result<QString> &)> done)
{
    QMetaObject::invokeMethod(
        context,
        [done = std::move(done), backend = name()] {
            done(makeError("cloud.unsupported",
                           "the " + backend.toStdString() + " backend has no console log"));
        },
        Qt::QueuedConnection);
}

} // namespace Portal::Cloud
