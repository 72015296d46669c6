// The sequence's latencies on real processes (issue: the whole secure sequence):
//  1. bootstrap (Ub, 2 round trips + Milenage) + NAF enrolment (Ua Digest, Zn, certificate),
//     against one HTTPS round trip to the same BSF as the baseline;
//  2. attach → first verified reading stored: from the gateway seeing the device prove its key
//     to the reading being retrievable from the device's M2M service (shared instance running),
//     against the device's own reporting interval as the baseline.
// Prints medians of >= 20 runs.

#include "tests/support/daemonprocess.h"
#include "tests/support/testfiles.h"

#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/gba/enrolmentclient.h>
#include <portal-core/gba/gbaclient.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <vector>

using namespace Portal;

namespace {

constexpr int kRuns = 20;
constexpr int kReadingIntervalMs = 100;
const QString kK = QStringLiteral("465b5ce8b199b49faa5f0a2ee238a6bc");
const QString kOpc = QStringLiteral("cd63cb71954a9f4e48a5994e37a02baf");

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

bool run(const QString &program, const QStringList &arguments, QByteArray *output = nullptr)
{
    QByteArray text;
    const int code = Testing::runCommand(program, arguments, &text, 30000, output != nullptr);
    if (output)
        *output = text.trimmed();
    if (code != 0)
        std::fprintf(stderr, "bench: %s failed: %s\n", qPrintable(program), text.constData());
    return code == 0;
}

class Lab
{
public:
    bool start();
    QString file(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    std::optional<Crypto::LabPkiPaths> m_pki;
    QByteArray authorityKey; // base64 of the device-authority point, for provisioning
    std::unique_ptr<Testing::DaemonProcess> m_bsf;
    std::unique_ptr<Testing::DaemonProcess> m_portald;
    quint16 m_nafPort = 0;
    QList<QSslCertificate> m_operatorCa;
    QSslConfiguration m_adminTls;
};

bool Lab::start()
{
    const QString portald = QStringLiteral(IOT_PORTALD_PATH);
    const QString bsf = QStringLiteral(IOT_BSF_PATH);
    if (!run(portald, {QStringLiteral("pki"), QStringLiteral("init"), QStringLiteral("--pki-dir"),
                       file(QStringLiteral("pki"))}))
        return false;
    auto pki = Crypto::LabPki::ensure(file(QStringLiteral("pki")).toStdString());
    if (!pki)
        return false;
    m_pki = *pki;
    if (!run(portald,
             {QStringLiteral("pki"), QStringLiteral("authority-key"), QStringLiteral("--pki-dir"),
              file(QStringLiteral("pki"))},
             &authorityKey))
        return false;
    const auto path = [](const std::string &text) { return QString::fromStdString(text); };
    m_operatorCa =
        QSslCertificate::fromData(Testing::readFile(path(m_pki->operatorCa.certificatePath)));
    m_adminTls = QSslConfiguration::defaultConfiguration();
    m_adminTls.setCaCertificates(
        QSslCertificate::fromData(Testing::readFile(path(m_pki->portalCa.certificatePath))));
    m_adminTls.setLocalCertificate(
        QSslCertificate(Testing::readFile(path(m_pki->portalAdmin.certificatePath))));
    m_adminTls.setPrivateKey(
        QSslKey(Testing::readFile(path(m_pki->portalAdmin.keyPath)), QSsl::Ec));

    const QString hss = file(QStringLiteral("hss.sqlite"));
    for (int i = 0; i <= kRuns; ++i) {
        if (!run(bsf,
                 {QStringLiteral("subscriber"), QStringLiteral("add"), QStringLiteral("--database"),
                  hss, QStringLiteral("--impi"), QStringLiteral("bench-%1@lab").arg(i),
                  QStringLiteral("--k"), kK, QStringLiteral("--opc"), kOpc}))
            return false;
    }
    const QStringList db{QStringLiteral("--database"), file(QStringLiteral("portal.sqlite"))};
    if (!run(portald, QStringList{QStringLiteral("template"), QStringLiteral("add"),
                                  QStringLiteral("--name"), QStringLiteral("local")} +
                          db) ||
        !run(portald, QStringList{QStringLiteral("class"), QStringLiteral("add"),
                                  QStringLiteral("--name"), QStringLiteral("sensors"),
                                  QStringLiteral("--template"), QStringLiteral("local"),
                                  QStringLiteral("--sharing"), QStringLiteral("shared"),
                                  QStringLiteral("--enrolment"), QStringLiteral("open")} +
                          db))
        return false;

    m_bsf = std::make_unique<Testing::DaemonProcess>(
        bsf, QStringList{QStringLiteral("--database"), hss, QStringLiteral("--tls-cert"),
                         path(m_pki->bsf.certificatePath), QStringLiteral("--tls-key"),
                         path(m_pki->bsf.keyPath), QStringLiteral("--zn-client-ca"),
                         path(m_pki->operatorCa.certificatePath), QStringLiteral("--zn-port-file"),
                         file(QStringLiteral("zn.port"))});
    if (!m_bsf->start())
        return false;
    m_portald = std::make_unique<Testing::DaemonProcess>(
        portald,
        QStringList{QStringLiteral("serve"), QStringLiteral("--pki-dir"),
                    file(QStringLiteral("pki")), QStringLiteral("--instances-dir"),
                    file(QStringLiteral("instances")), QStringLiteral("--m2m-service-path"),
                    QStringLiteral(IOT_M2M_SERVICE_PATH), QStringLiteral("--bsf-zn-url"),
                    QStringLiteral("https://localhost:%1/zn")
                        .arg(QString::fromLatin1(
                            Testing::readFile(file(QStringLiteral("zn.port"))).trimmed())),
                    QStringLiteral("--naf-port-file"), file(QStringLiteral("naf.port"))} +
            db);
    if (!m_portald->start())
        return false;
    m_nafPort = quint16(Testing::readFile(file(QStringLiteral("naf.port"))).trimmed().toUInt());
    return m_nafPort != 0;
}

// 1. Bootstrap + NAF enrolment with the gateway's own client classes.
bool benchBootstrap(Lab &lab, std::vector<double> &bootstrapMs, std::vector<double> &baselineMs)
{
    QNetworkAccessManager network;
    auto key = Crypto::PrivateKey::generateP256();
    if (!key)
        return false;
    auto csr = Crypto::createCsr(*key, "bench-gw");
    if (!csr)
        return false;
    for (int i = 0; i < kRuns; ++i) {
        // Baseline: one HTTPS request to the same BSF (TLS handshake + round trip).
        QElapsedTimer baseline;
        baseline.start();
        QNetworkRequest request(
            QUrl(QStringLiteral("https://localhost:%1/").arg(lab.m_bsf->port())));
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(lab.m_operatorCa);
        request.setSslConfiguration(tls);
        QNetworkAccessManager fresh; // no connection reuse: a fair baseline for the handshakes
        QNetworkReply *reply = fresh.get(request);
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000))
            return false;
        baselineMs.push_back(baseline.nsecsElapsed() / 1e6);
        delete reply;

        // The USIM file exactly as the gateway keeps it (0600 JSON).
        QFile file(lab.file(QStringLiteral("usim-%1.json").arg(i)));
        if (!file.open(QIODevice::WriteOnly) ||
            !file.setPermissions(QFile::ReadOwner | QFile::WriteOwner))
            return false;
        file.write(QJsonDocument(
                       QJsonObject{{QStringLiteral("impi"), QStringLiteral("bench-%1@lab").arg(i)},
                                   {QStringLiteral("k"), kK},
                                   {QStringLiteral("opc"), kOpc},
                                   {QStringLiteral("sqn"), 0}})
                       .toJson());
        file.close();
        auto loaded = Gba::SoftUsim::load(lab.file(QStringLiteral("usim-%1.json").arg(i)));
        if (!loaded)
            return false;

        QElapsedTimer timer;
        timer.start();
        Gba::GbaClientConfig config;
        config.bsfUrl = QUrl(QStringLiteral("https://localhost:%1/").arg(lab.m_bsf->port()));
        config.trustedCas = lab.m_operatorCa;
        Gba::GbaClient client(config, *loaded);
        std::optional<Result<Gba::GbaBootstrap>> bootstrapped;
        client.bootstrap(
            [&](Result<Gba::GbaBootstrap> result) { bootstrapped = std::move(result); });
        if (!QTest::qWaitFor([&] { return bootstrapped.has_value(); }, 15000) ||
            !bootstrapped->ok())
            return false;
        Gba::EnrolmentRequest enrolment;
        enrolment.nafUrl =
            QUrl(QStringLiteral("https://localhost:%1/naf/v1/enrol").arg(lab.m_nafPort));
        enrolment.nafFqdn = QStringLiteral("naf.lab.example");
        enrolment.trustedCas = lab.m_operatorCa;
        enrolment.gatewayId = QStringLiteral("bench-gw-%1").arg(i);
        auto gatewayCsr = Crypto::createCsr(*key, enrolment.gatewayId.toStdString());
        if (!gatewayCsr)
            return false;
        enrolment.csrPem = QByteArray::fromStdString(*gatewayCsr);
        Gba::EnrolmentClient enrol;
        std::optional<Result<Gba::Enrolment>> enrolled;
        enrol.enrol(enrolment, bootstrapped->value(),
                    [&](Result<Gba::Enrolment> result) { enrolled = std::move(result); });
        if (!QTest::qWaitFor([&] { return enrolled.has_value(); }, 15000) || !enrolled->ok())
            return false;
        bootstrapMs.push_back(timer.nsecsElapsed() / 1e6);
    }
    return true;
}

// 2. Attach -> first verified reading, one fresh device and gateway per run.
bool benchAttach(Lab &lab, std::vector<double> &attachMs)
{
    const QString sim = QStringLiteral(SENSOR_NODE_SIM_PATH);
    QNetworkAccessManager network;
    for (int i = 0; i < kRuns; ++i) {
        const QString id = QStringLiteral("bbbb0000000000%1").arg(i, 2, 16, QLatin1Char('0'));
        const QString state = lab.file(QStringLiteral("device-%1.state").arg(i));
        QByteArray ignored;
        if (!run(sim,
                 {QStringLiteral("init"), QStringLiteral("--state"), state,
                  QStringLiteral("--device-id"), id, QStringLiteral("--vendor"),
                  QStringLiteral("acme"), QStringLiteral("--type"), QStringLiteral("bench"),
                  QStringLiteral("--subscriber"), QStringLiteral("lab"),
                  QStringLiteral("--authority-key"), QString::fromLatin1(lab.authorityKey)},
                 &ignored))
            return false;
        Testing::DaemonProcess device(sim, {QStringLiteral("serve"), QStringLiteral("--state"),
                                            state, QStringLiteral("--interval-ms"),
                                            QString::number(kReadingIntervalMs)});
        if (!device.start())
            return false;
        const QString usim = lab.file(QStringLiteral("usim-%1.json").arg(i));
        Testing::DaemonProcess gateway(
            QStringLiteral(IOT_GATEWAY_PATH),
            {QStringLiteral("--gateway-id"), QStringLiteral("bench-gw-%1").arg(i),
             QStringLiteral("--usim"), usim, QStringLiteral("--state-dir"),
             lab.file(QStringLiteral("gw-%1").arg(i)), QStringLiteral("--bsf-url"),
             QStringLiteral("https://localhost:%1/").arg(lab.m_bsf->port()),
             QStringLiteral("--naf-url"),
             QStringLiteral("https://localhost:%1/naf/v1/enrol").arg(lab.m_nafPort),
             QStringLiteral("--operator-ca"),
             QString::fromStdString(lab.m_pki->operatorCa.certificatePath),
             QStringLiteral("--device"), QStringLiteral("tcp:127.0.0.1:%1").arg(device.port())});
        gateway.process().setProcessEnvironment([] {
            QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            environment.insert(QStringLiteral("QT_MESSAGE_PATTERN"),
                               QStringLiteral("%{time yyyy-MM-ddTHH:mm:ss.zzz} %{message}"));
            return environment;
        }());
        if (!gateway.startWithoutPort())
            return false;

        // The instance URL comes from the portal store once the device is ready.
        QString url;
        QDateTime storedAt;
        const bool stored = QTest::qWaitFor(
            [&] {
                if (url.isEmpty()) {
                    QByteArray text;
                    Testing::runCommand(
                        QStringLiteral("sqlite3"),
                        {lab.file(QStringLiteral("portal.sqlite")),
                         QStringLiteral("SELECT i.url FROM devices d JOIN instances i ON "
                                        "i.id = d.instance_id WHERE d.id = '%1' AND "
                                        "d.state = 'ready'")
                             .arg(id)},
                        &text, 5000, true);
                    url = QString::fromLatin1(text.trimmed());
                    if (url.isEmpty())
                        return false;
                }
                QNetworkRequest request(QUrl(url + QStringLiteral("/m2m/%1/data/la").arg(id)));
                request.setSslConfiguration(lab.m_adminTls);
                request.setRawHeader("X-M2M-Origin", "Cportal-admin");
                request.setRawHeader("X-M2M-RI", "bench");
                QNetworkReply *reply = network.get(request);
                const bool answered =
                    QTest::qWaitFor([reply] { return reply->isFinished(); }, 5000);
                const bool found =
                    answered &&
                    reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 200;
                delete reply;
                if (found)
                    storedAt = QDateTime::currentDateTimeUtc();
                return found;
            },
            30000);
        const QByteArray log = gateway.output() + gateway.process().readAll();
        const QRegularExpressionMatch proved =
            QRegularExpression(QStringLiteral("^(\\S+) device \"%1\" proved its key").arg(id),
                               QRegularExpression::MultilineOption)
                .match(QString::fromUtf8(log));
        gateway.stop();
        device.stop();
        if (!stored || !proved.hasMatch()) {
            std::fprintf(stderr, "bench: device %s: no reading stored\n%s\n", qPrintable(id),
                         log.right(2000).constData());
            return false;
        }
        QDateTime attachedAt = QDateTime::fromString(proved.captured(1), Qt::ISODateWithMs);
        attachedAt.setTimeSpec(Qt::LocalTime);
        attachMs.push_back(double(attachedAt.toUTC().msecsTo(storedAt)));
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    Lab lab;
    if (!lab.start()) {
        std::fprintf(stderr, "bench: the lab did not start\n%s\n%s\n",
                     lab.m_bsf ? lab.m_bsf->output().constData() : "",
                     lab.m_portald ? lab.m_portald->output().constData() : "");
        return 1;
    }
    std::vector<double> bootstrapMs, baselineMs, attachMs;
    const bool ok = benchBootstrap(lab, bootstrapMs, baselineMs) && benchAttach(lab, attachMs);
    lab.m_portald->stop(20000);
    lab.m_bsf->stop();
    if (!ok)
        return 1;
    std::printf("\n%-52s %10s %10s %8s\n", "measure (median of 20 runs)", "ms", "baseline",
                "ratio");
    std::printf("%-52s %10.1f %10.1f %8.1f\n", "bootstrap (Ub) + NAF enrolment (Ua, Zn, cert)",
                median(bootstrapMs), median(baselineMs), median(bootstrapMs) / median(baselineMs));
    std::printf("  baseline: one HTTPS request to the BSF, new connection\n");
    std::printf("%-52s %10.1f %10d %8.1f\n", "attach proof -> first verified reading stored",
                median(attachMs), kReadingIntervalMs, median(attachMs) / kReadingIntervalMs);
    std::printf("  baseline: the device's reporting interval; includes portal attach, key push,\n"
                "  the first reading's signing, queueing, forwarding and verification\n");
    return 0;
}
