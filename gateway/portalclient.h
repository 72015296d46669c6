#pragma once
// The gateway's client of the portal API (docs/api.md, DESIGN §4.4) over mutual TLS with the
// certificate the NAF issued. Attach is the exchange of docs/api.md "Attach": a challenge for
// the device's HELLO, then its proof, answered with the authorisation; a pending placement
// (202 + Retry-After) is polled until the device is ready or failed. Answers are bounded
// (kMaxPortalAnswerBytes).

#include "devicelink.h"

#include <portal-core/base/result.h>

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QNetworkRequest>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace Portal::Gateway {

inline constexpr qint64 kMaxPortalAnswerBytes = 256 * 1024;

struct DevicePlacement
{
    QByteArray deviceId;  // 8 bytes
    QString state;        // pending | ready | failed
    QUrl instanceUrl;     // base URL of the device's M2M service
    QString instanceName; // the typed name its server certificate must carry
    QByteArray credential;
    QString reason;
};

struct AttachChallenge
{
    QByteArray challenge; // 16 bytes
    QDateTime expires;
};

struct DeviceActivityReport
{
    QByteArray deviceId; // 8 bytes
    QDateTime lastSeen;
    QDateTime lastStored;
    QString signature;       // verified | bad_signature | replay | refused | none
    qint64 lastCounter = -1; // the highest counter an instance accepted; -1: none yet
};

struct GatewayStatus
{
    QString version;
    int deviceCount = 0;
    int queueDepth = 0;
    QDateTime btidExpiry;
    QList<DeviceActivityReport> devices; // at most kMaxHeartbeatDevices
};

// The portal refuses a heartbeat that reports more devices than this.
inline constexpr int kMaxHeartbeatDevices = 1000;

class PortalClient : public QObject
{
    Q_OBJECT
public:
    template<typename T>
    using Done = std::function<void(Result<T>)>;

    PortalClient(QUrl apiUrl, QSslConfiguration tls, QString gatewayId, QObject *parent = nullptr);
    ~PortalClient() override;

    // Errors: `portal.unreachable` (network/TLS, a server without the portal API's typed name,
    // or a 5xx), `portal.reenrol` (401: the certificate is from the portal's former gateway
    // issuer; enrol again), `portal.certificate` (the portal refused the certificate, e.g. it
    // lapsed on the way), `portal.challenge_unknown` (a proof's challenge was used or expired),
    // `portal.refused` (other 4xx with the portal's code in the message),
    // `portal.failed` (the device's placement failed), `portal.timeout` (still pending after
    // maxWaitMs), `portal.bad_response`.
    // POST /devices with the HELLO's data and G: the portal's challenge.
    void requestChallenge(const DeviceIdentity &device, const QByteArray &gatewayKey,
                          Done<AttachChallenge> done);
    // POST /devices/{id}/proof: `authorised` gets the authorisation as soon as the portal
    // accepts the proof; `done` gets the placement once ready (or the error), polling while
    // it is pending. Errors as above, and `portal.refused` for a refused proof.
    void prove(const QByteArray &deviceId, const QByteArray &challenge, const QByteArray &deviceKey,
               const QByteArray &signature, int maxWaitMs,
               std::function<void(const QByteArray &authorisation)> authorised,
               Done<DevicePlacement> done);
    // Polls GET /devices/{id} until the device is ready or failed (after a new enrolment).
    void placement(const QByteArray &deviceId, int maxWaitMs, Done<DevicePlacement> done);
    void heartbeat(const GatewayStatus &status, Done<QList<DevicePlacement>> done);

private:
    QNetworkRequest request(const QString &path) const;
    // Every reply: the server must be the portal API (peeridentity.h).
    void checkServer(QNetworkReply *reply);
    void poll(const QByteArray &deviceId, QDateTime deadline, Done<DevicePlacement> done,
              int nextDelayMs);
    void handlePlacement(QNetworkReply *reply, const QByteArray &deviceId, QDateTime deadline,
                         Done<DevicePlacement> done, int pollDelayMs);

    QUrl m_apiUrl;
    QSslConfiguration m_tls;
    QString m_gatewayId;
    std::unique_ptr<QNetworkAccessManager> m_network;
};

Result<DevicePlacement> parsePlacement(const QJsonObject &object);

} // namespace Portal::Gateway
