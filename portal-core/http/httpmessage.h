#pragma once
// A request as our handlers see it and the answer they give, independent of the HTTP stack.
// Errors go out as JSON `{"error": {"code": …, "message": …}}` (DESIGN §4.4).

#include <portal-core/base/result.h>

#include <QByteArray>
#include <QHostAddress>
#include <QJsonDocument>
#include <QList>
#include <QPair>
#include <QSslCertificate>
#include <QString>
#include <QUrlQuery>

namespace Portal::Http {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

struct HttpRequest
{
    QByteArray method; // upper case: GET, POST, …
    QString path;      // decoded, e.g. /api/v1/devices/0102030405060708
    QUrlQuery query;
    HeaderList headers;
    QByteArray body;
    QHostAddress peerAddress;
    QSslCertificate peerCertificate; // null unless TLS with a verified client certificate
    // Whatever client certificate was sent, verified or not: only to name a refused caller in
    // logs and failed-authentication rows, never to decide anything.
    QSslCertificate presentedCertificate;

    // Case-insensitive; the first header of that name, empty when absent.
    QByteArray header(const QByteArray &name) const;
};

struct HttpAnswer
{
    int status = 500;
    HeaderList headers;
    QByteArray contentType;
    QByteArray body;
};

HttpAnswer jsonError(int status, const Error &error);
HttpAnswer jsonAnswer(int status, const QJsonDocument &document);

} // namespace Portal::Http
