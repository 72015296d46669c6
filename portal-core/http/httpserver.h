#pragma once
// The one adapter over QtHttpServer 6.4 (QAbstractHttpServer): every request goes to one
// handler with the TLS peer certificate attached, so routes can authorise by client
// certificate. Listens on its own QTcpServer/QSslServer, so TLS (and mandatory client
// certificates) are configured per listener.
//
// Bounds: QtHttpServer 6.4 buffers a whole request before handing it over and has no size
// hook; handlers bound what they parse (headers, bodies) themselves and answer 413.

#include "httpmessage.h"

#include <portal-core/base/result.h>

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QStringList>

class QWebSocket;

#include <functional>
#include <memory>
#include <optional>

namespace Portal::Http {

struct TlsServerOptions
{
    QString certificatePath; // PEM, the server's chain (leaf first)
    QString keyPath;         // PEM, EC or RSA
    // PEM files; when any is set, clients must present a certificate one of them signed (the
    // handler still decides which root and which typed name it accepts).
    QStringList clientCaPaths;
};

// Errors: `http.tls_config` naming the unreadable or mismatched file.
Result<QSslConfiguration> makeServerTlsConfiguration(const TlsServerOptions &options);

class HttpServer : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<HttpAnswer(const HttpRequest &)>;
    // Receives each accepted WebSocket (ownership passes to the handler). The upgrade request
    // never reaches Handler: QtHttpServer 6.4 completes the handshake itself, so the handler
    // authorises after the fact from socket->request() (URL and headers) and closes what it
    // refuses.
    using WebSocketHandler = std::function<void(QWebSocket *socket)>;
    // For handlers that must ask another service first (the NAF asks the BSF over Zn):
    // call `respond` exactly once, later, on this thread. If the client has gone by then, the
    // answer is dropped.
    using Respond = std::function<void(HttpAnswer)>;
    using AsyncHandler = std::function<void(const HttpRequest &, Respond respond)>;

    explicit HttpServer(Handler handler, QObject *parent = nullptr);
    explicit HttpServer(AsyncHandler handler, QObject *parent = nullptr);
    ~HttpServer() override;

    // Plain HTTP without tls; with tls, HTTPS (TLS 1.2+). Returns the bound port. Errors:
    // `http.listen_failed`, `http.insecure` (plain HTTP on a non-loopback address).
    Result<quint16> listen(const QHostAddress &address, quint16 port,
                           const std::optional<QSslConfiguration> &tls);

    // Without a WebSocket handler, upgrade requests are refused (the connection is closed).
    void setWebSocketHandler(WebSocketHandler handler);

private:
    class Adapter;
    std::unique_ptr<Adapter> m_adapter;
};

} // namespace Portal::Http
