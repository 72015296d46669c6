#include "znclient.h"

#include <portal-core/crypto/secure.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <cstring>

Q_LOGGING_CATEGORY(lcZn, "portal.gba.zn")

namespace Portal::Gba {

ZnKey::~ZnKey()
{
    Crypto::secureWipe(ksNaf.data(), ksNaf.size());
}

ZnClient::ZnClient(ZnClientConfig config, QObject *parent)
    : QObject(parent), m_config(std::move(config)),
      m_network(std::make_unique<QNetworkAccessManager>())
{
    m_network->setTransferTimeout(m_config.timeoutMs);
}

ZnClient::~ZnClient() = default;

void ZnClient::fetch(const QString &btid, const QByteArray &nafId, Done done)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto key = std::make_pair(btid, nafId);
    if (auto cached = m_cache.find(key); cached != m_cache.end()) {
        if (cached->second.expiresAt > now) {
            done(ZnKey(cached->second));
            return;
        }
        m_cache.erase(cached);
    }

    QNetworkRequest request(m_config.znUrl);
    request.setSslConfiguration(m_config.tls);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    const QJsonObject body{{QStringLiteral("btid"), btid},
                           {QStringLiteral("nafId"), QString::fromLatin1(nafId.toBase64())}};
    QNetworkReply *reply = m_network->post(request, QJsonDocument(body).toJson());
    connect(reply, &QNetworkReply::finished, this, [this, reply, key, done = std::move(done)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        QByteArray payload = reply->read(kMaxZnResponseBytes + 1);
        if (status == 0 || status >= 500) {
            qCWarning(lcZn) << "Zn unavailable:" << reply->errorString();
            done(makeError("zn.unavailable", "the BSF cannot be reached over Zn: " +
                                                 reply->errorString().toStdString()));
            return;
        }
        if (status == 404 || status == 403) {
            const QString code = QJsonDocument::fromJson(payload)
                                     .object()
                                     .value(QStringLiteral("error"))
                                     .toObject()
                                     .value(QStringLiteral("code"))
                                     .toString();
            done(makeError("zn.refused",
                           "the BSF refused the B-TID (" + code.left(64).toStdString() + ")"));
            return;
        }
        const QJsonObject object = QJsonDocument::fromJson(payload).object();
        QByteArray ksNaf =
            QByteArray::fromBase64(object.value(QStringLiteral("ksNaf")).toString().toLatin1(),
                                   QByteArray::AbortOnBase64DecodingErrors);
        Crypto::secureWipe(payload.data(), size_t(payload.size()));
        ZnKey answer;
        answer.expiresAt =
            QDateTime::fromString(object.value(QStringLiteral("lifetime")).toString(), Qt::ISODate);
        answer.impi = object.value(QStringLiteral("impi")).toString();
        if (status != 200 || payload.size() > kMaxZnResponseBytes ||
            ksNaf.size() != qsizetype(answer.ksNaf.size()) || !answer.expiresAt.isValid() ||
            answer.impi.isEmpty()) {
            Crypto::secureWipe(ksNaf.data(), size_t(ksNaf.size()));
            done(makeError("zn.bad_response",
                           "malformed Zn answer (HTTP " + std::to_string(status) + ")"));
            return;
        }
        std::memcpy(answer.ksNaf.data(), ksNaf.constData(), answer.ksNaf.size());
        Crypto::secureWipe(ksNaf.data(), size_t(ksNaf.size()));
        answer.expiresAt = answer.expiresAt.toUTC();
        if (int(m_cache.size()) >= kMaxCachedKeys) {
            auto soonest = m_cache.begin();
            for (auto it = m_cache.begin(); it != m_cache.end(); ++it) {
                if (it->second.expiresAt < soonest->second.expiresAt)
                    soonest = it;
            }
            m_cache.erase(soonest);
        }
        m_cache.insert_or_assign(key, answer);
        done(std::move(answer));
    });
}

} // namespace Portal::Gba
