#pragma once
// The UE side of GBA bootstrapping over Ub (TS 24.109 §5.2, RFC 3310), run by the gateway
// with its soft USIM:
//   1. GET / with `Authorization: Digest username=<IMPI>, nonce="", response=""`;
//   2. 401 with nonce = base64(RAND ‖ AUTN): the USIM checks AUTN; RES (raw octets) is the
//      Digest password, qop auth-int; on an SQN failure, `auts=` with an empty password and
//      the BSF challenges again (at most once per bootstrap);
//   3. 200 with <BootstrappingInfo>: B-TID and lifetime; Ks = CK ‖ IK stays in memory only.
// Every response body is bounded (kMaxUbResponseBytes) and the whole run has a timeout.

#include "softusim.h"

#include <portal-core/base/result.h>
#include <portal-core/crypto/gbakdf.h>

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace Portal::Gba {

inline constexpr qint64 kMaxUbResponseBytes = 16 * 1024;

struct GbaBootstrap
{
    QString btid;
    QDateTime lifetime; // UTC
    QString impi;
    Crypto::Rand rand{};
    Crypto::Ks ks{};

    ~GbaBootstrap();
    // Ks_NAF for NAF_Id = nafFqdn ‖ protocolId (TS 33.220 Annex B.3).
    Result<Crypto::KsNaf> ksNaf(const QString &nafFqdn,
                                const Crypto::UaProtocolId &protocolId) const;
};

struct GbaClientConfig
{
    QUrl bsfUrl;                       // https://bsf.lab.example:port/ (http only on loopback)
    QList<QSslCertificate> trustedCas; // the operator CA; empty = system store
    int timeoutMs = 15'000;
    QByteArray userAgent = "iot-gateway 3gpp-gba-tmpi";
};

class GbaClient : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(Result<GbaBootstrap>)>;

    GbaClient(GbaClientConfig config, SoftUsim &usim, QObject *parent = nullptr);
    ~GbaClient() override;

    // Runs one bootstrap; `done` is called exactly once, on this object's thread. Errors:
    // `gba.network` (transport, TLS, timeout), `gba.refused` (the BSF said no; its message
    // included), `gba.bsf_not_authentic` (AUTN MAC failure: possibly a fake BSF),
    // `gba.sync_failed` (still out of sync after one resynchronisation),
    // `gba.bad_response` (malformed challenge or BootstrappingInfo), `usim.*`.
    void bootstrap(Done done);

private:
    void send(const QByteArray &authorization);
    void onFinished(QNetworkReply *reply);
    void answerChallenge(const QByteArray &wwwAuthenticate);
    void finish(Result<GbaBootstrap> result);

    GbaClientConfig m_config;
    SoftUsim &m_usim;
    std::unique_ptr<QNetworkAccessManager> m_network;
    Done m_done;
    bool m_resynchronised = false;
    Crypto::Rand m_rand{};
    Crypto::Ck m_ck{};
    Crypto::Ik m_ik{};
};

} // namespace Portal::Gba
