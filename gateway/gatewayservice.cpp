#include "gatewayservice.h"

#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QSslKey>

Q_LOGGING_CATEGORY(lcGateway, "portal.gateway")

namespace Portal::Gateway {

namespace {

constexpr int kMinBootstrapBackoffMs = 1000;
constexpr int kMaxBootstrapBackoffMs = 30'000;
constexpr int kAttachRetryMs = 3000;
// A proof is sent again every kProofRetryMs for at most kProofRetryForS (its challenge lives
// 60 s at the portal).
constexpr int kProofRetryMs = 500;
constexpr int kProofRetryForS = 50;
// Longer than any portal request takes (PortalClient's transfer timeout is 15 s).
constexpr int kFormerClientLingerMs = 30'000;

// Whether an attach step failed for a reason a later attempt can overcome: the portal was
// unreachable, answered badly, or refused this gateway's certificate (it lapsed; a new one is
// on its way). A refusal of the device itself (class, enrolment, proof) is final.
bool isTransient(const Error &error)
{
    return error.code == "portal.unreachable" || error.code == "portal.bad_response" ||
           error.code == "portal.certificate" || error.code == "portal.timeout";
}

Result<Crypto::PrivateKey> loadOrCreateKey(const QString &path)
{
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly))
            return makeError("gateway.state", "cannot read " + path.toStdString());
        return Crypto::PrivateKey::fromPem(file.read(64 * 1024).toStdString());
    }
    auto key = Crypto::PrivateKey::generateP256();
    if (!key)
        return key.error();
    const Crypto::SecretBytes pem = key->toPem();
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) ||
        !out.setPermissions(QFile::ReadOwner | QFile::WriteOwner) ||
        out.write(reinterpret_cast<const char *>(pem.data()), qint64(pem.size())) !=
            qint64(pem.size()) ||
        !out.commit())
        return makeError("gateway.state", "cannot write " + path.toStdString());
    return key;
}

} // namespace

GatewayService::GatewayService(GatewayConfig config, QObject *parent)
    : QObject(parent), m_config(std::move(config))
{
    m_heartbeat.setInterval(m_config.heartbeatIntervalMs);
    connect(&m_heartbeat, &QTimer::timeout, this, &GatewayService::sendHeartbeat);
    m_renew.setSingleShot(true);
    connect(&m_renew, &QTimer::timeout, this, [this] {
        qCInfo(lcGateway) << "certificate and B-TID lapse soon; bootstrapping again";
        bootstrap();
    });
}

GatewayService::~GatewayService() = default;

Result<void> GatewayService::start()
{
    if (!QDir().mkpath(m_config.stateDirectory))
        return makeError("gateway.state", "cannot create " + m_config.stateDirectory.toStdString());
    QFile::setPermissions(m_config.stateDirectory,
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    auto usim = Gba::SoftUsim::load(m_config.usimPath);
    if (!usim)
        return usim.error();
    m_usim.emplace(std::move(*usim));
    auto queue =
        ReadingQueue::open(QDir(m_config.stateDirectory).filePath(QStringLiteral("queue.sqlite")));
    if (!queue)
        return makeError("gateway.state", queue.error().message);
    m_queue = std::move(*queue);
    auto key =
        loadOrCreateKey(QDir(m_config.stateDirectory).filePath(QStringLiteral("gateway-key.pem")));
    if (!key)
        return key.error();
    m_key.emplace(std::move(*key));
    if (!m_config.operatorCaPath.isEmpty()) {
        QFile ca(m_config.operatorCaPath);
        if (!ca.open(QIODevice::ReadOnly))
            return makeError("gateway.config",
                             "cannot read " + m_config.operatorCaPath.toStdString());
        m_operatorCa = QSslCertificate::fromData(ca.read(256 * 1024));
        if (m_operatorCa.isEmpty())
            return makeError("gateway.config",
                             "no certificate in " + m_config.operatorCaPath.toStdString());
    }

    for (const LinkAddress &address : m_config.links) {
        auto link = std::make_unique<DeviceLink>(
            address,
            [this](const QByteArray &deviceId, quint32 counter, const QByteArray &message) {
                return acceptReading(deviceId, counter, message);
            });
        DeviceLink *raw = link.get();
        connect(raw, &DeviceLink::attachRequested, this,
                [this, raw](const DeviceIdentity &identity, const QByteArray &gatewayKey) {
                    requestChallenge(raw, identity, gatewayKey);
                });
        connect(raw, &DeviceLink::proofReceived, this,
                [this, raw](const QByteArray &deviceId, const QByteArray &challenge,
                            const QByteArray &deviceKey, const QByteArray &signature) {
                    submitProof(raw, deviceId, challenge, deviceKey, signature);
                });
        connect(raw, &DeviceLink::attached, this, [this, raw](const DeviceIdentity &identity) {
            DeviceUplink &uplink = uplinkFor(identity.deviceId);
            uplink.setLink(raw);
            uplink.noteSeen();
        });
        m_links.push_back(std::move(link));
        raw->start();
    }
    bootstrap();
    return {};
}

void GatewayService::scheduleBootstrap(int delayMs)
{
    m_renew.stop();
    m_renew.start(delayMs);
}

void GatewayService::reenrol()
{
    // Like a lapsed B-TID: the portal no longer accepts this certificate, so bootstrap and
    // enrol again now; the new enrolment attaches every attached device again.
    if (m_gba || m_enrolment)
        return;
    qCInfo(lcGateway) << "the portal asks for a new enrolment; bootstrapping again";
    if (m_portal)
        m_portal.release()->deleteLater(); // called from one of its replies
    m_heartbeat.stop();
    scheduleBootstrap(0);
}

void GatewayService::bootstrap()
{
    if (m_gba)
        return; // one at a time
    Gba::GbaClientConfig config;
    config.bsfUrl = m_config.bsfUrl;
    config.trustedCas = m_operatorCa;
    m_gba = std::make_unique<Gba::GbaClient>(config, *m_usim);
    m_gba->bootstrap([this](Result<Gba::GbaBootstrap> result) {
        m_gba.release()->deleteLater();
        onBootstrapped(std::move(result));
    });
}

void GatewayService::onBootstrapped(Result<Gba::GbaBootstrap> result)
{
    if (!result) {
        m_bootstrapBackoffMs = m_bootstrapBackoffMs == 0
                                   ? kMinBootstrapBackoffMs
                                   : qMin(2 * m_bootstrapBackoffMs, kMaxBootstrapBackoffMs);
        qCWarning(lcGateway).noquote() << "bootstrap failed:" << result.error().message.c_str()
                                       << "- retrying in" << m_bootstrapBackoffMs << "ms";
        scheduleBootstrap(m_bootstrapBackoffMs);
        return;
    }
    ++m_counters.bootstraps;
    m_bootstrap.emplace(std::move(*result));
    auto csr = Crypto::createCsr(*m_key, m_config.gatewayId.toStdString());
    if (!csr) {
        qCCritical(lcGateway) << "cannot create a CSR:" << csr.error().message.c_str();
        return;
    }
    Gba::EnrolmentRequest request;
    request.nafUrl = m_config.nafUrl;
    request.nafFqdn = m_config.nafFqdn;
    request.trustedCas = m_operatorCa;
    request.gatewayId = m_config.gatewayId;
    request.csrPem = QByteArray::fromStdString(*csr);
    m_enrolment = std::make_unique<Gba::EnrolmentClient>();
    m_enrolment->enrol(request, *m_bootstrap, [this](Result<Gba::Enrolment> enrolment) {
        m_enrolment.release()->deleteLater();
        onEnrolled(std::move(enrolment));
    });
}

void GatewayService::onEnrolled(Result<Gba::Enrolment> result)
{
    if (!result) {
        const bool refused = result.error().code == "enrol.btid_refused";
        m_bootstrapBackoffMs = refused
                                   ? 0
                                   : (m_bootstrapBackoffMs == 0
                                          ? kMinBootstrapBackoffMs
                                          : qMin(2 * m_bootstrapBackoffMs, kMaxBootstrapBackoffMs));
        qCWarning(lcGateway).noquote() << "enrolment failed:" << result.error().message.c_str();
        scheduleBootstrap(qMax(m_bootstrapBackoffMs, 10));
        return;
    }
    m_bootstrapBackoffMs = 0;
    ++m_counters.enrolments;
    const Crypto::SecretBytes keyPem = m_key->toPem();
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(QSslCertificate::fromData(result->portalCaPem));
    tls.setLocalCertificate(QSslCertificate(result->certificatePem));
    tls.setPrivateKey(
        QSslKey(QByteArray(reinterpret_cast<const char *>(keyPem.data()), qsizetype(keyPem.size())),
                QSsl::Ec));
    m_instanceTls = QSslConfiguration::defaultConfiguration();
    m_instanceTls.setCaCertificates(QSslCertificate::fromData(result->portalCaPem));
    // The former client finishes what it has in flight (an attach exchange's step) before it
    // goes; its callbacks continue with the new one.
    if (m_portal) {
        // Owned by the service meanwhile, so a shutdown before the timer frees it too.
        PortalClient *former = m_portal.release();
        former->setParent(this);
        QTimer::singleShot(kFormerClientLingerMs, former, &QObject::deleteLater);
    }
    m_portal = std::make_unique<PortalClient>(result->portalUrl, tls, m_config.gatewayId);

    // Renew before the certificate lapses: at 80 % of its remaining life, at least 1 s ahead.
    const qint64 remainingMs = QDateTime::currentDateTimeUtc().msecsTo(result->notAfter);
    scheduleBootstrap(int(qBound<qint64>(500, remainingMs * 8 / 10, 24LL * 3600 * 1000)));
    qCInfo(lcGateway) << "enrolled as" << m_config.gatewayId << "until"
                      << result->notAfter.toString(Qt::ISODate);
    emit enrolled(result->notAfter);

    for (const auto &link : m_links) {
        if (link->isAttached())
            followPlacement(link.get());
        link->restartAttach(); // an exchange refused for want of a (valid) enrolment
    }
    for (auto &[deviceId, uplink] : m_uplinks)
        uplink->flush();
    sendHeartbeat();
    m_heartbeat.start();
}

void GatewayService::requestChallenge(DeviceLink *link, const DeviceIdentity &identity,
                                      const QByteArray &gatewayKey)
{
    if (!m_portal) {
        link->abandonAttach(QStringLiteral("not enrolled at the portal yet"));
        return;
    }
    QPointer<DeviceLink> guard(link);
    m_portal->requestChallenge(
        identity, gatewayKey, [this, guard, identity](Result<AttachChallenge> challenge) {
            if (!guard)
                return;
            if (!challenge) {
                guard->abandonAttach(QString::fromStdString(challenge.error().message));
                if (challenge.error().code == "portal.reenrol")
                    reenrol(); // enrolment attaches it again
                else if (isTransient(challenge.error()))
                    retryAttach(guard);
                return;
            }
            guard->challenge(challenge->challenge);
        });
}

void GatewayService::submitProof(DeviceLink *link, const QByteArray &deviceId,
                                 const QByteArray &challenge, const QByteArray &deviceKey,
                                 const QByteArray &signature)
{
    submitProof(QPointer<DeviceLink>(link), deviceId, challenge, deviceKey, signature,
                QDateTime::currentDateTimeUtc().addSecs(kProofRetryForS));
}

void GatewayService::submitProof(QPointer<DeviceLink> link, const QByteArray &deviceId,
                                 const QByteArray &challenge, const QByteArray &deviceKey,
                                 const QByteArray &signature, const QDateTime &retryUntil)
{
    if (!link)
        return;
    if (!m_portal) {
        link->abandonAttach(QStringLiteral("not enrolled at the portal"));
        return;
    }
    m_portal->prove(
        deviceId, challenge, deviceKey, signature, m_config.attachWaitMs,
        [this, link](const QByteArray &authorisation) {
            if (link)
                link->accept(m_config.gatewayId, authorisation);
        },
        [=, this](Result<DevicePlacement> placement) {
            if (link && !link->isAttached()) {
                // Not accepted. A proof that did not reach the portal's check (an unreachable
                // portal, a certificate that lapsed on the way) is sent again while its
                // challenge lives: the device signed it once, which on an AVR takes seconds.
                if (!placement && isTransient(placement.error()) &&
                    QDateTime::currentDateTimeUtc() < retryUntil) {
                    QTimer::singleShot(kProofRetryMs, this, [=, this] {
                        submitProof(link, deviceId, challenge, deviceKey, signature, retryUntil);
                    });
                    return;
                }
                link->abandonAttach(placement ? QStringLiteral("not accepted")
                                              : QString::fromStdString(placement.error().message));
                if (!placement && placement.error().code == "portal.reenrol")
                    reenrol();
                else if (!placement && (isTransient(placement.error()) ||
                                        placement.error().code == "portal.challenge_unknown"))
                    retryAttach(link); // a new challenge
                return;
            }
            onPlacement(link, deviceId, std::move(placement));
        });
}

void GatewayService::retryAttach(QPointer<DeviceLink> link)
{
    QTimer::singleShot(kAttachRetryMs, this, [link] {
        if (link)
            link->restartAttach();
    });
}

void GatewayService::followPlacement(DeviceLink *link)
{
    if (!m_portal || !link->isAttached())
        return; // enrolment follows it
    const QByteArray deviceId = link->identity().deviceId;
    QPointer<DeviceLink> guard(link);
    m_portal->placement(deviceId, m_config.attachWaitMs,
                        [this, guard, deviceId](Result<DevicePlacement> placement) {
                            onPlacement(guard, deviceId, std::move(placement));
                        });
}

void GatewayService::onPlacement(QPointer<DeviceLink> link, const QByteArray &deviceId,
                                 Result<DevicePlacement> placement)
{
    if (!placement) {
        qCWarning(lcGateway).noquote()
            << "attach of" << deviceId.toHex() << "failed:" << placement.error().message.c_str();
        if (placement.error().code == "portal.reenrol") {
            reenrol(); // enrolment follows the attached devices' placements again
            return;
        }
        if (placement.error().code == "portal.refused")
            return; // refused for good (enrolment policy, a refused proof): not retried
        if (placement.error().code == "portal.failed") {
            // The portal places a failed device again only at its next attach, which needs
            // the device's proof: a new exchange, whatever state the link is in.
            QTimer::singleShot(kAttachRetryMs, this, [link] {
                if (link)
                    link->attachAgain();
            });
            return;
        }
        QTimer::singleShot(kAttachRetryMs, this, [this, link] {
            if (link)
                followPlacement(link);
        });
        return;
    }
    ++m_counters.attaches;
    uplinkFor(deviceId).setPlacement(*placement);
    emit deviceReady(deviceId);
}

DeviceUplink &GatewayService::uplinkFor(const QByteArray &deviceId)
{
    auto &uplink = m_uplinks[deviceId];
    if (!uplink)
        uplink = std::make_unique<DeviceUplink>(deviceId, *m_queue, m_instanceTls);
    return *uplink;
}

bool GatewayService::acceptReading(const QByteArray &deviceId, quint32 counter,
                                   const QByteArray &message)
{
    if (auto queued = m_queue->enqueue(deviceId, counter, message); !queued) {
        qCWarning(lcGateway) << "reading not queued:" << queued.error().message.c_str();
        return false;
    }
    if (auto found = m_uplinks.find(deviceId); found != m_uplinks.end()) {
        found->second->noteSeen();
        found->second->flush();
    }
    return true;
}

void GatewayService::sendHeartbeat()
{
    if (!m_portal)
        return;
    GatewayStatus status;
    status.version = m_config.version;
    status.deviceCount = int(m_uplinks.size());
    auto depth = m_queue->depth();
    status.queueDepth = depth ? *depth : -1;
    status.btidExpiry = m_bootstrap ? m_bootstrap->lifetime : QDateTime();
    for (const auto &[deviceId, uplink] : m_uplinks) {
        if (status.devices.size() == kMaxHeartbeatDevices)
            break;
        const UplinkActivity &activity = uplink->activity();
        status.devices.append({deviceId, activity.lastSeen, activity.lastStored, activity.signature,
                               activity.lastCounter});
    }
    m_portal->heartbeat(status, [this](Result<QList<DevicePlacement>> placements) {
        if (!placements) {
            qCWarning(lcGateway) << "heartbeat failed:" << placements.error().message.c_str();
            if (placements.error().code == "portal.reenrol")
                reenrol();
            return;
        }
        for (const DevicePlacement &placement : *placements) {
            auto found = m_uplinks.find(placement.deviceId);
            if (found == m_uplinks.end())
                continue;
            if (placement.state == QLatin1String("failed")) {
                // Its instance failed: attach it again (the portal places it anew).
                if (DeviceLink *link = found->second->link())
                    link->attachAgain();
                continue;
            }
            if (placement.state != QLatin1String("ready"))
                continue;
            // The heartbeat moves instances; the credential stays what attach gave.
            DevicePlacement moved = found->second->placement();
            moved.instanceUrl = placement.instanceUrl;
            moved.instanceName = placement.instanceName;
            if (!placement.credential.isEmpty())
                moved.credential = placement.credential;
            found->second->setPlacement(moved);
        }
    });
}

} // namespace Portal::Gateway
