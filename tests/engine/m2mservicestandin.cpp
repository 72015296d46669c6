// TEST STAND-IN for iot-m2m-service (tests only, never shipped): the same command line and
// the admin API of docs/api.md, enough for the portal engine's local backend and attach
// tests while the real service is not built. It keeps the pushed devices in memory and
// mirrors them to <data-dir>/standin-devices.json so a test can read what the portal pushed.
//
//   m2m-service-standin --data-dir D --listen 127.0.0.1 --port 0 --port-file F
//                       --tls-cert C --tls-key K --admin-client-ca CA --name N

#include <portal-core/http/httpserver.h>
#include <portal-core/runtime/portfile.h>
#include <portal-core/runtime/programoptions.h>
#include <portal-core/runtime/shutdownsignals.h>

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTextStream>

using namespace Portal;

namespace {

class StandIn
{
public:
    StandIn(QString dataDir, QString name) : m_dataDir(std::move(dataDir)), m_name(std::move(name))
    {
    }

    Http::HttpAnswer handle(const Http::HttpRequest &request)
    {
        if (request.body.size() > 16 * 1024)
            return Http::jsonError(413, makeError("m2m.too_large", "body too large"));
        const QString commonName =
            request.peerCertificate.subjectInfo(QSslCertificate::CommonName).value(0);
        if (!request.path.startsWith(QLatin1String("/admin/v1/")))
            return Http::jsonError(404, makeError("m2m.not_found", "stand-in serves admin only"));
        if (commonName != QLatin1String("portal-admin"))
            return Http::jsonError(403, makeError("m2m.forbidden", "admin certificate needed"));
        if (request.path == QLatin1String("/admin/v1/health") && request.method == "GET")
            return Http::jsonAnswer(
                200, QJsonDocument(QJsonObject{{QStringLiteral("devices"), m_devices.size()},
                                               {QStringLiteral("readingsStored"), 0},
                                               {QStringLiteral("readingsRejected"), 0},
                                               {QStringLiteral("name"), m_name}}));
        static const QRegularExpression devicePath(
            QStringLiteral("^/admin/v1/devices/([0-9a-f]{16})$"));
        const auto match = devicePath.match(request.path);
        if (!match.hasMatch())
            return Http::jsonError(404, makeError("m2m.not_found", "no such admin resource"));
        const QString id = match.captured(1);
        if (request.method == "PUT") {
            const QJsonObject body = QJsonDocument::fromJson(request.body).object();
            if (!body.value(QStringLiteral("publicKey")).isString() ||
                body.value(QStringLiteral("credentialSha256")).toString().size() != 64)
                return Http::jsonError(400, makeError("m2m.malformed", "bad device"));
            const bool created = !m_devices.contains(id);
            m_devices.insert(id, body);
            save();
            return Http::jsonAnswer(created ? 201 : 200, QJsonDocument(body));
        }
        if (request.method == "DELETE") {
            m_devices.remove(id);
            save();
            Http::HttpAnswer answer;
            answer.status = 204;
            return answer;
        }
        return Http::jsonError(405, makeError("m2m.method", "method not allowed"));
    }

private:
    void save()
    {
        QSaveFile file(QDir(m_dataDir).filePath(QStringLiteral("standin-devices.json")));
        if (file.open(QIODevice::WriteOnly)) {
            file.write(QJsonDocument(m_devices).toJson());
            file.commit();
        }
    }

    QString m_dataDir;
    QString m_name;
    QJsonObject m_devices;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationVersion(QStringLiteral("0"));
    Runtime::ProgramOptions options(QStringLiteral("Test stand-in for iot-m2m-service."));
    for (const char *name : {"data-dir", "listen", "port", "port-file", "tls-cert", "tls-key",
                             "admin-client-ca", "name"})
        options.addOption(
            QCommandLineOption(QLatin1String(name), QLatin1String(name), QStringLiteral("value")));
    QTextStream err(stderr);
    if (auto parsed = options.parse(QCoreApplication::arguments()); !parsed) {
        err << QString::fromStdString(parsed.error().message) << '\n';
        return 2;
    }
    const QString dataDir = options.value(QStringLiteral("data-dir"));
    QDir().mkpath(dataDir);
    auto tls =
        Http::makeServerTlsConfiguration({options.value(QStringLiteral("tls-cert")),
                                          options.value(QStringLiteral("tls-key")),
                                          {options.value(QStringLiteral("admin-client-ca"))}});
    if (!tls) {
        err << QString::fromStdString(tls.error().message) << '\n';
        return 3;
    }
    StandIn standIn(dataDir, options.value(QStringLiteral("name")));
    Http::HttpServer server(
        [&standIn](const Http::HttpRequest &request) { return standIn.handle(request); });
    auto port = server.listen(QHostAddress(options.value(QStringLiteral("listen"))),
                              quint16(options.value(QStringLiteral("port")).toUInt()), *tls);
    if (!port) {
        err << QString::fromStdString(port.error().message) << '\n';
        return 3;
    }
    if (auto written = Runtime::writePortFile(options.value(QStringLiteral("port-file")), *port);
        !written)
        return 3;
    Runtime::ShutdownSignals shutdown;
    QObject::connect(&shutdown, &Runtime::ShutdownSignals::shutdownRequested,
                     [] { QCoreApplication::quit(); });
    return QCoreApplication::exec();
}
