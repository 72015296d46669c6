// Scale-out attach (issue 3, test 6): 20 gateways with 5 devices each, all of one shared
// device class, attach at once, and the portal must place all 100 devices on exactly one
// instance — first with one iot-portald on SQLite, then with two iot-portald processes
// sharing a real PostgreSQL 15 (started here with initdb + pg_ctl on a Unix socket in a
// temporary directory), the gateways enrolling alternately at the two NAFs, each of which
// hands out its own portald's API. Every part is a real process on 127.0.0.1; the results are
// read with independent clients (sqlite3, psql) and from /proc. Case B is skipped only when
// PostgreSQL's server binaries are missing (scripts/install-deps installs them).

#include "tests/support/daemonprocess.h"

#include <portal-core/crypto/labpki.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>
#include <vector>

#include <unistd.h>

using namespace Portal;

namespace {

const QString kBsf = QStringLiteral(IOT_BSF_PATH);
const QString kPortald = QStringLiteral(IOT_PORTALD_PATH);
const QString kM2mService = QStringLiteral(IOT_M2M_SERVICE_PATH);
const QString kGateway = QStringLiteral(IOT_GATEWAY_PATH);
const QString kSim = QStringLiteral(SENSOR_NODE_SIM_PATH);
const QString kPgBin = QStringLiteral("/usr/lib/postgresql/15/bin");

constexpr int kGateways = 20;
constexpr int kDevicesPerGateway = 5;
constexpr int kDevices = kGateways * kDevicesPerGateway;
// The class holds exactly all devices: one more attach than fits would need a sibling.
constexpr int kCapacity = kDevices;
// Long enough that the devices only attach during a case: placement is what is measured.
constexpr int kReportingIntervalMs = 600000;
constexpr int kAllReadyTimeoutMs = 180000;
const QString kClass = QStringLiteral("meters");
const QString kK = QStringLiteral("465b5ce8b199b49faa5f0a2ee238a6bc");
const QString kOpc = QStringLiteral("cd63cb71954a9f4e48a5994e37a02baf");

QString impi(int gateway)
{
    return QStringLiteral("00101%1@ims.mnc001.mcc001.3gppnetwork.org")
        .arg(gateway + 1, 10, 10, QLatin1Char('0'));
}

QString gatewayId(int gateway)
{
    return QStringLiteral("gw-%1").arg(gateway, 2, 10, QLatin1Char('0'));
}

QString deviceId(int device)
{
    return QStringLiteral("5ca1e000000000%1").arg(device, 2, 16, QLatin1Char('0'));
}

int runAsPostgres(const QString &program, const QStringList &arguments, QByteArray *output)
{
    if (::geteuid() == 0)
        return Testing::runCommand(QStringLiteral("runuser"),
                                   QStringList{QStringLiteral("-u"), QStringLiteral("postgres"),
                                               QStringLiteral("--"), program} +
                                       arguments,
                                   output, 60000);
    return Testing::runCommand(program, arguments, output, 60000);
}

// The iot-m2m-service processes whose command line mentions `under`, with their parents.
struct ServiceProcess
{
    qint64 pid = 0;
    qint64 parentPid = 0;
};

std::vector<ServiceProcess> m2mServicesUnder(const QString &under)
{
    std::vector<ServiceProcess> found;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (!cmdline.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> parts = cmdline.read(64 * 1024).split('\0');
        if (parts.isEmpty() || QFileInfo(QString::fromLocal8Bit(parts.first())).fileName() !=
                                   QLatin1String("iot-m2m-service"))
            continue;
        bool mentions = false;
        for (const QByteArray &part : parts)
            mentions = mentions || QString::fromLocal8Bit(part).startsWith(under);
        if (!mentions)
            continue;
        // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so skip past ')'.
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.read(4096);
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        found.push_back({pid, fields.value(1).toLongLong()});
    }
    return found;
}

} // namespace

class TestScaleOut : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();
    void oneSqlitePortaldPlacesAllOnOneInstance();
    void twoPortaldsOnPostgresPlaceAllOnOneInstance();

private:
    enum class Database { Sqlite, Postgres };

    QString file(const QString &name) const { return m_dir.filePath(name); }
    void run(const QString &program, const QStringList &arguments);
    void writeUsim(const QString &path, int gateway);
    void startPostgres();
    void prepareStore(const QString &spec);
    void startPortald(const QString &caseDir, const QString &spec, int index);
    void startSims();
    void startGateways(const QString &caseDir);
    QString text(const QString &sql);
    int scalar(const QString &sql);
    void attachAllAndCheckPlacement(const QString &caseDir);
    void stopCase();

    QTemporaryDir m_dir;
    std::optional<Crypto::LabPkiPaths> m_pki;
    std::unique_ptr<Testing::DaemonProcess> m_bsf;
    quint16 m_bsfPort = 0;
    QString m_znUrl;

    // One case's processes and database.
    Database m_database = Database::Sqlite;
    QString m_sqlitePath;
    std::unique_ptr<QTemporaryDir> m_pgDir;
    bool m_pgStarted = false;
    std::vector<std::unique_ptr<Testing::DaemonProcess>> m_portalds;
    std::vector<quint16> m_nafPorts;
    std::vector<std::unique_ptr<Testing::DaemonProcess>> m_sims;
    std::vector<std::unique_ptr<Testing::DaemonProcess>> m_gateways;
};

void TestScaleOut::run(const QString &program, const QStringList &arguments)
{
    QByteArray output;
    const int code = Testing::runCommand(program, arguments, &output, 60000);
    QVERIFY2(code == 0, (program + QLatin1Char(' ') + arguments.join(QLatin1Char(' '))).toUtf8() +
                            ": " + output);
}

void TestScaleOut::writeUsim(const QString &path, int gateway)
{
    QFile usim(path);
    QVERIFY(usim.open(QIODevice::WriteOnly));
    QVERIFY(usim.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    usim.write(QJsonDocument(QJsonObject{{QStringLiteral("impi"), impi(gateway)},
                                         {QStringLiteral("k"), kK},
                                         {QStringLiteral("opc"), kOpc},
                                         {QStringLiteral("sqn"), 0}})
                   .toJson());
}

void TestScaleOut::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QElapsedTimer elapsed;
    elapsed.start();
    run(kPortald, {QStringLiteral("pki"), QStringLiteral("init"), QStringLiteral("--pki-dir"),
                   file(QStringLiteral("pki"))});
    auto pki = Crypto::LabPki::ensure(file(QStringLiteral("pki")).toStdString());
    QVERIFY(pki.ok() && !pki->created);
    m_pki = *pki;
    QByteArray authority;
    QCOMPARE(Testing::runCommand(kPortald,
                                 {QStringLiteral("pki"), QStringLiteral("authority-key"),
                                  QStringLiteral("--pki-dir"), file(QStringLiteral("pki"))},
                                 &authority, 30000, true),
             0);
    authority = authority.trimmed();

    // The operator's HSS and BSF serve both cases; every gateway has its own subscriber.
    const QString hss = file(QStringLiteral("hss.sqlite"));
    for (int gateway = 0; gateway < kGateways; ++gateway) {
        run(kBsf, {QStringLiteral("subscriber"), QStringLiteral("add"),
                   QStringLiteral("--database"), hss, QStringLiteral("--impi"), impi(gateway),
                   QStringLiteral("--k"), kK, QStringLiteral("--opc"), kOpc});
        writeUsim(file(QStringLiteral("usim-%1.json").arg(gatewayId(gateway))), gateway);
    }
    const auto path = [](const std::string &text) { return QString::fromStdString(text); };
    m_bsf = std::make_unique<Testing::DaemonProcess>(
        kBsf, QStringList{QStringLiteral("--database"), hss, QStringLiteral("--tls-cert"),
                          path(m_pki->bsf.certificatePath), QStringLiteral("--tls-key"),
                          path(m_pki->bsf.keyPath), QStringLiteral("--zn-client-ca"),
                          path(m_pki->operatorCa.certificatePath), QStringLiteral("--zn-port-file"),
                          file(QStringLiteral("zn.port"))});
    QVERIFY2(m_bsf->start(), m_bsf->output().constData());
    m_bsfPort = m_bsf->port();
    QFile znPort(file(QStringLiteral("zn.port")));
    QVERIFY(znPort.open(QIODevice::ReadOnly));
    m_znUrl = QStringLiteral("https://localhost:%1/zn")
                  .arg(QString::fromLatin1(znPort.readAll().trimmed()));

    // 100 provisioned devices (keys made on the device), reused by both cases.
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("sims")));
    for (int device = 0; device < kDevices; ++device)
        run(kSim, {QStringLiteral("init"), QStringLiteral("--state"),
                   file(QStringLiteral("sims/%1.state").arg(deviceId(device))),
                   QStringLiteral("--device-id"), deviceId(device), QStringLiteral("--vendor"),
                   QStringLiteral("acme"), QStringLiteral("--type"), QStringLiteral("meter"),
                   QStringLiteral("--subscriber"), QStringLiteral("lab"),
                   QStringLiteral("--authority-key"), QString::fromLatin1(authority)});
    qInfo("lab prepared (PKI, %d subscribers, %d devices provisioned) in %lld ms", kGateways,
          kDevices, elapsed.elapsed());
}

void TestScaleOut::cleanup()
{
    stopCase();
}

void TestScaleOut::cleanupTestCase()
{
    if (m_bsf)
        QVERIFY2(m_bsf->stop(), m_bsf->output().right(3000).constData());
}

void TestScaleOut::startPostgres()
{
    m_pgDir = std::make_unique<QTemporaryDir>(QStringLiteral("/tmp/portal-pg-XXXXXX"));
    QVERIFY(m_pgDir->isValid());
    QByteArray output;
    if (::geteuid() == 0)
        QCOMPARE(Testing::runCommand(QStringLiteral("chown"),
                                     {QStringLiteral("postgres:"), m_pgDir->path()}),
                 0);
    const QString data = m_pgDir->filePath(QStringLiteral("data"));
    QVERIFY2(runAsPostgres(kPgBin + QStringLiteral("/initdb"),
                           {QStringLiteral("-D"), data, QStringLiteral("-A"),
                            QStringLiteral("trust"), QStringLiteral("-U"),
                            QStringLiteral("postgres"), QStringLiteral("--no-sync")},
                           &output) == 0,
             output.constData());
    // Only a Unix socket in the temporary directory: no TCP port to collide with.
    QVERIFY2(runAsPostgres(
                 kPgBin + QStringLiteral("/pg_ctl"),
                 {QStringLiteral("-D"), data, QStringLiteral("-l"),
                  m_pgDir->filePath(QStringLiteral("server.log")), QStringLiteral("-o"),
                  QStringLiteral("-k %1 -c listen_addresses= -c fsync=off").arg(m_pgDir->path()),
                  QStringLiteral("-w"), QStringLiteral("start")},
                 &output) == 0,
             output.constData());
    m_pgStarted = true;
}

void TestScaleOut::prepareStore(const QString &spec)
{
    const QStringList db{QStringLiteral("--database"), spec};
    run(kPortald, QStringList{QStringLiteral("template"), QStringLiteral("add"),
                              QStringLiteral("--name"), QStringLiteral("local-m2m")} +
                      db);
    run(kPortald,
        QStringList{QStringLiteral("class"), QStringLiteral("add"), QStringLiteral("--name"),
                    kClass, QStringLiteral("--template"), QStringLiteral("local-m2m"),
                    QStringLiteral("--vendor"), QStringLiteral("acme"), QStringLiteral("--type"),
                    QStringLiteral("meter"), QStringLiteral("--sharing"), QStringLiteral("shared"),
                    QStringLiteral("--capacity"), QString::number(kCapacity),
                    QStringLiteral("--enrolment"), QStringLiteral("open")} +
            db);
}

void TestScaleOut::startPortald(const QString &caseDir, const QString &spec, int index)
{
    const QString nafPortFile = caseDir + QStringLiteral("/naf-%1.port").arg(index);
    auto portald = std::make_unique<Testing::DaemonProcess>(
        kPortald, QStringList{QStringLiteral("serve"), QStringLiteral("--database"), spec,
                              QStringLiteral("--pki-dir"), file(QStringLiteral("pki")),
                              QStringLiteral("--instances-dir"),
                              caseDir + QStringLiteral("/instances-%1").arg(index),
                              QStringLiteral("--m2m-service-path"), kM2mService,
                              QStringLiteral("--bsf-zn-url"), m_znUrl,
                              QStringLiteral("--naf-port-file"), nafPortFile});
    QVERIFY2(portald->start(), portald->output().constData());
    QFile nafPort(nafPortFile);
    QVERIFY(nafPort.open(QIODevice::ReadOnly));
    const quint16 port = quint16(nafPort.readAll().trimmed().toUInt());
    QVERIFY(port != 0);
    m_nafPorts.push_back(port);
    m_portalds.push_back(std::move(portald));
}

void TestScaleOut::startSims()
{
    for (int device = 0; device < kDevices; ++device) {
        auto sim = std::make_unique<Testing::DaemonProcess>(
            kSim,
            QStringList{QStringLiteral("serve"), QStringLiteral("--state"),
                        file(QStringLiteral("sims/%1.state").arg(deviceId(device))),
                        QStringLiteral("--interval-ms"), QString::number(kReportingIntervalMs)});
        QVERIFY2(sim->start(), sim->output().constData());
        m_sims.push_back(std::move(sim));
    }
}

void TestScaleOut::startGateways(const QString &caseDir)
{
    // All gateways start back to back: their bootstraps, enrolments and attaches overlap.
    for (int gateway = 0; gateway < kGateways; ++gateway) {
        QStringList links;
        for (int slot = 0; slot < kDevicesPerGateway; ++slot)
            links << QStringLiteral("tcp:127.0.0.1:%1")
                         .arg(m_sims.at(size_t(gateway * kDevicesPerGateway + slot))->port());
        const quint16 nafPort = m_nafPorts.at(size_t(gateway) % m_nafPorts.size());
        auto process = std::make_unique<Testing::DaemonProcess>(
            kGateway,
            QStringList{
                QStringLiteral("--gateway-id"), gatewayId(gateway), QStringLiteral("--usim"),
                file(QStringLiteral("usim-%1.json").arg(gatewayId(gateway))),
                QStringLiteral("--state-dir"), caseDir + QLatin1Char('/') + gatewayId(gateway),
                QStringLiteral("--bsf-url"), QStringLiteral("https://localhost:%1/").arg(m_bsfPort),
                QStringLiteral("--naf-url"),
                QStringLiteral("https://localhost:%1/naf/v1/enrol").arg(nafPort),
                QStringLiteral("--operator-ca"),
                QString::fromStdString(m_pki->operatorCa.certificatePath),
                QStringLiteral("--heartbeat-interval"), QStringLiteral("5"),
                QStringLiteral("--device"), links.join(QLatin1Char(','))});
        QVERIFY2(process->startWithoutPort(), process->output().constData());
        m_gateways.push_back(std::move(process));
    }
}

QString TestScaleOut::text(const QString &sql)
{
    QByteArray output;
    int code = -1;
    if (m_database == Database::Sqlite)
        code = Testing::runCommand(QStringLiteral("sqlite3"),
                                   {QStringLiteral("-readonly"), QStringLiteral("-cmd"),
                                    QStringLiteral(".timeout 5000"), m_sqlitePath, sql},
                                   &output, 30000, true);
    else
        code = Testing::runCommand(QStringLiteral("psql"),
                                   {QStringLiteral("-h"), m_pgDir->path(), QStringLiteral("-U"),
                                    QStringLiteral("postgres"), QStringLiteral("-d"),
                                    QStringLiteral("postgres"), QStringLiteral("-Atc"), sql},
                                   &output, 30000, true);
    return code == 0 ? QString::fromUtf8(output.trimmed()) : QStringLiteral("<query failed>");
}

int TestScaleOut::scalar(const QString &sql)
{
    bool ok = false;
    const int value = text(sql).toInt(&ok);
    return ok ? value : -1;
}

void TestScaleOut::attachAllAndCheckPlacement(const QString &caseDir)
{
    QElapsedTimer elapsed;
    elapsed.start();
    startSims();
    if (QTest::currentTestFailed())
        return;
    const qint64 simsMs = elapsed.elapsed();
    startGateways(caseDir);
    if (QTest::currentTestFailed())
        return;

    const QString readySql =
        QStringLiteral("SELECT COUNT(*) FROM devices WHERE class_name = '%1' AND state = 'ready'")
            .arg(kClass);
    int ready = 0;
    const bool allReady = QTest::qWaitFor(
        [&] {
            ready = scalar(readySql);
            return ready == kDevices;
        },
        kAllReadyTimeoutMs);
    QByteArray diagnostics =
        QByteArray::number(ready) + " of " + QByteArray::number(kDevices) + " devices ready\n";
    if (!allReady) {
        for (auto &portald : m_portalds)
            diagnostics += "--- portald\n" + portald->output().right(3000);
        diagnostics += "--- gateway 0\n" + m_gateways.front()->output().right(3000);
    }
    QVERIFY2(allReady, diagnostics.constData());
    qInfo("%d sims started in %lld ms; all %d devices of %d gateways ready %lld ms after the "
          "gateways started",
          kDevices, simsMs, kDevices, kGateways, elapsed.elapsed() - simsMs);

    // Exactly one instance for the class, and every device on it.
    QCOMPARE(
        scalar(
            QStringLiteral("SELECT COUNT(*) FROM instances WHERE class_name = '%1'").arg(kClass)),
        1);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM instances WHERE class_name = '%1' AND "
                                   "state = 'ready'")
                        .arg(kClass)),
             1);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(DISTINCT instance_id) FROM devices WHERE "
                                   "class_name = '%1'")
                        .arg(kClass)),
             1);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM devices d JOIN instances i ON i.id = "
                                   "d.instance_id WHERE d.class_name = '%1'")
                        .arg(kClass)),
             kDevices);
    // Each gateway attached its own five.
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM (SELECT gateway_id FROM devices WHERE "
                                   "class_name = '%1' GROUP BY gateway_id HAVING COUNT(*) = %2) "
                                   "per_gateway")
                        .arg(kClass)
                        .arg(kDevicesPerGateway)),
             kGateways);
    QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = "
                                   "'instance.requested'")),
             1);

    // One iot-m2m-service process for the class, a child of one of this case's portalds.
    const std::vector<ServiceProcess> services = m2mServicesUnder(caseDir);
    QCOMPARE(services.size(), size_t(1));
    bool parentIsPortald = false;
    for (auto &portald : m_portalds)
        parentIsPortald =
            parentIsPortald || portald->process().processId() == services[0].parentPid;
    QVERIFY2(parentIsPortald, QByteArray::number(services[0].parentPid).constData());

    // The gateways' side: each learns that one instance for each of its devices when it next
    // polls the device or heartbeats.
    const QString url =
        text(QStringLiteral("SELECT url FROM instances WHERE class_name = '%1'").arg(kClass));
    QVERIFY2(url.startsWith(QLatin1String("https://127.0.0.1:")), qPrintable(url));
    for (int gateway = 0; gateway < kGateways; ++gateway) {
        Testing::DaemonProcess &process = *m_gateways.at(size_t(gateway));
        for (int slot = 0; slot < kDevicesPerGateway; ++slot) {
            const QByteArray line = "device \"" +
                                    deviceId(gateway * kDevicesPerGateway + slot).toLatin1() +
                                    "\" served by \"" + url.toLatin1() + "\"";
            QVERIFY2(QTest::qWaitFor([&] { return process.output().contains(line); }, 30000),
                     (line + "\n" + process.output().right(2000)).constData());
        }
    }
    // No attach met a store failure (answered 500) on the way.
    for (auto &portald : m_portalds)
        QVERIFY2(!portald->output().contains("store error:"),
                 portald->output().right(3000).constData());
}

void TestScaleOut::stopCase()
{
    QStringList unclean;
    // Gateways first (they hold the links and talk to the portal), then devices, then portalds
    // (which stop their instance children), then the database.
    for (auto &gateway : m_gateways) {
        if (!gateway->stop(15000))
            unclean << QStringLiteral("gateway: ") +
                           QString::fromUtf8(gateway->output().right(800));
    }
    for (auto &sim : m_sims) {
        if (!sim->stop())
            unclean << QStringLiteral("sim: ") + QString::fromUtf8(sim->output().right(800));
    }
    for (auto &portald : m_portalds) {
        if (!portald->stop(20000))
            unclean << QStringLiteral("portald: ") +
                           QString::fromUtf8(portald->output().right(2000));
    }
    m_gateways.clear();
    m_sims.clear();
    m_portalds.clear();
    m_nafPorts.clear();
    if (m_pgStarted) {
        QByteArray output;
        if (runAsPostgres(kPgBin + QStringLiteral("/pg_ctl"),
                          {QStringLiteral("-D"), m_pgDir->filePath(QStringLiteral("data")),
                           QStringLiteral("-m"), QStringLiteral("fast"), QStringLiteral("-w"),
                           QStringLiteral("stop")},
                          &output) != 0)
            unclean << QStringLiteral("pg_ctl stop: ") + QString::fromUtf8(output);
        m_pgStarted = false;
    }
    m_pgDir.reset();
    QVERIFY2(unclean.isEmpty(), qPrintable(unclean.join(QLatin1Char('\n'))));
}

void TestScaleOut::oneSqlitePortaldPlacesAllOnOneInstance()
{
    QElapsedTimer elapsed;
    elapsed.start();
    const QString caseDir = file(QStringLiteral("sqlite"));
    QVERIFY(QDir().mkpath(caseDir));
    m_database = Database::Sqlite;
    m_sqlitePath = caseDir + QStringLiteral("/portal.sqlite");
    prepareStore(m_sqlitePath);
    if (QTest::currentTestFailed())
        return;
    startPortald(caseDir, m_sqlitePath, 0);
    if (QTest::currentTestFailed())
        return;
    attachAllAndCheckPlacement(caseDir);
    if (QTest::currentTestFailed())
        return;
    stopCase();
    qInfo("SQLite case, one portald: %lld ms in all", elapsed.elapsed());
}

void TestScaleOut::twoPortaldsOnPostgresPlaceAllOnOneInstance()
{
    if (!QFileInfo(kPgBin + QStringLiteral("/initdb")).isExecutable())
        QSKIP("PostgreSQL 15 server binaries (/usr/lib/postgresql/15/bin/initdb) are not "
              "installed; scripts/install-deps installs them");
    QElapsedTimer elapsed;
    elapsed.start();
    const QString caseDir = file(QStringLiteral("postgres"));
    QVERIFY(QDir().mkpath(caseDir));
    m_database = Database::Postgres;
    startPostgres();
    if (QTest::currentTestFailed())
        return;
    const QString spec =
        QStringLiteral("postgresql://postgres@localhost/postgres?host=") + m_pgDir->path();
    prepareStore(spec);
    if (QTest::currentTestFailed())
        return;
    // Started one after the other: both load the same device-credential key from the PKI dir.
    startPortald(caseDir, spec, 0);
    startPortald(caseDir, spec, 1);
    if (QTest::currentTestFailed())
        return;
    attachAllAndCheckPlacement(caseDir);
    if (QTest::currentTestFailed())
        return;

    // The gateways really were spread: each NAF enrolled its half (and told them its portald).
    for (int gateway = 0; gateway < kGateways; ++gateway) {
        const QByteArray line = "enrolled gateway \"" + gatewayId(gateway).toLatin1() + "\"";
        QVERIFY2(m_portalds.at(size_t(gateway % 2))->output().contains(line), line.constData());
        QVERIFY2(!m_portalds.at(size_t(1 - gateway % 2))->output().contains(line),
                 line.constData());
    }
    // One leader supervised the instance.
    int leaders = 0;
    for (auto &portald : m_portalds)
        leaders += portald->output().contains("took the leader lease") ? 1 : 0;
    QCOMPARE(leaders, 1);
    stopCase();
    qInfo("PostgreSQL case, two portalds: %lld ms in all", elapsed.elapsed());
}

QTEST_GUILESS_MAIN(TestScaleOut)
#include "tst_scaleout.moc"
