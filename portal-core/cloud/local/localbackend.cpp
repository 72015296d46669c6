#include "localbackend.h"

#include <portal-core/crypto/identity.h>
#include <portal-core/crypto/x509.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSaveFile>
#include <QTimer>

Q_LOGGING_CATEGORY(lcLocalBackend, "portal.cloud.local")

namespace Portal::Cloud {

namespace {

constexpr int kTickMs = 200;
constexpr int kMaxHealthFailures = 3;
constexpr int kHealthTimeoutMs = 3000;
constexpr qint64 kMaxSmallFileBytes = 64 * 1024;
constexpr int64_t kInstanceCertificateValidityS = int64_t(365) * 24 * 3600;

Result<QByteArray> readSmallFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxSmallFileBytes)
        return makeError("cloud.config", "cannot read " + path.toStdString());
    return file.readAll();
}

Result<void> writeFile(const QString &path, const QByteArray &data, bool secret)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError("cloud.create_failed", "cannot write " + path.toStdString());
    if (secret)
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    file.write(data);
    if (!file.commit())
        return makeError("cloud.create_failed", "cannot write " + path.toStdString());
    return {};
}

} // namespace

struct LocalBackend::Child
{
    InstanceSpec spec;
    QString directory;
    QProcess *process = nullptr;
    InstanceStatus::State state = InstanceStatus::State::Building;
    QString reason;
    int port = 0;
    int restartsInARow = 0;
    int healthFailures = 0;
    bool healthInFlight = false;
    bool stopping = false;
    QElapsedTimer sinceStart;
    QElapsedTimer sinceHealth;
};

Result<std::unique_ptr<LocalBackend>> LocalBackend::create(LocalBackendConfig config,
                                                           QObject *parent)
{
    if (!QFileInfo(config.m2mServicePath).isExecutable())
        return makeError("cloud.config", "iot-m2m-service not found or not executable at " +
                                             config.m2mServicePath.toStdString());
    if (config.instancesDir.isEmpty() || !QDir().mkpath(config.instancesDir))
        return makeError("cloud.config", "cannot create the instances directory");
    if (!QFileInfo(config.adminCaCertificatePath).isReadable())
        return makeError("cloud.config", "the admin CA certificate is not readable at " +
                                             config.adminCaCertificatePath.toStdString());
    auto adminTls = makeAdminTlsConfiguration(config.adminTls);
    if (!adminTls)
        return adminTls.error();
    return std::unique_ptr<LocalBackend>(new LocalBackend(std::move(config), *adminTls, parent));
}

LocalBackend::LocalBackend(LocalBackendConfig config, QSslConfiguration adminTls, QObject *parent)
    : CloudBackend(parent), m_config(std::move(config)), m_adminTls(std::move(adminTls)),
      m_network(new QNetworkAccessManager(this)), m_timer(new QTimer(this))
{
    m_timer->setInterval(kTickMs);
    connect(m_timer, &QTimer::timeout, this, &LocalBackend::tick);
    m_timer->start();
}

LocalBackend::~LocalBackend()
{
    shutdown();
}

QString LocalBackend::instanceDir(qint64 instanceId) const
{
    return QDir(m_config.instancesDir).filePath(QStringLiteral("instance-%1").arg(instanceId));
}

Result<void> LocalBackend::prepareDirectory(const InstanceSpec &spec, const QString &directory)
{
    if (!QDir().mkpath(directory))
        return makeError("cloud.create_failed", "cannot create " + directory.toStdString());
    QFile::setPermissions(directory, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    const QDir dir(directory);
    const QJsonObject manifest{{QStringLiteral("instanceId"), spec.instanceId},
                               {QStringLiteral("ownerTag"), spec.ownerTag},
                               {QStringLiteral("template"), spec.templateName}};
    if (auto written = writeFile(dir.filePath(QStringLiteral("instance.json")),
                                 QJsonDocument(manifest).toJson(), false);
        !written)
        return written;
    const std::string name = instanceName(spec.instanceId).toStdString();
    if (QFile::exists(dir.filePath(QStringLiteral("server.key")))) {
        // Kept only when it names this instance (one made before typed names is reissued).
        auto existing = readSmallFile(dir.filePath(QStringLiteral("server.crt")));
        auto certificate = existing ? Crypto::Certificate::fromPem(existing->toStdString())
                                    : Result<Crypto::Certificate>(existing.error());
        auto identity = certificate ? Crypto::identityOf(*certificate)
                                    : Result<Crypto::Identity>(certificate.error());
        if (identity && identity->type == Crypto::IdentityType::Instance && identity->name == name)
            return {};
        QFile::remove(dir.filePath(QStringLiteral("server.key")));
        QFile::remove(dir.filePath(QStringLiteral("server.crt")));
    }

    auto caPem = readSmallFile(m_config.portalCaCertificatePath);
    auto caKeyPem = readSmallFile(m_config.portalCaKeyPath);
    if (!caPem)
        return caPem.error();
    if (!caKeyPem)
        return caKeyPem.error();
    auto ca = Crypto::Certificate::fromPem(caPem->toStdString());
    auto caKey = Crypto::PrivateKey::fromPem(caKeyPem->toStdString());
    Crypto::secureWipe(caKeyPem->data(), size_t(caKeyPem->size()));
    if (!ca)
        return ca.error();
    if (!caKey)
        return caKey.error();
    auto key = Crypto::PrivateKey::generateP256();
    if (!key)
        return key.error();
    const Crypto::PublicKey publicKey = key->publicKey();
    Crypto::IssueRequest request;
    request.issuerCertificate = &*ca;
    request.issuerKey = &*caKey;
    request.subjectPublicKey = &publicKey;
    request.commonName = name;
    request.uris = {Crypto::identityUri(Crypto::IdentityType::Instance, name)};
    request.dnsNames = {"localhost"};
    request.ipAddresses = {m_config.listenAddress.toString().toStdString()};
    request.profile = Crypto::CertificateProfile::TlsServer;
    request.validitySeconds = kInstanceCertificateValidityS;
    auto certificate = Crypto::issueCertificate(request);
    if (!certificate)
        return certificate.error();
    const Crypto::SecretBytes keyPem = key->toPem();
    if (auto written = writeFile(
            dir.filePath(QStringLiteral("server.key")),
            QByteArray(reinterpret_cast<const char *>(keyPem.data()), qsizetype(keyPem.size())),
            true);
        !written)
        return written;
    return writeFile(dir.filePath(QStringLiteral("server.crt")),
                     QByteArray::fromStdString(certificate->toPem()), false);
}

Result<void> LocalBackend::create(const InstanceSpec &spec)
{
    if (auto existing = m_children.value(spec.instanceId);
        existing && existing->state != InstanceStatus::State::Failed)
        return {};
    const QString directory = instanceDir(spec.instanceId);
    if (auto prepared = prepareDirectory(spec, directory); !prepared)
        return makeError("cloud.create_failed", prepared.error().message);
    auto child = std::make_shared<Child>();
    child->spec = spec;
    child->directory = directory;
    m_children.insert(spec.instanceId, child);
    startProcess(*child);
    return {};
}

void LocalBackend::startProcess(Child &child)
{
    const QDir dir(child.directory);
    const QString portFile = dir.filePath(QStringLiteral("port"));
    QFile::remove(portFile);
    QDir().mkpath(dir.filePath(QStringLiteral("data")));
    if (child.process)
        child.process->deleteLater();
    child.process = new QProcess(this);
    child.process->setStandardOutputFile(dir.filePath(QStringLiteral("service.log")),
                                         QIODevice::Append);
    child.process->setProcessChannelMode(QProcess::MergedChannels);
    const qint64 id = child.spec.instanceId;
    connect(child.process, &QProcess::finished, this, [this, id] { onExited(id); });
    connect(child.process, &QProcess::errorOccurred, this, [this, id](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            onExited(id);
    });
    child.port = 0;
    child.healthFailures = 0;
    child.sinceStart.start();
    setState(child, InstanceStatus::State::Building);
    qCInfo(lcLocalBackend) << "starting instance" << id;
    child.process->start(
        m_config.m2mServicePath,
        {QStringLiteral("--data-dir"), dir.filePath(QStringLiteral("data")),
         QStringLiteral("--listen"), m_config.listenAddress.toString(), QStringLiteral("--port"),
         QStringLiteral("0"), QStringLiteral("--port-file"), portFile, QStringLiteral("--tls-cert"),
         dir.filePath(QStringLiteral("server.crt")), QStringLiteral("--tls-key"),
         dir.filePath(QStringLiteral("server.key")), QStringLiteral("--admin-client-ca"),
         m_config.adminCaCertificatePath, QStringLiteral("--name"), instanceName(id)});
}

void LocalBackend::onExited(qint64 instanceId)
{
    auto child = m_children.value(instanceId);
    if (!child || child->stopping)
        return;
    restartOrFail(*child, QStringLiteral("iot-m2m-service exited (code %1)")
                              .arg(child->process ? child->process->exitCode() : -1));
}

void LocalBackend::restartOrFail(Child &child, const QString &reason)
{
    qCWarning(lcLocalBackend).noquote() << "instance" << child.spec.instanceId << ":" << reason;
    if (child.process && child.process->state() != QProcess::NotRunning) {
        child.stopping = true;
        child.process->kill();
        child.process->waitForFinished(3000);
        child.stopping = false;
    }
    if (child.restartsInARow >= m_config.maxRestarts) {
        setState(child, InstanceStatus::State::Failed, reason);
        return;
    }
    ++child.restartsInARow;
    startProcess(child);
}

void LocalBackend::setState(Child &child, InstanceStatus::State state, const QString &reason)
{
    if (child.state == state && child.reason == reason)
        return;
    child.state = state;
    child.reason = reason;
    emit statusChanged(child.spec.instanceId);
}

void LocalBackend::tick()
{
    const auto children = m_children.values();
    for (const auto &child : children) {
        if (child->stopping || child->state == InstanceStatus::State::Failed)
            continue;
        if (child->state == InstanceStatus::State::Building) {
            if (child->port == 0) {
                QFile file(QDir(child->directory).filePath(QStringLiteral("port")));
                if (file.open(QIODevice::ReadOnly)) {
                    const uint port = file.read(16).trimmed().toUInt();
                    if (port > 0 && port <= 65535)
                        child->port = int(port);
                }
            }
            if (child->sinceStart.elapsed() > m_config.startTimeoutMs) {
                restartOrFail(
                    *child,
                    QStringLiteral("not healthy within %1 ms").arg(m_config.startTimeoutMs));
                continue;
            }
            if (child->port != 0 && !child->healthInFlight)
                checkHealth(*child);
        } else if (!child->healthInFlight &&
                   child->sinceHealth.elapsed() >= m_config.healthIntervalMs) {
            checkHealth(*child);
        }
    }
}

void LocalBackend::checkHealth(Child &child)
{
    QNetworkRequest request(QUrl(QStringLiteral("https://%1:%2/admin/v1/health")
                                     .arg(m_config.listenAddress.toString())
                                     .arg(child.port)));
    request.setSslConfiguration(m_adminTls);
    request.setTransferTimeout(kHealthTimeoutMs);
    child.healthInFlight = true;
    child.sinceHealth.start();
    QNetworkReply *reply = m_network->get(request);
    const qint64 id = child.spec.instanceId;
    QProcess *process = child.process;
    connect(reply, &QNetworkReply::finished, this, [this, reply, id, process] {
        reply->deleteLater();
        auto current = m_children.value(id);
        if (!current || current->process != process)
            return;
        current->healthInFlight = false;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200) {
            current->healthFailures = 0;
            current->restartsInARow = 0;
            setState(*current, InstanceStatus::State::Running);
            return;
        }
        if (current->state == InstanceStatus::State::Running &&
            ++current->healthFailures >= kMaxHealthFailures)
            restartOrFail(*current,
                          QStringLiteral("health check failed: %1").arg(reply->errorString()));
    });
}

Result<void> LocalBackend::remove(qint64 instanceId)
{
    if (auto child = m_children.take(instanceId)) {
        child->stopping = true;
        if (child->process) {
            child->process->terminate();
            if (!child->process->waitForFinished(5000)) {
                child->process->kill();
                child->process->waitForFinished(3000);
            }
            child->process->deleteLater();
        }
    }
    // The data stays; without its manifest the directory is no longer listed as ours.
    QFile::remove(QDir(instanceDir(instanceId)).filePath(QStringLiteral("instance.json")));
    emit statusChanged(instanceId);
    return {};
}

InstanceStatus LocalBackend::status(qint64 instanceId) const
{
    InstanceStatus status;
    const auto child = m_children.value(instanceId);
    if (!child)
        return status;
    status.state = child->state;
    status.reason = child->reason;
    status.port = child->port;
    status.dataDir = QDir(child->directory).filePath(QStringLiteral("data"));
    if (child->port != 0)
        status.url =
            QStringLiteral("https://%1:%2").arg(m_config.listenAddress.toString()).arg(child->port);
    return status;
}

Result<QList<qint64>> LocalBackend::listByOwner(const QString &ownerTag) const
{
    QList<qint64> result;
    const QDir root(m_config.instancesDir);
    const auto entries =
        root.entryList({QStringLiteral("instance-*")}, QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        auto manifest = readSmallFile(root.filePath(entry + QStringLiteral("/instance.json")));
        if (!manifest)
            continue;
        const QJsonObject object = QJsonDocument::fromJson(*manifest).object();
        if (object.value(QStringLiteral("ownerTag")).toString() == ownerTag)
            result.append(qint64(object.value(QStringLiteral("instanceId")).toDouble()));
    }
    std::sort(result.begin(), result.end());
    return result;
}

void LocalBackend::shutdown()
{
    m_timer->stop();
    for (const auto &child : std::as_const(m_children)) {
        child->stopping = true;
        if (child->process && child->process->state() != QProcess::NotRunning)
            child->process->terminate();
    }
    for (const auto &child : std::as_const(m_children)) {
        if (child->process && !child->process->waitForFinished(5000)) {
            child->process->kill();
            child->process->waitForFinished(3000);
        }
    }
    m_children.clear();
}

qint64 LocalBackend::processId(qint64 instanceId) const
{
    const auto child = m_children.value(instanceId);
    return child && child->process ? child->process->processId() : 0;
}

} // namespace Portal::Cloud
