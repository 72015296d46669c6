#include "gatewayprogram.h"

#include "gatewayservice.h"

#include <portal-core/runtime/programoptions.h>
#include <portal-core/runtime/shutdownsignals.h>

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTextStream>

Q_LOGGING_CATEGORY(lcGatewayMain, "portal.gateway.main")

namespace Portal::Gateway {

namespace {

enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2, ExitCannotStart = 3 };

int fail(int code, const Error &error)
{
    QTextStream(stderr) << "iot-gateway: " << QString::fromStdString(error.message) << " ("
                        << QString::fromStdString(error.code) << ")\n";
    return code;
}

} // namespace

int runGatewayProgram(const QStringList &arguments)
{
    Runtime::ProgramOptions options(QStringLiteral(
        "IoT Portal gateway: GBA bootstrap, NAF enrolment, device links, durable forwarding."));
    using O = QCommandLineOption;
    options.addOption(O(QStringLiteral("gateway-id"),
                        QStringLiteral("This gateway's id ([a-z0-9-])."), QStringLiteral("id")));
    options.addOption(O(QStringLiteral("usim"), QStringLiteral("Soft USIM file (JSON, mode 0600)."),
                        QStringLiteral("file")));
    options.addOption(O(QStringLiteral("state-dir"),
                        QStringLiteral("Directory for the queue and the gateway key."),
                        QStringLiteral("dir")));
    options.addOption(
        O(QStringLiteral("bsf-url"), QStringLiteral("BSF Ub URL."), QStringLiteral("url")));
    options.addOption(
        O(QStringLiteral("naf-url"), QStringLiteral("NAF enrolment URL."), QStringLiteral("url")));
    options.addOption(O(QStringLiteral("naf-fqdn"), QStringLiteral("The NAF's configured name."),
                        QStringLiteral("name"), QStringLiteral("naf.lab.example")));
    options.addOption(O(QStringLiteral("operator-ca"),
                        QStringLiteral("Operator CA (PEM) trusted for the BSF and NAF."),
                        QStringLiteral("file")));
    options.addOption(O(QStringLiteral("device"),
                        QStringLiteral("A device link: tcp:HOST:PORT or serial:PATH[@BAUD]; "
                                       "repeat for more (or a comma-separated list)."),
                        QStringLiteral("link")));
    options.addOption(O(QStringLiteral("heartbeat-interval"),
                        QStringLiteral("Seconds between heartbeats."), QStringLiteral("seconds"),
                        QStringLiteral("10")));
    if (auto parsed = options.parse(arguments); !parsed)
        return fail(ExitUsage, parsed.error());

    GatewayConfig config;
    config.version = QCoreApplication::applicationVersion();
    config.gatewayId = options.value(QStringLiteral("gateway-id"));
    config.usimPath = options.value(QStringLiteral("usim"));
    config.stateDirectory = options.value(QStringLiteral("state-dir"));
    config.bsfUrl = QUrl(options.value(QStringLiteral("bsf-url")));
    config.nafUrl = QUrl(options.value(QStringLiteral("naf-url")));
    config.nafFqdn = options.value(QStringLiteral("naf-fqdn"));
    config.operatorCaPath = options.value(QStringLiteral("operator-ca"));
    if (!QRegularExpression(QStringLiteral("^[a-z0-9][a-z0-9-]{0,39}$"))
             .match(config.gatewayId)
             .hasMatch())
        return fail(ExitUsage,
                    makeError("options.invalid", "--gateway-id is 1 to 40 of [a-z0-9-]"));
    if (config.usimPath.isEmpty() || config.stateDirectory.isEmpty() || !config.bsfUrl.isValid() ||
        config.bsfUrl.isRelative() || !config.nafUrl.isValid() || config.nafUrl.isRelative())
        return fail(ExitUsage,
                    makeError("options.invalid",
                              "--usim, --state-dir, --bsf-url and --naf-url are required"));
    QStringList links = options.parser().values(QStringLiteral("device"));
    if (links.isEmpty() && options.isSet(QStringLiteral("device")))
        links = options.value(QStringLiteral("device")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &text : links) {
        for (const QString &one : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            auto address = LinkAddress::parse(one.trimmed());
            if (!address)
                return fail(ExitUsage,
                            makeError("options.invalid",
                                      "--device " + one.toStdString() +
                                          " is not tcp:HOST:PORT or serial:PATH[@BAUD]"));
            config.links.push_back(*address);
        }
    }
    auto interval = options.integer(QStringLiteral("heartbeat-interval"), 1, 3600);
    if (!interval)
        return fail(ExitUsage, interval.error());
    config.heartbeatIntervalMs = int(*interval) * 1000;

    GatewayService service(config);
    if (auto started = service.start(); !started)
        return fail(ExitCannotStart, started.error());
    Runtime::ShutdownSignals shutdown;
    QObject::connect(&shutdown, &Runtime::ShutdownSignals::shutdownRequested, [](int number) {
        qCInfo(lcGatewayMain) << "signal" << number << "received; stopping (the queue is durable)";
        QCoreApplication::quit();
    });
    return QCoreApplication::exec() == 0 ? ExitOk : ExitFailure;
}

} // namespace Portal::Gateway
