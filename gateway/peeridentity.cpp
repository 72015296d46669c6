#include "peeridentity.h"

#include <QNetworkReply>
#include <QSslConfiguration>

namespace Portal::Gateway {

QString describeExpected(const PeerIdentityCheck &check)
{
    return check.expectedName.isEmpty()
               ? QString::fromStdString(Crypto::identityUri(check.type, "*"))
               : QString::fromStdString(
                     Crypto::identityUri(check.type, check.expectedName.toStdString()));
}

QString peerIdentityMismatch(const QSslCertificate &peer, const PeerIdentityCheck &check)
{
    if (peer.isNull())
        return QStringLiteral("(no certificate)");
    auto certificate = Crypto::Certificate::fromPem(peer.toPem().toStdString());
    if (!certificate)
        return QStringLiteral("(unreadable certificate)");
    auto identity = Crypto::identityOf(*certificate);
    if (!identity)
        return QStringLiteral("(no typed name)");
    if (identity->type == check.type &&
        (check.expectedName.isEmpty() || identity->name == check.expectedName.toStdString()))
        return QString();
    return QString::fromStdString(Crypto::identityUri(identity->type, identity->name));
}

void requirePeerIdentity(QNetworkReply *reply, const PeerIdentityCheck &check,
                         std::function<void(const QString &presented)> onMismatch)
{
    QObject::connect(reply, &QNetworkReply::encrypted, reply,
                     [reply, check, onMismatch = std::move(onMismatch)] {
                         const QString presented = peerIdentityMismatch(
                             reply->sslConfiguration().peerCertificate(), check);
                         if (presented.isEmpty())
                             return;
                         onMismatch(presented);
                         reply->abort();
                     });
}

} // namespace Portal::Gateway
