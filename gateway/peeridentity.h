#pragma once
// The gateway's check of whom it talks to (DESIGN §7.1): Qt verifies the chain to the portal
// CA and the host name, and this checks the typed name on top, so one instance's key cannot
// serve as another instance or as the portal API. The portal API must present a
// urn:iot-portal:portal-api name; an instance exactly the urn:iot-portal:instance:<name> the
// portal announced for the device.

#include <portal-core/crypto/identity.h>

#include <QSslCertificate>
#include <QString>

#include <functional>

class QNetworkReply;

namespace Portal::Gateway {

struct PeerIdentityCheck
{
    Crypto::IdentityType type = Crypto::IdentityType::Instance;
    QString expectedName; // empty: any name of that type
};

// The presented typed name ("(no typed name)" when it has none) when it is not the expected
// one; empty when it is.
QString peerIdentityMismatch(const QSslCertificate &peer, const PeerIdentityCheck &check);
QString describeExpected(const PeerIdentityCheck &check);

// Checks the server in reply's encrypted() signal, which Qt emits after the handshake and
// before any request byte is sent, and aborts the reply on a mismatch (it then finishes with
// no HTTP status); onMismatch gets the presented name. A reused connection was checked when
// it was made.
void requirePeerIdentity(QNetworkReply *reply, const PeerIdentityCheck &check,
                         std::function<void(const QString &presented)> onMismatch);

} // namespace Portal::Gateway
