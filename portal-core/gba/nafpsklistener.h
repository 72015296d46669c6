#pragma once
// The NAF's PSK-TLS Ua listener (TS 33.222 §5.4, DESIGN §4.3): TLS 1.2 only, cipher suite
// PSK-AES128-GCM-SHA256 (0x00,0xA8) only, PSK identity hint `3GPP-bootstrapping`. The client's
// PSK identity must be `3GPP-bootstrapping` ‖ B-TID; the PSK is Ks_NAF for NAF_Id = NAF FQDN ‖
// (01,00,01,00,A8), fetched from the BSF over Zn. An unknown or expired B-TID, another identity
// or a wrong key fails the handshake. A completed handshake authenticates the B-TID: the
// connection then carries one HTTP/1.1 request (headers ≤ kMaxPskHeaderBytes, body ≤
// kMaxEnrolmentBodyBytes, whole request within requestTimeoutMs) that NafEngine answers like
// the Digest listener (POST /naf/v1/enrol), and is closed after the answer.
//
// Threads: the TLS sockets live on a thread of their own (see nafpsklistener.cpp for why);
// ZnClient and NafEngine stay on the thread that owns this object and are only called there.
// start() and stop() must be called on that thread; stop() (also run by the destructor)
// returns once the listener's thread has ended.

#include "nafengine.h"
#include "znclient.h"

#include <portal-core/base/result.h>

#include <QHostAddress>
#include <QObject>

#include <atomic>
#include <memory>

class QThread;

namespace Portal::Gba {

inline constexpr qsizetype kMaxPskHeaderBytes = 8 * 1024;
inline constexpr int kMaxPskZnWaitMs = 5'000;

struct NafPskListenerConfig
{
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 port = 0;
    QString nafFqdn = QStringLiteral("naf.lab.example");
    int znWaitMs = kMaxPskZnWaitMs; // clamped to 1…kMaxPskZnWaitMs
    int handshakeTimeoutMs = 10'000;
    int requestTimeoutMs = 10'000;
    int maxConnections = 64; // authenticated connections open at once; more are closed
};

struct NafPskCounters
{
    std::atomic<quint64> handshakes{0};
    std::atomic<quint64> refusedIdentities{0}; // not `3GPP-bootstrapping` ‖ printable B-TID
    std::atomic<quint64> refusedBtids{0};      // Zn refused, failed or did not answer in time
    std::atomic<quint64> requests{0};
};

class NafPskListener : public QObject
{
    Q_OBJECT
public:
    // `zn` and `engine` must outlive this object and live on the calling thread.
    NafPskListener(NafPskListenerConfig config, ZnClient &zn, NafEngine &engine,
                   QObject *parent = nullptr);
    ~NafPskListener() override;

    // Returns the bound port. Errors: `naf.psk_unsupported` (the TLS library offers no
    // PSK-AES128-GCM-SHA256), `naf.psk_listen_failed`, `naf.config` (NAF FQDN unusable).
    Result<quint16> start();
    void stop();

    const NafPskCounters &counters() const { return m_counters; }

private:
    class Worker;
    struct Shared;

    void dispatch(quint64 connectionId, const Http::HttpRequest &request, const QString &btid,
                  const QString &impi, const QDateTime &keyExpiresAt);

    NafPskListenerConfig m_config;
    ZnClient &m_zn;
    NafEngine &m_engine;
    NafPskCounters m_counters;
    std::shared_ptr<Shared> m_shared;
    std::unique_ptr<QThread> m_thread;
};

} // namespace Portal::Gba
