#pragma once
// Everything between the gateway and one device's M2M service (docs/api.md): forwards the
// device's queued readings in counter order, unchanged, removing each only when the service
// acknowledged it (201 stored, or 200 identical resend) or refused it for good (400: bad
// signature, replay — retrying cannot help); network errors and 5xx retry with capped
// backoff. Holds the device's command WebSocket and relays commands and statuses.

#include "devicelink.h"
#include "portalclient.h"
#include "readingqueue.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QTimer>

#include <memory>

class QNetworkAccessManager;
class QWebSocket;

namespace Portal::Gateway {

struct UplinkCounters
{
    quint64 delivered = 0;
    quint64 rejected = 0;      // refused by the service for good (counted, logged, dropped)
    quint64 belowFloor = 0;    // 409 m2m.below_floor: accepted before elsewhere; dropped as sent
    quint64 wrongInstance = 0; // connections refused: the server was not the announced instance
};

// What the portal is told of the device in each heartbeat (docs/api.md): when the gateway
// last heard from it, when its instance last stored one of its readings, and the instance's
// verdict on the last reading it answered.
struct UplinkActivity
{
    QDateTime lastSeen;   // the last reading or attach received from the device
    QDateTime lastStored; // the last reading the instance acknowledged (201, or 200 resend)
    QString signature = QStringLiteral("none"); // verified | bad_signature | replay | refused
    qint64 lastCounter = -1; // the highest counter an instance accepted (or had accepted before)
};

class DeviceUplink : public QObject
{
    Q_OBJECT
public:
    DeviceUplink(QByteArray deviceId, ReadingQueue &queue, QSslConfiguration tls,
                 QObject *parent = nullptr);
    ~DeviceUplink() override;

    // A new or moved instance, or a new credential: forwarding and the command socket follow.
    void setPlacement(const DevicePlacement &placement);
    // The link to the device for commands; may change when the device reconnects.
    void setLink(DeviceLink *link);
    DeviceLink *link() const { return m_link.data(); }
    // Sends what is queued (call after every enqueue).
    void flush();

    // The device sent something (a reading, an attach).
    void noteSeen() { m_activity.lastSeen = QDateTime::currentDateTimeUtc(); }
    const UplinkCounters &counters() const { return m_counters; }
    const UplinkActivity &activity() const { return m_activity; }
    const DevicePlacement &placement() const { return m_placement; }
    bool isReady() const { return m_placement.instanceUrl.isValid(); }

private:
    void onPosted(qint64 queueId, quint32 counter, int status, const QByteArray &body);
    void refuseInstance(const QString &presented);
    void retryLater();
    void openCommandSocket();
    void onCommandMessage(const QString &text);
    void onCommandStatus(quint32 commandId, int status, qint32 value);

    QByteArray m_deviceId;
    ReadingQueue &m_queue;
    QSslConfiguration m_tls;
    DevicePlacement m_placement;
    QPointer<DeviceLink> m_link;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::unique_ptr<QWebSocket> m_socket;
    QTimer m_retry;
    QTimer m_reconnectSocket;
    int m_backoffMs = 0;
    bool m_inFlight = false;
    UplinkCounters m_counters;
    UplinkActivity m_activity;
};

} // namespace Portal::Gateway
