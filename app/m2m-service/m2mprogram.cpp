#include "m2mprogram.h"

#include "m2mservice.h"
#include "m2mstore.h"

#include <portal-core/http/httpserver.h>
#include <portal-core/runtime/portfile.h>
#include <portal-core/runtime/programoptions.h>
#include <portal-core/runtime/shutdownsignals.h>

#include <QCoreApplication>
#include <QFile>
#include <QLoggingCategory>
#include <QSslSocket>
#include <QTextStream>

Q_LOGGING_CATEGORY(lcM2mMain, "portal.m2m.main")

namespace Portal::M2mService {

namespace {

constexpr qint64 kMaxCaFileBytes = 256 * 1024;

int fail(int code, const Error &error)
{
    QTextStream err(stderr);
    err << "iot-m2m-service: " << QString::fromStdString(error.message) << " ("
        << QString::fromStdString(error.code) << ")\n";
    return code;
}

Result<QByteArray> readPem(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("m2m.tls_config", "cannot read " + path.toStdString());
    if (file.size() > kMaxCaFileBytes)
        return makeError("m2m.tls_config", path.toStdString() + " is larger than 256 KiB");
    return file.readAll();
}

bool isInstanceName(const QString &name)
{
    if (name.isEmpty() || name.size() > 64)
        return false;
    for (QChar c : name) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != QLatin1Char('-') &&
            c != QLatin1Char('_') && c != QLatin1Char('.'))
            return false;
    }
    return true;
}

} // namespace

int runM2mServiceProgram(const QStringList &arguments)
{
    Runtime::ProgramOptions options(QStringLiteral(
        "The M2M service of one instance: oneM2M resources for the devices the portal pushed,\n"
        "signature-verified readings (COSE_Sign1 ES256), access-control policies, and actuator\n"
        "commands over WebSockets.\n"
        "Serves HTTPS with --tls-cert and --tls-key. Without them it serves plain HTTP, which\n"
        "is allowed on a loopback address only; the admin API (/admin/v1) is then refused with\n"
        "403, because no client certificate can be checked. The admin API needs\n"
        "--admin-client-ca (the admin CA) and the portal's admin identity: a certificate from\n"
        "that CA with the typed name urn:iot-portal:admin:<name> and the admin-only policy."));
    using O = QCommandLineOption;
    options.addOption(O(QStringLiteral("data-dir"),
                        QStringLiteral("Directory of the SQLite database (created 0700)."),
                        QStringLiteral("dir"), QStringLiteral("m2m-data")));
    options.addOption(O(QStringLiteral("listen"), QStringLiteral("Address to bind."),
                        QStringLiteral("address"), QStringLiteral("127.0.0.1")));
    options.addOption(O(QStringLiteral("port"), QStringLiteral("Port (0: any free port)."),
                        QStringLiteral("port"), QStringLiteral("0")));
    options.addOption(O(QStringLiteral("port-file"),
                        QStringLiteral("Write the bound port to this file."),
                        QStringLiteral("file")));
    options.addOption(O(QStringLiteral("tls-cert"),
                        QStringLiteral("Server certificate chain (PEM, by the portal CA)."),
                        QStringLiteral("file")));
    options.addOption(O(QStringLiteral("tls-key"), QStringLiteral("Server private key (PEM)."),
                        QStringLiteral("file")));
    options.addOption(O(QStringLiteral("admin-client-ca"),
                        QStringLiteral("CA of the portal's admin client certificate (PEM)."),
                        QStringLiteral("file")));
    options.addOption(O(QStringLiteral("name"), QStringLiteral("Instance name (CSE id)."),
                        QStringLiteral("name"), QStringLiteral("m2m")));
    if (auto parsed = options.parse(arguments); !parsed)
        return fail(ExitUsage, parsed.error());

    auto port = options.integer(QStringLiteral("port"), 0, 65535);
    if (!port)
        return fail(ExitUsage, port.error());
    QHostAddress listenAddress;
    if (!listenAddress.setAddress(options.value(QStringLiteral("listen"))))
        return fail(ExitUsage, makeError("options.invalid", "--listen must be an IP address"));
    const QString certificatePath = options.value(QStringLiteral("tls-cert"));
    const QString keyPath = options.value(QStringLiteral("tls-key"));
    const QString adminCaPath = options.value(QStringLiteral("admin-client-ca"));
    if (certificatePath.isEmpty() != keyPath.isEmpty())
        return fail(ExitUsage,
                    makeError("options.invalid", "give both --tls-cert and --tls-key, or neither"));
    if (!adminCaPath.isEmpty() && certificatePath.isEmpty())
        return fail(ExitUsage,
                    makeError("options.invalid", "--admin-client-ca needs --tls-cert/--tls-key"));
    M2mServiceConfig config;
    config.instanceName = options.value(QStringLiteral("name"));
    if (!isInstanceName(config.instanceName))
        return fail(ExitUsage,
                    makeError("options.invalid", "--name must be 1..64 of [A-Za-z0-9._-]"));

    std::optional<QSslConfiguration> tls;
    if (!certificatePath.isEmpty()) {
        auto configuration = Http::makeServerTlsConfiguration({certificatePath, keyPath, {}});
        if (!configuration)
            return fail(ExitCannotStart, configuration.error());
        tls = *configuration;
        if (!adminCaPath.isEmpty()) {
            auto pem = readPem(adminCaPath);
            if (!pem)
                return fail(ExitCannotStart, pem.error());
            auto ca = Crypto::Certificate::fromPem(pem->toStdString());
            const QList<QSslCertificate> cas = QSslCertificate::fromData(*pem, QSsl::Pem);
            if (!ca || cas.isEmpty())
                return fail(ExitCannotStart,
                            makeError("m2m.tls_config",
                                      "no CA certificate in " + adminCaPath.toStdString()));
            config.adminClientCa = *ca;
            // Ask for a client certificate without requiring one: gateways have none and
            // authenticate with bearer credentials. The admin certificate is verified per
            // request against this CA (M2mService::isAdminCertificate).
            tls->setCaCertificates(cas);
            tls->setPeerVerifyMode(QSslSocket::QueryPeer);
        }
    }

    auto store = M2mStore::open(options.value(QStringLiteral("data-dir")));
    if (!store)
        return fail(ExitCannotStart, store.error());
    auto service = M2mService::create(**store, config);
    if (!service)
        return fail(ExitCannotStart, service.error());
    M2mService *handler = service->get();
    auto server = std::make_unique<Http::HttpServer>(
        [handler](const Http::HttpRequest &request) { return handler->handle(request); });
    server->setWebSocketHandler(
        [handler](QWebSocket *socket) { handler->acceptWebSocket(socket); });
    auto bound = server->listen(listenAddress, quint16(*port), tls);
    if (!bound)
        return fail(ExitCannotStart, bound.error());
    qCInfo(lcM2mMain).noquote() << "instance" << config.instanceName << "listening on"
                                << listenAddress.toString() << "port" << *bound
                                << (tls ? "(https)" : "(http, admin API refused)");
    if (options.isSet(QStringLiteral("port-file"))) {
        if (auto written =
                Runtime::writePortFile(options.value(QStringLiteral("port-file")), *bound);
            !written)
            return fail(ExitCannotStart, written.error());
    }

    Runtime::ShutdownSignals shutdown;
    QObject::connect(&shutdown, &Runtime::ShutdownSignals::shutdownRequested, [](int number) {
        qCInfo(lcM2mMain) << "signal" << number << "received; stopping";
        QCoreApplication::quit();
    });
    const int code = QCoreApplication::exec();
    // Requests run to completion on the event loop, so nothing is half done here: stop
    // listening, close the command sockets, then fold the WAL in and close the database.
    server.reset();
    (*service)->closeWebSockets();
    auto stored = (*store)->readingsStored();
    service->reset();
    (*store)->close();
    qCInfo(lcM2mMain) << "stopped;" << (stored ? *stored : -1) << "readings stored";
    return code == 0 ? ExitOk : ExitFailure;
}

} // namespace Portal::M2mService
