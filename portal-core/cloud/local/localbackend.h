#pragma once
// The embedded `local` backend (DESIGN §5): an instance is an iot-m2m-service child process
// on the listen address (127.0.0.1) with its own data directory <instancesDir>/instance-<id>
// holding instance.json (id, owner tag, template), its server certificate issued from the
// portal CA (server.crt, server.key 0600; SAN localhost and the listen address) and the
// service's data. The port comes from the service's --port-file.
//
// States: Building from start until GET /admin/v1/health answers 200 over HTTPS with the
// portal-admin certificate, then Running; health is checked every healthIntervalMs. A process
// that exits or fails kMaxHealthFailures checks in a row is restarted, at most maxRestarts
// times in a row (then Failed with the reason); one that does not become healthy within
// startTimeoutMs counts as a failed start. create() on an instance directory that exists
// reuses its certificate and data (resume after a portal restart).

#include "../admintls.h"
#include "../cloudbackend.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QSslConfiguration>

#include <memory>

class QNetworkAccessManager;
class QProcess;
class QTimer;

namespace Portal::Cloud {

struct LocalBackendConfig
{
    QString m2mServicePath;
    QString instancesDir;
    QString portalCaCertificatePath; // issues instance certificates
    QString portalCaKeyPath;
    QString adminCaCertificatePath; // the instances' --admin-client-ca: the admin identity's root
    AdminTlsFiles adminTls;
    QHostAddress listenAddress = QHostAddress::LocalHost;
    int healthIntervalMs = 2000;
    int startTimeoutMs = 20000;
    int maxRestarts = 5;
};

class LocalBackend final : public CloudBackend
{
    Q_OBJECT
public:
    // Errors: `cloud.config` (missing program, directory or CA), `cloud.tls_config`.
    static Result<std::unique_ptr<LocalBackend>> create(LocalBackendConfig config,
                                                        QObject *parent = nullptr);
    ~LocalBackend() override;

    QString name() const override { return QStringLiteral("local"); }
    // Errors: `cloud.create_failed` (directory, certificate or process start).
    Result<void> create(const InstanceSpec &spec) override;
    Result<void> remove(qint64 instanceId) override;
    InstanceStatus status(qint64 instanceId) const override;
    Result<QList<qint64>> listByOwner(const QString &ownerTag) const override;
    void shutdown() override;

    // For tests: the child's process id (0 when not running).
    qint64 processId(qint64 instanceId) const;

private:
    struct Child;
    LocalBackend(LocalBackendConfig config, QSslConfiguration adminTls, QObject *parent);
    QString instanceDir(qint64 instanceId) const;
    Result<void> prepareDirectory(const InstanceSpec &spec, const QString &directory);
    void startProcess(Child &child);
    void onExited(qint64 instanceId);
    void tick();
    void checkHealth(Child &child);
    void restartOrFail(Child &child, const QString &reason);
    void setState(Child &child, InstanceStatus::State state, const QString &reason = QString());

    LocalBackendConfig m_config;
    QSslConfiguration m_adminTls;
    QNetworkAccessManager *m_network = nullptr;
    QTimer *m_timer = nullptr;
    QHash<qint64, std::shared_ptr<Child>> m_children;
};

} // namespace Portal::Cloud
