#pragma once
// The command WebSockets (docs/api.md "M2M service"): one per device, held by the gateway that
// presented the device's bearer credential at the handshake. Open commands go down when the
// socket opens and as they are created; statuses come back as text messages (at most
// kMaxWebSocketMessageBytes) and are written to the store. A newer socket for a device
// replaces the older one; a revoked device or a changed credential closes it (1008).

#include "authenticator.h"
#include "m2mstore.h"

#include <QHash>
#include <QObject>

class QWebSocket;

namespace Portal::M2mService {

inline constexpr qsizetype kMaxWebSocketMessageBytes = 4 * 1024;

class CommandChannel : public QObject
{
    Q_OBJECT
public:
    CommandChannel(M2mStore &store, Authenticator &authenticator, QObject *parent = nullptr);
    ~CommandChannel() override;

    // Takes ownership; authorises from the handshake's URL and Authorization header and
    // closes what it refuses (1008).
    void accept(QWebSocket *socket);
    // Sends the command on the device's socket and marks it delivered; false when the device
    // has no socket or sending failed (it stays open, sent when a socket opens).
    bool send(const QString &deviceId, const CommandRecord &command);
    // Closes the device's socket: revoked, or its credential changed.
    void drop(const QString &deviceId);
    // Closes every socket (orderly shutdown).
    void closeAll();
    int socketCount() const { return int(m_sockets.size()); }

private:
    void sendOpenCommands(const QString &deviceId);
    bool sendOn(QWebSocket *socket, const CommandRecord &command);
    void handleMessage(const QString &deviceId, const QString &message);

    M2mStore &m_store;
    Authenticator &m_authenticator;
    QHash<QString, QWebSocket *> m_sockets;
};

} // namespace Portal::M2mService
