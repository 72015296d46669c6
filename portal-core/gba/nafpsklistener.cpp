#include "nafpsklistener.h"

#include <portal-core/crypto/gbakdf.h>

#include <QLoggingCategory>
#include <QPointer>
#include <QSslCipher>
#include <QSslPreSharedKeyAuthenticator>
#include <QSslServer>
#include <QSslSocket>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>

Q_LOGGING_CATEGORY(lcNafPsk, "portal.gba.naf")

// Why the TLS sockets have a thread of their own. Qt asks for the PSK synchronously: OpenSSL
// calls the server's PSK callback from inside SSL_do_handshake, QSslSocket emits
// preSharedKeyAuthenticationRequired from that callback, and the key must be set before the
// slot returns; neither OpenSSL's PSK callback nor Qt 6.4 can suspend the handshake there and
// resume it later. Ks_NAF, however, comes from the BSF over Zn, asynchronously. Blocking the
// program's main thread for a Zn round trip would stall every other listener; a nested event
// loop would re-enter OpenSSL for other handshakes in the middle of this one. So the sockets
// live on this listener's thread, which posts the Zn request to the owner's thread (the one
// ZnClient, so its cache serves both Ua listeners) and blocks only itself until the answer
// comes or kMaxPskZnWaitMs pass; then the handshake fails. The cost: handshakes that need a
// Zn round trip are served one after another; a cached key costs one thread hop. The
// decrypted request goes to the owner's thread (NafEngine and the store live there) and the
// answer comes back to the socket's thread, both as queued calls; nothing else crosses.

namespace Portal::Gba {

namespace {

const QByteArray kPskIdentityHint = QByteArrayLiteral("3GPP-bootstrapping");
const QString kCipherName = QStringLiteral("PSK-AES128-GCM-SHA256");
constexpr qsizetype kMaxBtidBytes = 255;
constexpr qsizetype kMaxTargetBytes = 2048;
constexpr int kMaxHeaderLines = 64;
constexpr int kKsNafBytes = 32;

struct PskPeer
{
    QString btid;
    QString impi;
    QDateTime keyExpiresAt;
};

struct KeyOutcome
{
    bool done = false;
    std::optional<ZnKey> key;
    std::string error;
};

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Payload Too Large";
    case 431:
        return "Request Header Fields Too Large";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    default:
        return status >= 500 ? "Server Error" : "Error";
    }
}

QByteArray serializeAnswer(const Http::HttpAnswer &answer)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(answer.status) + ' ' +
                     reasonPhrase(answer.status) + "\r\n";
    out += "Content-Type: " +
           (answer.contentType.isEmpty() ? QByteArray("application/octet-stream")
                                         : answer.contentType) +
           "\r\n";
    out += "Content-Length: " + QByteArray::number(answer.body.size()) + "\r\n";
    out += "Connection: close\r\n";
    for (const auto &[name, value] : answer.headers)
        out += name + ": " + value + "\r\n";
    return out + "\r\n" + answer.body;
}

bool isToken(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !QByteArrayView("!#$%&'*+-.^_`|~").contains(c))
            return false;
    }
    return true;
}

bool isPrintableAscii(const QByteArray &text)
{
    for (const char c : text) {
        if (c < 0x21 || c > 0x7e)
            return false;
    }
    return true;
}

// One authenticated TLS connection: reads one bounded HTTP/1.1 request, hands it on, writes
// the answer and closes. Lives on the listener's thread as a child of its socket.
class PskConnection : public QObject
{
public:
    using OnRequest = std::function<void(quint64 id, const Http::HttpRequest &, const PskPeer &)>;

    PskConnection(PskPeer peer, QSslSocket *socket)
        : QObject(socket), m_peer(std::move(peer)), m_socket(socket)
    {
    }

    const QString &btid() const { return m_peer.btid; }

    void begin(quint64 id, int timeoutMs, OnRequest onRequest)
    {
        m_id = id;
        m_onRequest = std::move(onRequest);
        m_socket->setReadBufferSize(kMaxPskHeaderBytes + kMaxEnrolmentBodyBytes + 1024);
        auto *timer = new QTimer(this);
        timer->setSingleShot(true);
        connect(timer, &QTimer::timeout, this, [this] {
            if (m_dispatched)
                m_socket->abort();
            else
                refuse(408, "naf.timeout", "the request did not arrive in time");
        });
        timer->start(timeoutMs);
        connect(m_socket, &QIODevice::readyRead, this, &PskConnection::readRequest);
        readRequest();
    }

    void answer(const Http::HttpAnswer &answer)
    {
        if (m_answered)
            return;
        m_answered = true;
        m_socket->write(serializeAnswer(answer));
        m_socket->disconnectFromHost();
    }

private:
    void refuse(int status, const char *code, const char *message)
    {
        m_dispatched = true;
        answer(Http::jsonError(status, makeError(code, message)));
    }

    void readRequest()
    {
        if (m_dispatched)
            return;
        const qsizetype room = kMaxPskHeaderBytes + kMaxEnrolmentBodyBytes + 1 - m_buffer.size();
        m_buffer += m_socket->read(room);
        if (!m_headerDone) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0 ? m_buffer.size() > kMaxPskHeaderBytes : end + 4 > kMaxPskHeaderBytes) {
                refuse(431, "naf.headers_too_large", "request headers over 8 KiB");
                return;
            }
            if (end < 0)
                return;
            // With its CRLF, so that every line ends alike.
            const QByteArray head = m_buffer.left(end + 2);
            m_buffer.remove(0, end + 4);
            if (!parseHead(head))
                return;
            m_headerDone = true;
        }
        if (m_buffer.size() < m_contentLength)
            return;
        m_request.body = m_buffer.left(m_contentLength);
        m_buffer.clear();
        m_dispatched = true;
        m_onRequest(m_id, m_request, m_peer);
    }

    // Fills m_request and m_contentLength, or answers the refusal and returns false.
    bool parseHead(const QByteArray &head)
    {
        QList<QByteArray> lines = head.split('\n');
        lines.removeLast(); // after the final LF
        for (QByteArray &line : lines) {
            if (!line.endsWith('\r')) {
                refuse(400, "naf.bad_request", "lines must end with CRLF");
                return false;
            }
            line.chop(1);
        }
        if (lines.size() > kMaxHeaderLines + 1) {
            refuse(431, "naf.headers_too_large", "too many header lines");
            return false;
        }
        const QList<QByteArray> requestLine = lines.takeFirst().split(' ');
        if (requestLine.size() != 3 || requestLine[0].isEmpty() || requestLine[0].size() > 16 ||
            !isToken(requestLine[0]) || !requestLine[1].startsWith('/') ||
            requestLine[1].size() > kMaxTargetBytes ||
            (requestLine[2] != "HTTP/1.1" && requestLine[2] != "HTTP/1.0")) {
            refuse(400, "naf.bad_request", "malformed HTTP/1.1 request line");
            return false;
        }
        const QUrl target = QUrl::fromEncoded(requestLine[1], QUrl::StrictMode);
        if (!target.isValid() || !target.isRelative()) {
            refuse(400, "naf.bad_request", "malformed request target");
            return false;
        }
        m_request.method = requestLine[0].toUpper();
        m_request.path = target.path();
        m_request.query = QUrlQuery(target);
        m_request.peerAddress = m_socket->peerAddress();

        std::optional<qsizetype> contentLength;
        for (const QByteArray &line : std::as_const(lines)) {
            const qsizetype colon = line.indexOf(':');
            const QByteArray name = line.left(colon);
            if (colon <= 0 || !isToken(name)) {
                refuse(400, "naf.bad_request", "malformed header line");
                return false;
            }
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0) {
                refuse(501, "naf.unsupported", "send the body with Content-Length, not chunked");
                return false;
            }
            if (name.compare("Content-Length", Qt::CaseInsensitive) == 0) {
                bool ok = value.size() <= 6 && !value.isEmpty();
                for (const char c : value)
                    ok = ok && c >= '0' && c <= '9';
                const qsizetype length = ok ? value.toLongLong() : -1;
                if (!ok || (contentLength && *contentLength != length)) {
                    refuse(400, "naf.bad_request", "malformed Content-Length");
                    return false;
                }
                if (length > kMaxEnrolmentBodyBytes) {
                    refuse(413, "naf.too_large", "enrolment body over 16 KiB");
                    return false;
                }
                contentLength = length;
            }
            m_request.headers.append({name, value});
        }
        m_contentLength = contentLength.value_or(0);
        return true;
    }

    PskPeer m_peer;
    QSslSocket *m_socket;
    quint64 m_id = 0;
    OnRequest m_onRequest;
    QByteArray m_buffer;
    Http::HttpRequest m_request;
    qsizetype m_contentLength = 0;
    bool m_headerDone = false;
    bool m_dispatched = false;
    bool m_answered = false;
};

// Not findChild: without Q_OBJECT, qobject_cast would take any QObject child for one.
PskConnection *connectionOf(QSslSocket *socket)
{
    for (QObject *child : socket->children()) {
        if (auto *connection = dynamic_cast<PskConnection *>(child))
            return connection;
    }
    return nullptr;
}

} // namespace

struct NafPskListener::Shared
{
    std::mutex mutex;
    std::condition_variable changed;
    bool stopping = false;
    // Cleared by stop() before the listener's thread ends; read on the owner's thread only.
    Worker *worker = nullptr;
};

class NafPskListener::Worker : public QObject
{
public:
    Worker(const NafPskListenerConfig &config, QByteArray nafId, NafPskListener *owner,
           std::shared_ptr<Shared> shared)
        : m_config(config), m_nafId(std::move(nafId)), m_owner(owner), m_zn(&owner->m_zn),
          m_counters(&owner->m_counters), m_shared(std::move(shared))
    {
    }

    // On the listener's thread.
    Result<quint16> listen()
    {
        const QSslCipher cipher(kCipherName, QSsl::TlsV1_2);
        if (cipher.isNull())
            return makeError("naf.psk_unsupported",
                             "the TLS library does not offer PSK-AES128-GCM-SHA256");
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setProtocol(QSsl::TlsV1_2);
        tls.setCiphers({cipher});
        tls.setPreSharedKeyIdentityHint(kPskIdentityHint);
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        m_server = new QSslServer(this);
        m_server->setSslConfiguration(tls);
        m_server->setHandshakeTimeout(m_config.handshakeTimeoutMs);
        // Direct: the authenticator exists only while the signal is being emitted.
        connect(m_server, &QSslServer::preSharedKeyAuthenticationRequired, this,
                &Worker::providePsk, Qt::DirectConnection);
        connect(m_server, &QSslServer::errorOccurred, this,
                [this](QSslSocket *socket, QAbstractSocket::SocketError error) {
                    qCDebug(lcNafPsk) << "PSK-TLS connection ended:" << error;
                    // A key was offered for the B-TID and the handshake still failed: the
                    // client does not hold Ks_NAF for it.
                    if (error == QAbstractSocket::SslHandshakeFailedError)
                        if (const PskConnection *connection = connectionOf(socket))
                            reportAuthFailure(socket, connection->btid(),
                                              "naf.psk_handshake_failed");
                    socket->deleteLater();
                });
        connect(m_server, &QTcpServer::pendingConnectionAvailable, this,
                &Worker::acceptConnections);
        if (!m_server->listen(m_config.listenAddress, m_config.port))
            return makeError("naf.psk_listen_failed", m_server->errorString().toStdString());
        return m_server->serverPort();
    }

    void deliver(quint64 id, const Http::HttpAnswer &answer)
    {
        const auto open = m_open.find(id);
        if (open == m_open.end())
            return;
        if (open->second)
            open->second->answer(answer);
        m_open.erase(open);
    }

private:
    void providePsk(QSslSocket *socket, QSslPreSharedKeyAuthenticator *authenticator)
    {
        const QByteArray identity = authenticator->identity();
        const QByteArray btid = identity.mid(kPskIdentityHint.size());
        if (!identity.startsWith(kPskIdentityHint) || btid.isEmpty() ||
            btid.size() > kMaxBtidBytes || !isPrintableAscii(btid)) {
            ++m_counters->refusedIdentities;
            qCWarning(lcNafPsk) << "PSK identity is not 3GPP-bootstrapping‖B-TID; refused";
            reportAuthFailure(socket, QString::fromLatin1(identity), "naf.psk_bad_identity");
            return;
        }
        // One key per connection: a renegotiation does not get to change the B-TID.
        if (connectionOf(socket) || authenticator->maximumPreSharedKeyLength() < kKsNafBytes)
            return;
        std::optional<ZnKey> key = fetchKey(QString::fromLatin1(btid));
        if (!key) {
            ++m_counters->refusedBtids;
            reportAuthFailure(socket, QString::fromLatin1(btid), "naf.btid_refused");
            return;
        }
        authenticator->setPreSharedKey(
            QByteArray(reinterpret_cast<const char *>(key->ksNaf.data()), kKsNafBytes));
        new PskConnection(PskPeer{QString::fromLatin1(btid), key->impi, key->expiresAt}, socket);
    }

    // Queued to the owner's thread, where the engine and its sink live.
    void reportAuthFailure(QSslSocket *socket, const QString &identity, const char *reason)
    {
        QMetaObject::invokeMethod(
            m_owner,
            [owner = m_owner, source = socket->peerAddress().toString(), identity, reason] {
                owner->m_engine.reportAuthFailure(source, identity, reason);
            },
            Qt::QueuedConnection);
    }

    // Blocks this thread (never the owner's) for at most znWaitMs.
    std::optional<ZnKey> fetchKey(const QString &btid)
    {
        auto outcome = std::make_shared<KeyOutcome>();
        QMetaObject::invokeMethod(
            m_owner,
            [zn = m_zn, btid, nafId = m_nafId, shared = m_shared, outcome] {
                zn->fetch(btid, nafId, [shared, outcome](Result<ZnKey> key) {
                    const std::lock_guard lock(shared->mutex);
                    if (key)
                        outcome->key.emplace(std::move(*key));
                    else
                        outcome->error = key.error().code + ": " + key.error().message;
                    outcome->done = true;
                    shared->changed.notify_all();
                });
            },
            Qt::QueuedConnection);
        const int waitMs = qBound(1, m_config.znWaitMs, kMaxPskZnWaitMs);
        std::unique_lock lock(m_shared->mutex);
        m_shared->changed.wait_for(lock, std::chrono::milliseconds(waitMs),
                                   [&] { return outcome->done || m_shared->stopping; });
        if (!outcome->done) {
            qCWarning(lcNafPsk) << "no Zn answer for B-TID" << btid << "within" << waitMs << "ms";
            return std::nullopt;
        }
        if (!outcome->key) {
            qCWarning(lcNafPsk).noquote() << "PSK-TLS handshake refused for B-TID" << btid << "-"
                                          << QString::fromStdString(outcome->error);
            return std::nullopt;
        }
        return std::move(outcome->key);
    }

    void acceptConnections()
    {
        for (auto it = m_open.begin(); it != m_open.end();)
            it = it->second ? std::next(it) : m_open.erase(it);
        while (m_server->hasPendingConnections()) {
            auto *socket = qobject_cast<QSslSocket *>(m_server->nextPendingConnection());
            if (!socket)
                continue;
            connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
            PskConnection *connection = connectionOf(socket);
            if (!connection || !socket->isEncrypted() ||
                socket->sessionProtocol() != QSsl::TlsV1_2 ||
                socket->sessionCipher().name() != kCipherName ||
                int(m_open.size()) >= m_config.maxConnections) {
                socket->abort();
                socket->deleteLater();
                continue;
            }
            ++m_counters->handshakes;
            const quint64 id = m_nextId++;
            m_open.emplace(id, connection);
            connection->begin(id, m_config.requestTimeoutMs,
                              [owner = m_owner](quint64 connectionId,
                                                const Http::HttpRequest &request,
                                                const PskPeer &peer) {
                                  QMetaObject::invokeMethod(
                                      owner,
                                      [owner, connectionId, request, peer] {
                                          owner->dispatch(connectionId, request, peer.btid,
                                                          peer.impi, peer.keyExpiresAt);
                                      },
                                      Qt::QueuedConnection);
                              });
        }
    }

    NafPskListenerConfig m_config;
    QByteArray m_nafId;
    NafPskListener *m_owner; // only as the context of calls queued to the owner's thread
    ZnClient *m_zn;          // used on the owner's thread only
    NafPskCounters *m_counters;
    std::shared_ptr<Shared> m_shared;
    QSslServer *m_server = nullptr;
    quint64 m_nextId = 1;
    std::map<quint64, QPointer<PskConnection>> m_open;
};

NafPskListener::NafPskListener(NafPskListenerConfig config, ZnClient &zn, NafEngine &engine,
                               QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_zn(zn), m_engine(engine)
{
}

NafPskListener::~NafPskListener()
{
    stop();
}

Result<quint16> NafPskListener::start()
{
    stop();
    const QByteArray fqdn = m_config.nafFqdn.toUtf8();
    auto nafId = Crypto::makeNafId(std::string_view(fqdn.constData(), size_t(fqdn.size())),
                                   Crypto::kUaPskTlsAes128GcmSha256);
    if (!nafId)
        return makeError("naf.config", nafId.error().message);

    m_shared = std::make_shared<Shared>();
    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(QStringLiteral("naf-psk-tls"));
    auto *worker = new Worker(
        m_config,
        QByteArray(reinterpret_cast<const char *>(nafId->data()), qsizetype(nafId->size())), this,
        m_shared);
    worker->moveToThread(m_thread.get());
    // QThread deletes, as it finishes, the objects given to deleteLater from its finished().
    connect(m_thread.get(), &QThread::finished, worker, &QObject::deleteLater);
    m_shared->worker = worker;
    m_thread->start();

    std::optional<Result<quint16>> bound;
    QMetaObject::invokeMethod(
        worker, [worker, &bound] { bound.emplace(worker->listen()); },
        Qt::BlockingQueuedConnection);
    if (!bound || !bound->ok()) {
        Error error = bound ? bound->error()
                            : makeError("naf.psk_listen_failed", "the listener did not start");
        stop();
        return error;
    }
    qCInfo(lcNafPsk).noquote() << "NAF (Ua, PSK-TLS) listening on"
                               << m_config.listenAddress.toString() << "port" << **bound << "as"
                               << m_config.nafFqdn;
    return **bound;
}

void NafPskListener::stop()
{
    if (!m_thread)
        return;
    {
        const std::lock_guard lock(m_shared->mutex);
        m_shared->stopping = true;
        m_shared->worker = nullptr;
        m_shared->changed.notify_all();
    }
    m_thread->quit();
    m_thread->wait();
    m_thread.reset();
}

void NafPskListener::dispatch(quint64 connectionId, const Http::HttpRequest &request,
                              const QString &btid, const QString &impi,
                              const QDateTime &keyExpiresAt)
{
    ++m_counters.requests;
    const Http::HttpAnswer answer = m_engine.handleAuthenticated(request, btid, impi, keyExpiresAt);
    const std::lock_guard lock(m_shared->mutex);
    if (Worker *worker = m_shared->worker) {
        QMetaObject::invokeMethod(
            worker, [worker, connectionId, answer] { worker->deliver(connectionId, answer); },
            Qt::QueuedConnection);
    }
}

} // namespace Portal::Gba
