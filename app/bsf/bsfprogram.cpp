#include "bsfprogram.h"

#include "bsfserver.h"

#include <portal-core/gba/hssstore.h>
#include <portal-core/runtime/portfile.h>
#include <portal-core/runtime/programoptions.h>
#include <portal-core/runtime/shutdownsignals.h>

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>

#include <cstring>

Q_LOGGING_CATEGORY(lcBsfMain, "portal.bsf")

namespace Portal::Bsf {

namespace {

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

template<size_t N>
bool parseHex(const QString &text, std::array<uint8_t, N> &out)
{
    const QByteArray hex = text.toLatin1();
    const QByteArray bytes = QByteArray::fromHex(hex);
    if (hex.size() != qsizetype(2 * N) || bytes.size() != qsizetype(N) ||
        bytes.toHex() != hex.toLower())
        return false;
    std::memcpy(out.data(), bytes.constData(), N);
    return true;
}

int fail(int code, const Error &error)
{
    err() << "iot-bsf: " << QString::fromStdString(error.message) << " ("
          << QString::fromStdString(error.code) << ")\n";
    err().flush();
    return code;
}

// The failed Ub authentications, newest first, tab-separated with a header line. Every field
// is printable ASCII without tabs (authFailureField), so each row is one line.
int runAuditCommand(Runtime::ProgramOptions &options)
{
    bool limitOk = false;
    const int limit = options.value(QStringLiteral("limit")).toInt(&limitOk);
    if (!limitOk || limit < 1 || limit > kMaxAuthFailureRows)
        return fail(ExitUsage,
                    makeError("options.invalid", "--limit must be a number from 1 to 10000"));
    auto store = Gba::HssStore::open(options.value(QStringLiteral("database")));
    if (!store)
        return fail(ExitCannotStart, store.error());
    auto rows = (*store)->authFailures(limit);
    if (!rows)
        return fail(ExitFailure, rows.error());
    QTextStream out(stdout);
    out << "minute\tsource\timpi\treason\tcount\tlast\n";
    for (const AuthFailure &row : *rows)
        out << row.minute.toString(Qt::ISODate) << '\t' << row.source << '\t' << row.identity
            << '\t' << row.reason << '\t' << row.count << '\t'
            << row.last.toString(Qt::ISODateWithMs) << '\n';
    return ExitOk;
}

int runSubscriberCommand(Runtime::ProgramOptions &options)
{
    const QStringList positional = options.positionalArguments();
    const QString action = positional.value(1);
    if (!options.isSet(QStringLiteral("database")))
        return fail(ExitUsage, makeError("options.invalid", "--database is required"));
    auto store = Gba::HssStore::open(options.value(QStringLiteral("database")));
    if (!store)
        return fail(ExitCannotStart, store.error());
    QTextStream out(stdout);

    if (action == QLatin1String("list")) {
        auto impis = (*store)->subscriberImpis();
        if (!impis)
            return fail(ExitFailure, impis.error());
        for (const QString &impi : *impis)
            out << impi << '\n';
        return ExitOk;
    }
    const QString impi = options.value(QStringLiteral("impi"));
    if (impi.isEmpty())
        return fail(ExitUsage, makeError("options.invalid", "--impi is required"));
    if (action == QLatin1String("remove")) {
        if (auto removed = (*store)->removeSubscriber(impi); !removed)
            return fail(ExitFailure, removed.error());
        return ExitOk;
    }
    if (action != QLatin1String("add"))
        return fail(ExitUsage,
                    makeError("options.invalid", "subscriber needs one of: add, list, remove"));
    Gba::Subscriber subscriber;
    subscriber.impi = impi;
    if (!parseHex(options.value(QStringLiteral("k")), subscriber.k))
        return fail(ExitUsage, makeError("options.invalid", "--k must be 32 hex digits"));
    if (options.isSet(QStringLiteral("opc")) == options.isSet(QStringLiteral("op")))
        return fail(ExitUsage, makeError("options.invalid", "give exactly one of --opc and --op"));
    if (options.isSet(QStringLiteral("opc"))) {
        if (!parseHex(options.value(QStringLiteral("opc")), subscriber.opc))
            return fail(ExitUsage, makeError("options.invalid", "--opc must be 32 hex digits"));
    } else {
        Crypto::Op op{};
        if (!parseHex(options.value(QStringLiteral("op")), op))
            return fail(ExitUsage, makeError("options.invalid", "--op must be 32 hex digits"));
        subscriber.opc = Crypto::Milenage::computeOpc(subscriber.k, op);
    }
    if (options.isSet(QStringLiteral("amf")) &&
        !parseHex(options.value(QStringLiteral("amf")), subscriber.amf))
        return fail(ExitUsage, makeError("options.invalid", "--amf must be 4 hex digits"));
    if (options.isSet(QStringLiteral("sqn"))) {
        auto sqn = options.integer(QStringLiteral("sqn"), 0, qint64(Crypto::kSqnMax) - 1);
        if (!sqn)
            return fail(ExitUsage, sqn.error());
        subscriber.sqn = uint64_t(*sqn);
    }
    if (auto added = (*store)->addSubscriber(subscriber); !added)
        return fail(ExitFailure, added.error());
    return ExitOk;
}

int runServer(Runtime::ProgramOptions &options)
{
    auto port = options.integer(QStringLiteral("port"), 0, 65535);
    auto znPort = options.integer(QStringLiteral("zn-port"), 0, 65535);
    auto keyLifetime = options.integer(QStringLiteral("key-lifetime"), 1, 365 * 24 * 3600);
    for (const auto *number : {&port, &znPort, &keyLifetime}) {
        if (!*number)
            return fail(ExitUsage, number->error());
    }
    BsfServerConfig serverConfig;
    if (!serverConfig.listenAddress.setAddress(options.value(QStringLiteral("listen"))))
        return fail(ExitUsage, makeError("options.invalid", "--listen must be an IP address"));
    serverConfig.ubPort = quint16(*port);
    serverConfig.znPort = quint16(*znPort);
    serverConfig.tlsCertificatePath = options.value(QStringLiteral("tls-cert"));
    serverConfig.tlsKeyPath = options.value(QStringLiteral("tls-key"));
    serverConfig.znClientCaPath = options.value(QStringLiteral("zn-client-ca"));

    auto store = Gba::HssStore::open(options.value(QStringLiteral("database")));
    if (!store)
        return fail(ExitCannotStart, store.error());
    Gba::BsfConfig engineConfig;
    engineConfig.domain = options.value(QStringLiteral("domain"));
    engineConfig.keyLifetimeS = int(*keyLifetime);
    Gba::BsfEngine engine(**store, engineConfig);
    BsfServer server(engine, serverConfig);
    if (auto started = server.start(); !started)
        return fail(ExitCannotStart, started.error());

    // The Ub port file last: whoever waits for it finds the Zn port file written.
    if (options.isSet(QStringLiteral("zn-port-file")) && server.znPort() != 0) {
        if (auto written = Runtime::writePortFile(options.value(QStringLiteral("zn-port-file")),
                                                  server.znPort());
            !written)
            return fail(ExitCannotStart, written.error());
    }
    if (options.isSet(QStringLiteral("port-file"))) {
        if (auto written =
                Runtime::writePortFile(options.value(QStringLiteral("port-file")), server.ubPort());
            !written)
            return fail(ExitCannotStart, written.error());
    }

    Runtime::ShutdownSignals shutdown;
    QObject::connect(&shutdown, &Runtime::ShutdownSignals::shutdownRequested, [](int number) {
        qCInfo(lcBsfMain) << "signal" << number << "received; stopping";
        QCoreApplication::quit();
    });
    const int code = QCoreApplication::exec();
    const auto &counters = engine.counters();
    qCInfo(lcBsfMain) << "stopped:" << counters.bootstraps << "bootstraps,"
                      << counters.authenticationFailures << "authentication failures,"
                      << counters.resynchronisations << "resynchronisations," << counters.znAnswers
                      << "Zn answers";
    return code == 0 ? ExitOk : ExitFailure;
}

} // namespace

int runBsfProgram(const QStringList &arguments)
{
    Runtime::ProgramOptions options(
        QStringLiteral("GBA bootstrapping server function with an embedded HSS (TS 33.220).\n"
                       "  iot-bsf [options]                      serve Ub (and Zn with TLS)\n"
                       "  iot-bsf subscriber add|list|remove …   manage the HSS subscribers\n"
                       "  iot-bsf audit [--limit N]              list failed authentications"));
    auto &parser = options.parser();
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("serve (default), subscriber or audit"));
    using O = QCommandLineOption;
    options.addOption(O(QStringLiteral("database"),
                        QStringLiteral("HSS SQLite file (created 0600)."), QStringLiteral("file"),
                        QStringLiteral("hss.sqlite")));
    options.addOption(O(QStringLiteral("listen"), QStringLiteral("Address to bind."),
                        QStringLiteral("address"), QStringLiteral("127.0.0.1")));
    options.addOption(O(QStringLiteral("port"), QStringLiteral("Ub port (0: any free port)."),
                        QStringLiteral("port"), QStringLiteral("0")));
    options.addOption(O(QStringLiteral("port-file"),
                        QStringLiteral("Write the bound Ub port to this file."),
                        QStringLiteral("file")));
    options.addOption(O(QStringLiteral("zn-port"), QStringLiteral("Zn port (0: any free port)."),
                        QStringLiteral("port"), QStringLiteral("0")));
    options.addOption(O(QStringLiteral("zn-port-file"),
                        QStringLiteral("Write the bound Zn port to this file."),
                        QStringLiteral("file")));
    options.addOption(O(QStringLiteral("tls-cert"), QStringLiteral("Server certificate (PEM)."),
                        QStringLiteral("file")));
    options.addOption(O(QStringLiteral("tls-key"), QStringLiteral("Server private key (PEM)."),
                        QStringLiteral("file")));
    options.addOption(O(QStringLiteral("zn-client-ca"),
                        QStringLiteral("CA whose client certificates may use Zn (PEM)."),
                        QStringLiteral("file")));
    options.addOption(O(QStringLiteral("domain"),
                        QStringLiteral("BSF domain: Digest realm and B-TID suffix."),
                        QStringLiteral("name"), QStringLiteral("bsf.lab.example")));
    options.addOption(O(QStringLiteral("key-lifetime"),
                        QStringLiteral("Lifetime of Ks and its B-TID in seconds."),
                        QStringLiteral("seconds"), QStringLiteral("3600")));
    options.addOption(
        O(QStringLiteral("impi"), QStringLiteral("subscriber: the IMPI."), QStringLiteral("impi")));
    options.addOption(O(QStringLiteral("k"), QStringLiteral("subscriber add: K (32 hex)."),
                        QStringLiteral("hex")));
    options.addOption(O(QStringLiteral("opc"), QStringLiteral("subscriber add: OPc (32 hex)."),
                        QStringLiteral("hex")));
    options.addOption(O(QStringLiteral("op"),
                        QStringLiteral("subscriber add: OP (32 hex); OPc is derived."),
                        QStringLiteral("hex")));
    options.addOption(O(QStringLiteral("amf"), QStringLiteral("subscriber add: AMF (4 hex)."),
                        QStringLiteral("hex")));
    options.addOption(O(QStringLiteral("sqn"),
                        QStringLiteral("subscriber add: the last SQN used (default 0)."),
                        QStringLiteral("number")));
    options.addOption(O(QStringLiteral("limit"),
                        QStringLiteral("audit: how many rows, newest first (default 100)."),
                        QStringLiteral("rows"), QStringLiteral("100")));
    if (auto parsed = options.parse(arguments); !parsed)
        return fail(ExitUsage, parsed.error());

    const QString command = options.positionalArguments().value(0, QStringLiteral("serve"));
    if (command == QLatin1String("subscriber"))
        return runSubscriberCommand(options);
    if (command == QLatin1String("audit"))
        return runAuditCommand(options);
    if (command != QLatin1String("serve"))
        return fail(ExitUsage, makeError("options.invalid",
                                         "unknown command; use serve, subscriber or audit"));
    return runServer(options);
}

} // namespace Portal::Bsf
