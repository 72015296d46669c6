#include "httpserver.h"

#include <QAbstractHttpServer>
#include <QFile>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QLoggingCategory>
#include <QPointer>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcHttp, "portal.http")

namespace Portal::Http {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "OTHER";
    }
}

Result<QByteArray> readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("http.tls_config", "cannot read " + path.toStdString() + ": " +
                                                file.errorString().toStdString());
    return file.read(256 * 1024);
}

} // namespace

namespace {

void writeAnswer(QHttpServerResponder &responder, const HttpAnswer &answer)
{
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(answer.status));
    responder.writeHeader("Content-Type", answer.contentType.isEmpty()
                                              ? QByteArray("application/octet-stream")
                                              : answer.contentType);
    responder.writeHeader("Content-Length", QByteArray::number(answer.body.size()));
    for (const auto &[name, value] : answer.headers)
        responder.writeHeader(name, value);
    responder.writeBody(answer.body);
}

} // namespace

class HttpServer::Adapter : public QAbstractHttpServer
{
public:
    explicit Adapter(AsyncHandler handler) : m_handler(std::move(handler)) {}

    void setWebSocketHandler(WebSocketHandler handler)
    {
        const bool first = !m_webSocketHandler;
        m_webSocketHandler = std::move(handler);
        if (!first)
            return;
        // QtHttpServer 6.4 accepts upgrades only while this signal has a receiver.
        connect(this, &QAbstractHttpServer::newWebSocketConnection, this, [this] {
            while (hasPendingWebSocketConnections()) {
                std::unique_ptr<QWebSocket> socket = nextPendingWebSocketConnection();
                if (socket)
                    m_webSocketHandler(socket.release());
            }
        });
    }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        // QtHttpServer 6.4 shows an upgrade request to this handler and then upgrades the
        // connection itself: answering here would put an HTTP response before the 101.
        if (m_webSocketHandler &&
            request.value("Upgrade").compare("websocket", Qt::CaseInsensitive) == 0)
            return true;
        HttpRequest ours;
        ours.method = methodName(request.method());
        ours.path = request.url().path();
        ours.query = request.query();
        ours.headers = request.headers();
        ours.body = request.body();
        ours.peerAddress = request.remoteAddress();
        // A listener that only asks for a client certificate (QueryPeer) completes the
        // handshake even when it does not verify: such a certificate is not passed on.
        if (auto *tls = qobject_cast<QSslSocket *>(socket)) {
            ours.presentedCertificate = tls->peerCertificate();
            if (tls->sslHandshakeErrors().isEmpty())
                ours.peerCertificate = tls->peerCertificate();
        }
        auto responder = std::make_shared<QHttpServerResponder>(makeResponder(request, socket));
        QPointer<QTcpSocket> alive(socket);
        m_handler(ours, [responder, alive](HttpAnswer answer) {
            if (alive)
                writeAnswer(*responder, answer);
        });
        return true;
    }

    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        QHttpServerResponder responder = makeResponder(request, socket);
        responder.write(QHttpServerResponder::StatusCode::NotFound);
    }

private:
    AsyncHandler m_handler;
    WebSocketHandler m_webSocketHandler;
};

Result<QSslConfiguration> makeServerTlsConfiguration(const TlsServerOptions &options)
{
    auto certificatePem = readFile(options.certificatePath);
    if (!certificatePem)
        return certificatePem.error();
    auto keyPem = readFile(options.keyPath);
    if (!keyPem)
        return keyPem.error();
    const QList<QSslCertificate> chain = QSslCertificate::fromData(*certificatePem, QSsl::Pem);
    QSslKey key(*keyPem, QSsl::Ec, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(*keyPem, QSsl::Rsa, QSsl::Pem);
    if (chain.isEmpty() || key.isNull())
        return makeError("http.tls_config",
                         "no PEM certificate in " + options.certificatePath.toStdString() +
                             " or no PEM key in " + options.keyPath.toStdString());
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    QList<QSslCertificate> cas;
    for (const QString &path : options.clientCaPaths) {
        auto caPem = readFile(path);
        if (!caPem)
            return caPem.error();
        const QList<QSslCertificate> fromFile = QSslCertificate::fromData(*caPem, QSsl::Pem);
        if (fromFile.isEmpty())
            return makeError("http.tls_config", "no PEM certificate in " + path.toStdString());
        cas += fromFile;
    }
    if (!cas.isEmpty()) {
        tls.setCaCertificates(cas);
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
    }
    return tls;
}

HttpServer::HttpServer(Handler handler, QObject *parent)
    : HttpServer(
          AsyncHandler([handler = std::move(handler)](const HttpRequest &request, Respond respond) {
              respond(handler(request));
          }),
          parent)
{
}

HttpServer::HttpServer(AsyncHandler handler, QObject *parent)
    : QObject(parent), m_adapter(std::make_unique<Adapter>(std::move(handler)))
{
}

HttpServer::~HttpServer() = default;

Result<quint16> HttpServer::listen(const QHostAddress &address, quint16 port,
                                   const std::optional<QSslConfiguration> &tls)
{
    if (!tls && !address.isLoopback())
        return makeError("http.insecure", "plain HTTP is only allowed on loopback addresses");
    QTcpServer *server = nullptr;
    if (tls) {
        auto *sslServer = new QSslServer(m_adapter.get());
        sslServer->setSslConfiguration(*tls);
        QObject::connect(sslServer, &QSslServer::sslErrors, m_adapter.get(),
                         [](QSslSocket *, const QList<QSslError> &errors) {
                             for (const QSslError &error : errors)
                                 qCInfo(lcHttp) << "TLS client refused:" << error.errorString();
                         });
        server = sslServer;
    } else {
        server = new QTcpServer(m_adapter.get());
    }
    if (!server->listen(address, port)) {
        const std::string why = server->errorString().toStdString();
        delete server;
        return makeError("http.listen_failed", "cannot listen on " +
                                                   address.toString().toStdString() + ":" +
                                                   std::to_string(port) + ": " + why);
    }
    m_adapter->bind(server);
    return server->serverPort();
}

void HttpServer::setWebSocketHandler(WebSocketHandler handler)
{
    m_adapter->setWebSocketHandler(std::move(handler));
}

} // namespace Portal::Http
