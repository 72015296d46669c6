#pragma once
// The NAF's side of Zn: asks the BSF for Ks_NAF of (B-TID, NAF_Id) over mutual TLS (the NAF's
// Zn client certificate, the operator CA as the only trust anchor). Answers are cached until
// the key's lifetime ends, so a gateway's every request does not cost a round trip to the BSF.
// The cache is bounded (kMaxCachedKeys; the entry closest to expiry goes first).

#include <portal-core/base/result.h>
#include <portal-core/crypto/gbakdf.h>

#include <QDateTime>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <map>
#include <memory>

class QNetworkAccessManager;

namespace Portal::Gba {

inline constexpr int kMaxCachedKeys = 4096;
inline constexpr qint64 kMaxZnResponseBytes = 4096;

struct ZnKey
{
    Crypto::KsNaf ksNaf{};
    QDateTime expiresAt; // UTC
    QString impi;

    ~ZnKey();
};

struct ZnClientConfig
{
    QUrl znUrl;            // https://bsf.lab.example:port/zn
    QSslConfiguration tls; // client certificate + key, CA = operator CA
    int timeoutMs = 10'000;
};

class ZnClient : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(Result<ZnKey>)>;

    explicit ZnClient(ZnClientConfig config, QObject *parent = nullptr);
    ~ZnClient() override;

    // `done` runs exactly once on this thread. Errors: `zn.refused` (the BSF does not know the
    // B-TID or it expired: the UE must bootstrap again), `zn.unavailable` (network, TLS,
    // timeout, 5xx), `zn.bad_response`.
    void fetch(const QString &btid, const QByteArray &nafId, Done done);

private:
    ZnClientConfig m_config;
    std::unique_ptr<QNetworkAccessManager> m_network;
    std::map<std::pair<QString, QByteArray>, ZnKey> m_cache;
};

} // namespace Portal::Gba
