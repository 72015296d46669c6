// Ub across real processes: iot-bsf on 127.0.0.1 (port 0, reported through --port-file), its
// HSS filled through its own CLI; the gateway's GbaClient with a soft USIM; and an
// independent UE built from osmo-auc-gen (RES, AUTN) and a hand-written Digest computation,
// so a bug shared by our BSF and our client cannot pass unnoticed.

#include "tests/support/daemonprocess.h"
#include "tests/support/testfiles.h"

#include <portal-core/crypto/labpki.h>
#include <portal-core/gba/bootstrappinginfo.h>
#include <portal-core/gba/gbaclient.h>

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace Portal;

namespace {

const QString kBsf = QStringLiteral(IOT_BSF_PATH);
const QString kImpi = QStringLiteral("001010000000001@ims.mnc001.mcc001.3gppnetwork.org");
const QByteArray kKHex = "465b5ce8b199b49faa5f0a2ee238a6bc";
const QByteArray kOpcHex = "cd63cb71954a9f4e48a5994e37a02baf";

struct HttpResult
{
    int status = 0;
    QByteArray wwwAuthenticate;
    QByteArray body;
};

HttpResult get(QNetworkAccessManager &network, const QUrl &url, const QByteArray &authorization)
{
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", authorization);
    request.setAttribute(QNetworkRequest::AuthenticationReuseAttribute, QNetworkRequest::Manual);
    QNetworkReply *reply = network.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(10000);
    HttpResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.wwwAuthenticate = reply->rawHeader("WWW-Authenticate");
    result.body = reply->readAll();
    reply->deleteLater();
    return result;
}

QByteArray md5Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Md5).toHex();
}

} // namespace

class TestGbaBootstrap : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void gatewayClientBootstraps();
    void independentUeBootstraps();
    void wrongKeyFailsClearly();
    void sqnOutOfSyncIsResynchronised();
    void unknownSubscriberIsRefused();
    void bsfDownIsANetworkError();
    void tlsUbAndZnWithNafCertificate();
    void cliRefusesBadInput_data();
    void cliRefusesBadInput();

private:
    void addSubscriber(const QStringList &extra = {});
    Result<Gba::GbaBootstrap> bootstrap(Gba::SoftUsim &usim, const QUrl &url);
    QUrl bsfUrl() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Testing::DaemonProcess> m_bsf;
};

void TestGbaBootstrap::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    addSubscriber();
    m_bsf = std::make_unique<Testing::DaemonProcess>(
        kBsf,
        QStringList{QStringLiteral("--database"), m_dir->filePath(QStringLiteral("hss.sqlite")),
                    QStringLiteral("--key-lifetime"), QStringLiteral("120")});
    QVERIFY2(m_bsf->start(), m_bsf->output().constData());
}

void TestGbaBootstrap::cleanup()
{
    if (m_bsf)
        QVERIFY2(m_bsf->stop(), m_bsf->output().constData());
    m_bsf.reset();
    m_dir.reset();
}

void TestGbaBootstrap::addSubscriber(const QStringList &extra)
{
    QByteArray output;
    const int code = Testing::runCommand(
        kBsf,
        QStringList{QStringLiteral("subscriber"), QStringLiteral("add"),
                    QStringLiteral("--database"), m_dir->filePath(QStringLiteral("hss.sqlite")),
                    QStringLiteral("--impi"), kImpi, QStringLiteral("--k"),
                    QString::fromLatin1(kKHex), QStringLiteral("--opc"),
                    QString::fromLatin1(kOpcHex)} +
            extra,
        &output);
    QVERIFY2(code == 0, output.constData());
}

QUrl TestGbaBootstrap::bsfUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_bsf->port()));
}

Result<Gba::GbaBootstrap> TestGbaBootstrap::bootstrap(Gba::SoftUsim &usim, const QUrl &url)
{
    Gba::GbaClientConfig config;
    config.bsfUrl = url;
    config.timeoutMs = 5000;
    Gba::GbaClient client(config, usim);
    std::optional<Result<Gba::GbaBootstrap>> outcome;
    client.bootstrap([&outcome](Result<Gba::GbaBootstrap> result) { outcome = std::move(result); });
    if (!QTest::qWaitFor([&outcome] { return outcome.has_value(); }, 15000))
        return makeError("test.timeout", "bootstrap did not finish");
    return std::move(*outcome);
}

void TestGbaBootstrap::gatewayClientBootstraps()
{
    const QString usimPath = m_dir->filePath(QStringLiteral("usim.json"));
    auto usim = Gba::SoftUsim::create(usimPath, kImpi, Testing::arrayFromHex<16>(kKHex),
                                      Testing::arrayFromHex<16>(kOpcHex), 0);
    QVERIFY(usim.ok());
    const QFile::Permissions permissions = QFile::permissions(usimPath);
    QVERIFY(permissions.testFlags(QFile::ReadOwner | QFile::WriteOwner));
    QCOMPARE(int(permissions & (QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                                QFile::ReadOther | QFile::WriteOther | QFile::ExeOther)),
             0);

    const QDateTime before = QDateTime::currentDateTimeUtc();
    auto result = bootstrap(*usim, bsfUrl());
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
    QVERIFY(result->btid.endsWith(QStringLiteral("@bsf.lab.example")));
    QCOMPARE(QByteArray::fromBase64(result->btid.section(QLatin1Char('@'), 0, 0).toLatin1()),
             QByteArray(reinterpret_cast<const char *>(result->rand.data()), 16));
    QVERIFY(result->lifetime >= before.addSecs(119) && result->lifetime <= before.addSecs(122));

    // The USIM persisted the SQN it accepted: a reload sees it.
    auto reloaded = Gba::SoftUsim::load(usimPath);
    QVERIFY(reloaded.ok());
    QCOMPARE(reloaded->sqnMs(), uint64_t(1));

    // A second bootstrap gets a new RAND and B-TID.
    auto again = bootstrap(*usim, bsfUrl());
    QVERIFY(again.ok());
    QVERIFY(again->btid != result->btid);
    QCOMPARE(usim->sqnMs(), uint64_t(2));
}

void TestGbaBootstrap::independentUeBootstraps()
{
    QNetworkAccessManager network;
    const QByteArray realmForFirst = "127.0.0.1";
    const HttpResult first = get(network, bsfUrl(),
                                 "Digest username=\"" + kImpi.toUtf8() + "\", realm=\"" +
                                     realmForFirst + "\", nonce=\"\", uri=\"/\", response=\"\"");
    QCOMPARE(first.status, 401);
    const auto field = [&](const char *name) {
        const QRegularExpression pattern(QString::fromLatin1(name) +
                                         QStringLiteral("=\"?([^\",]*)\"?"));
        return pattern.match(QString::fromLatin1(first.wwwAuthenticate)).captured(1).toLatin1();
    };
    QCOMPARE(field("algorithm"), QByteArray("AKAv1-MD5"));
    QCOMPARE(field("qop"), QByteArray("auth-int"));
    const QByteArray realm = field("realm");
    const QByteArray nonce = field("nonce");
    const QByteArray randAndAutn = QByteArray::fromBase64(nonce);
    QCOMPARE(randAndAutn.size(), 32);
    const QByteArray randHex = randAndAutn.left(16).toHex();

    // osmo-auc-gen: the same subscriber, SQN 1 (the HSS's first), AMF 8000.
    QByteArray osmo;
    QCOMPARE(
        Testing::runCommand(QStringLiteral("osmo-auc-gen"),
                            {QStringLiteral("-3"), QStringLiteral("-a"), QStringLiteral("milenage"),
                             QStringLiteral("-k"), QString::fromLatin1(kKHex), QStringLiteral("-o"),
                             QString::fromLatin1(kOpcHex), QStringLiteral("-r"),
                             QString::fromLatin1(randHex), QStringLiteral("-s"),
                             QStringLiteral("0x1"), QStringLiteral("-f"), QStringLiteral("8000")},
                            &osmo),
        0);
    const auto osmoField = [&osmo](const char *name) {
        const QRegularExpression pattern(QStringLiteral("^") + QString::fromLatin1(name) +
                                             QStringLiteral(":\\s*(\\S+)"),
                                         QRegularExpression::MultilineOption);
        return pattern.match(QString::fromLatin1(osmo)).captured(1).toLatin1();
    };
    QCOMPARE(randAndAutn.mid(16).toHex(), osmoField("AUTN"));
    const QByteArray res = QByteArray::fromHex(osmoField("RES"));
    QCOMPARE(res.size(), 8);

    // RFC 3310 + RFC 2617 auth-int by hand: password = the raw RES octets.
    const QByteArray cnonce = "6f8e1a2b";
    const QByteArray nc = "00000001";
    const QByteArray ha1 = md5Hex(kImpi.toUtf8() + ':' + realm + ':' + res);
    const QByteArray ha2 = md5Hex("GET:/:" + md5Hex(QByteArray()));
    const QByteArray response =
        md5Hex(ha1 + ':' + nonce + ':' + nc + ':' + cnonce + ":auth-int:" + ha2);
    const QByteArray authorization =
        "Digest username=\"" + kImpi.toUtf8() + "\", realm=\"" + realm + "\", nonce=\"" + nonce +
        "\", uri=\"/\", qop=auth-int, nc=" + nc + ", cnonce=\"" + cnonce + "\", response=\"" +
        response + "\", algorithm=AKAv1-MD5";
    const HttpResult second = get(network, bsfUrl(), authorization);
    QCOMPARE(second.status, 200);
    auto info = Gba::parseBootstrappingInfo(second.body);
    QVERIFY(info.ok());
    QCOMPARE(info->btid, QString::fromLatin1(randAndAutn.left(16).toBase64()) +
                             QStringLiteral("@bsf.lab.example"));

    // Replaying the accepted Authorization is refused: the nonce was single-use.
    QCOMPARE(get(network, bsfUrl(), authorization).status, 401);
    // And the hex of RES as the password (a common mistake) would not have been accepted.
    QVERIFY(md5Hex(kImpi.toUtf8() + ':' + realm + ':' + res.toHex()) != ha1);
}

void TestGbaBootstrap::wrongKeyFailsClearly()
{
    auto usim = Gba::SoftUsim::create(m_dir->filePath(QStringLiteral("wrong.json")), kImpi,
                                      Testing::arrayFromHex<16>("00112233445566778899aabbccddeeff"),
                                      Testing::arrayFromHex<16>(kOpcHex), 0);
    QVERIFY(usim.ok());
    auto result = bootstrap(*usim, bsfUrl());
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, std::string("gba.bsf_not_authentic"));
    QCOMPARE(usim->sqnMs(), uint64_t(0));
}

void TestGbaBootstrap::sqnOutOfSyncIsResynchronised()
{
    auto usim = Gba::SoftUsim::create(m_dir->filePath(QStringLiteral("ahead.json")), kImpi,
                                      Testing::arrayFromHex<16>(kKHex),
                                      Testing::arrayFromHex<16>(kOpcHex), 70000);
    QVERIFY(usim.ok());
    auto result = bootstrap(*usim, bsfUrl());
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
    QCOMPARE(usim->sqnMs(), uint64_t(70001));
}

void TestGbaBootstrap::unknownSubscriberIsRefused()
{
    auto usim = Gba::SoftUsim::create(
        m_dir->filePath(QStringLiteral("stranger.json")), QStringLiteral("stranger@lab"),
        Testing::arrayFromHex<16>(kKHex), Testing::arrayFromHex<16>(kOpcHex), 0);
    QVERIFY(usim.ok());
    auto result = bootstrap(*usim, bsfUrl());
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, std::string("gba.refused"));
    QVERIFY2(result.error().message.find("bsf.unknown_subscriber") != std::string::npos,
             result.error().message.c_str());

    // The refusal is a row of the HSS store's failed authentications, listed by the CLI.
    QByteArray output;
    const int code = Testing::runCommand(kBsf,
                                         {QStringLiteral("audit"), QStringLiteral("--database"),
                                          m_dir->filePath(QStringLiteral("hss.sqlite"))},
                                         &output);
    QVERIFY2(code == 0, output.constData());
    const QList<QByteArray> lines = output.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines[0], QByteArray("minute\tsource\timpi\treason\tcount\tlast"));
    const QList<QByteArray> fields = lines[1].split('\t');
    QCOMPARE(fields.size(), 6);
    QCOMPARE(fields[1], QByteArray("127.0.0.1"));
    QCOMPARE(fields[2], QByteArray("stranger@lab"));
    QCOMPARE(fields[3], QByteArray("bsf.unknown_subscriber"));
    QCOMPARE(fields[4], QByteArray("1"));
}

void TestGbaBootstrap::bsfDownIsANetworkError()
{
    const QUrl url = bsfUrl();
    QVERIFY(m_bsf->stop());
    m_bsf.reset();
    auto usim = Gba::SoftUsim::create(m_dir->filePath(QStringLiteral("down.json")), kImpi,
                                      Testing::arrayFromHex<16>(kKHex),
                                      Testing::arrayFromHex<16>(kOpcHex), 0);
    QVERIFY(usim.ok());
    auto result = bootstrap(*usim, url);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, std::string("gba.network"));
}

struct ZnReply
{
    int status = 0;
    QJsonObject body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
};

static ZnReply postZn(const QUrl &url, const QList<QSslCertificate> &cas,
                      const QString &certificatePath, const QString &keyPath, const QString &btid,
                      const QByteArray &nafId)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(cas);
    if (!certificatePath.isEmpty()) {
        QFile certificate(certificatePath);
        QFile key(keyPath);
        if (certificate.open(QIODevice::ReadOnly) && key.open(QIODevice::ReadOnly)) {
            tls.setLocalCertificate(QSslCertificate(certificate.readAll(), QSsl::Pem));
            tls.setPrivateKey(QSslKey(key.readAll(), QSsl::Ec, QSsl::Pem));
        }
    }
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setSslConfiguration(tls);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    const QJsonObject body{{QStringLiteral("btid"), btid},
                           {QStringLiteral("nafId"), QString::fromLatin1(nafId.toBase64())}};
    QNetworkReply *reply = network.post(request, QJsonDocument(body).toJson());
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(10000);
    ZnReply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = QJsonDocument::fromJson(reply->readAll()).object();
    result.error = reply->error();
    reply->deleteLater();
    return result;
}

void TestGbaBootstrap::tlsUbAndZnWithNafCertificate()
{
    auto pki = Crypto::LabPki::ensure(m_dir->filePath(QStringLiteral("pki")).toStdString());
    QVERIFY2(pki.ok(), pki.ok() ? "" : pki.error().message.c_str());
    const auto path = [](const std::string &text) { return QString::fromStdString(text); };
    Testing::DaemonProcess bsf(
        kBsf, {QStringLiteral("--database"), m_dir->filePath(QStringLiteral("hss.sqlite")),
               QStringLiteral("--tls-cert"), path(pki->bsf.certificatePath),
               QStringLiteral("--tls-key"), path(pki->bsf.keyPath),
               QStringLiteral("--zn-client-ca"), path(pki->operatorCa.certificatePath),
               QStringLiteral("--zn-port-file"), m_dir->filePath(QStringLiteral("zn-port"))});
    QVERIFY2(bsf.start(), bsf.output().constData());
    QFile znPortFile(m_dir->filePath(QStringLiteral("zn-port")));
    QVERIFY(znPortFile.open(QIODevice::ReadOnly));
    const QUrl znUrl(
        QStringLiteral("https://localhost:%1/zn").arg(znPortFile.readAll().trimmed().constData()));
    QFile caFile(path(pki->operatorCa.certificatePath));
    QVERIFY(caFile.open(QIODevice::ReadOnly));
    const QList<QSslCertificate> operatorCa = QSslCertificate::fromData(caFile.readAll());

    // Ub over HTTPS, the gateway trusting only the operator CA.
    auto usim = Gba::SoftUsim::create(m_dir->filePath(QStringLiteral("tls.json")), kImpi,
                                      Testing::arrayFromHex<16>(kKHex),
                                      Testing::arrayFromHex<16>(kOpcHex), 0);
    QVERIFY(usim.ok());
    Gba::GbaClientConfig config;
    config.bsfUrl = QUrl(QStringLiteral("https://localhost:%1/").arg(bsf.port()));
    config.trustedCas = operatorCa;
    Gba::GbaClient client(config, *usim);
    std::optional<Result<Gba::GbaBootstrap>> outcome;
    client.bootstrap([&outcome](Result<Gba::GbaBootstrap> result) { outcome = std::move(result); });
    QVERIFY(QTest::qWaitFor([&outcome] { return outcome.has_value(); }, 15000));
    QVERIFY2(outcome->ok(), outcome->ok() ? "" : outcome->error().message.c_str());
    const Gba::GbaBootstrap &bootstrapped = outcome->value();

    auto ueKsNaf = bootstrapped.ksNaf(QStringLiteral("naf.lab.example"), Crypto::kUaHttpDigest);
    QVERIFY(ueKsNaf.ok());
    auto nafId = Crypto::makeNafId("naf.lab.example", Crypto::kUaHttpDigest);
    QVERIFY(nafId.ok());
    const QByteArray nafIdBytes(reinterpret_cast<const char *>(nafId->data()),
                                qsizetype(nafId->size()));

    // The NAF with its Zn certificate gets the same Ks_NAF the UE derived.
    const ZnReply answered = postZn(znUrl, operatorCa, path(pki->nafZn.certificatePath),
                                    path(pki->nafZn.keyPath), bootstrapped.btid, nafIdBytes);
    QCOMPARE(answered.status, 200);
    QCOMPARE(
        QByteArray::fromBase64(answered.body.value(QStringLiteral("ksNaf")).toString().toLatin1()),
        QByteArray(reinterpret_cast<const char *>(ueKsNaf->data()), 32));
    QCOMPARE(answered.body.value(QStringLiteral("impi")).toString(), kImpi);

    // A NAF_Id for another FQDN than the certificate names is refused.
    auto otherNafId = Crypto::makeNafId("other.lab.example", Crypto::kUaHttpDigest);
    QVERIFY(otherNafId.ok());
    const ZnReply foreign = postZn(znUrl, operatorCa, path(pki->nafZn.certificatePath),
                                   path(pki->nafZn.keyPath), bootstrapped.btid,
                                   QByteArray(reinterpret_cast<const char *>(otherNafId->data()),
                                              qsizetype(otherNafId->size())));
    QCOMPARE(foreign.status, 403);

    // Unknown B-TID: a clear refusal.
    const ZnReply unknown =
        postZn(znUrl, operatorCa, path(pki->nafZn.certificatePath), path(pki->nafZn.keyPath),
               QStringLiteral("AAAA@bsf.lab.example"), nafIdBytes);
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")),
             QJsonValue(QStringLiteral("bsf.unknown_btid")));

    // No client certificate, or one from the portal CA: the TLS handshake itself fails.
    QVERIFY(postZn(znUrl, operatorCa, QString(), QString(), bootstrapped.btid, nafIdBytes).status ==
            0);
    QVERIFY(postZn(znUrl, operatorCa, path(pki->portalAdmin.certificatePath),
                   path(pki->portalAdmin.keyPath), bootstrapped.btid, nafIdBytes)
                .status == 0);
    QVERIFY2(bsf.stop(), bsf.output().constData());
}

void TestGbaBootstrap::cliRefusesBadInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("short k") << QStringList{QStringLiteral("--k"), QStringLiteral("abcd")} << 2
                             << QByteArray("--k must be 32 hex digits");
    QTest::newRow("duplicate") << QStringList{} << 1 << QByteArray("hss.exists");
    QTest::newRow("bad sqn") << QStringList{QStringLiteral("--sqn"), QStringLiteral("-1")} << 2
                             << QByteArray("--sqn must be an integer");
    QTest::newRow("bad port") << QStringList{QStringLiteral("serve-typo")} << 2
                              << QByteArray("unknown command");
}

void TestGbaBootstrap::cliRefusesBadInput()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, message);
    QStringList command;
    if (arguments.value(0) == QLatin1String("serve-typo"))
        command = arguments;
    else
        command =
            QStringList{QStringLiteral("subscriber"), QStringLiteral("add"),
                        QStringLiteral("--database"), m_dir->filePath(QStringLiteral("hss.sqlite")),
                        QStringLiteral("--impi"),     kImpi,
                        QStringLiteral("--k"),        QString::fromLatin1(kKHex),
                        QStringLiteral("--opc"),      QString::fromLatin1(kOpcHex)} +
            arguments;
    QByteArray output;
    QCOMPARE(Testing::runCommand(kBsf, command, &output), exitCode);
    QVERIFY2(output.contains(message), output.constData());
}

QTEST_GUILESS_MAIN(TestGbaBootstrap)
#include "tst_gbabootstrap.moc"
