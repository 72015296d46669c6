// The testbed's sequence end to end, nothing faked (issue: the whole secure sequence): iot-bsf
// (Ub, Zn over mutual TLS), iot-portald (portal API, NAF, local instances = iot-m2m-service
// children), iot-gateway (GBA bootstrap, NAF enrolment, device links, durable queue) and
// sensor-node-sim devices, each a real process on 127.0.0.1 with a port it chose, and one
// thermometer that is the AVR image on an emulated ATmega2560 (simavr-harness) behind a serial
// link (pty). The test reads results the way an operator would: the M2M services' oneM2M API
// as the portal admin, and the portal's SQLite store.

#include "tests/sensornode/linkcheck.h"
#include "tests/support/avrharnessprocess.h"
#include "tests/support/daemonprocess.h"

#include <firmware/crypto/ecdsa.h>
#include <firmware/crypto/p256.h>
#include <firmware/crypto/sha256.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/protocol/cose.h>
#include <portal-core/protocol/frame.h>
#include <portal-core/protocol/messages.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSerialPort>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSslKey>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cstring>

#include <csignal>
#include <map>
#include <memory>
#include <optional>

using namespace Portal;

namespace {

const QString kBsf = QStringLiteral(IOT_BSF_PATH);
const QString kPortald = QStringLiteral(IOT_PORTALD_PATH);
const QString kM2mService = QStringLiteral(IOT_M2M_SERVICE_PATH);
const QString kGateway = QStringLiteral(IOT_GATEWAY_PATH);
const QString kSim = QStringLiteral(SENSOR_NODE_SIM_PATH);

const QString kImpi1 = QStringLiteral("001010000000001@ims.mnc001.mcc001.3gppnetwork.org");
const QString kImpi2 = QStringLiteral("001010000000002@ims.mnc001.mcc001.3gppnetwork.org");
const QString kK = QStringLiteral("465b5ce8b199b49faa5f0a2ee238a6bc");
const QString kOpc = QStringLiteral("cd63cb71954a9f4e48a5994e37a02baf");
const QString kThermo1 = QStringLiteral("00000000000000a1");
const QString kThermo2 = QStringLiteral("00000000000000a2");
const QString kValve = QStringLiteral("00000000000000b1");
const QString kThermoAvr = QStringLiteral("00000000000000a3");
constexpr int kIntervalMs = 700;
// B-TIDs, and the gateway certificates that lapse with them, live 2 s: every gateway
// bootstraps and enrols again several times during each test, and nothing may be lost.
constexpr int kKeyLifetimeS = 2;

struct Reply
{
    int status = 0;
    QJsonObject json;
};

struct Container
{
    int currentInstances = -1;
    qint64 lastCounter = -1;
};

// A misbehaving device, in this process: attaches properly (valve class, trusted on first
// attach; the attach exchange with OpenSSL for D and the link key, FirmwareCrypto for the
// device key's proof), then sends the readings a test asks for — valid, tampered, signed with
// another key, replayed — sealed on the link. The gateway refuses what does not verify with
// the key the device proved and forwards the rest unchanged; only the M2M service can tell a
// replay.
class RogueDevice : public QObject
{
public:
    static constexpr char kId[] = "00000000000000c1";

    RogueDevice()
    {
        m_key = QByteArray(32, '\x11');
        m_otherKey = QByteArray(32, '\x22');
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            m_socket = m_server.nextPendingConnection();
            connect(m_socket, &QTcpSocket::readyRead, this, &RogueDevice::onReadyRead);
            sendHello();
            m_hello.start();
        });
        // As a device does: HELLO every 3 s until an ATTACH_ACCEPT (the gateway may not be
        // enrolled yet when the first one arrives).
        m_hello.setInterval(3000);
        connect(&m_hello, &QTimer::timeout, this, [this] {
            if (m_attached)
                m_hello.stop();
            else
                sendHello();
        });
    }
    quint16 port() const { return m_server.serverPort(); }
    bool attached() const { return m_attached; }

    // A reading signed with this device's key (or another), optionally with a byte flipped
    // after signing; sent as READING.
    void sendReading(quint32 counter, qint32 value, bool otherKey = false, bool tamper = false)
    {
        Protocol::SignedReading reading{};
        std::memcpy(reading.deviceId, QByteArray::fromHex(kId).constData(), 8);
        reading.counter = counter;
        reading.value = value;
        reading.scaleExponent = -1;
        std::memcpy(reading.unit, "Cel", 3);
        reading.unitSize = 3;
        uint8_t payload[Protocol::kMaxReadingPayloadBytes];
        size_t payloadSize = 0;
        Protocol::encodeReadingPayload(reading, payload, sizeof payload, payloadSize);
        uint8_t toBeSigned[Protocol::kMaxSigStructureBytes];
        size_t toBeSignedSize = 0;
        Protocol::buildSigStructure(payload, payloadSize, toBeSigned, sizeof toBeSigned,
                                    toBeSignedSize);
        uint8_t hash[32];
        FirmwareCrypto::Sha256::hash(toBeSigned, toBeSignedSize, hash);
        uint8_t signature[64];
        const QByteArray &key = otherKey ? m_otherKey : m_key;
        FirmwareCrypto::sign(reinterpret_cast<const uint8_t *>(key.constData()), hash, signature);
        if (tamper)
            payload[payloadSize - 8] ^= 0x01; // the value's low byte (…04 18 vv 05 20 06 63 C e l)
        uint8_t message[Protocol::kMaxSign1Bytes];
        size_t messageSize = 0;
        Protocol::encodeSign1Tagged(reading.deviceId, payload, payloadSize, signature, message,
                                    sizeof message, messageSize);
        sendFrame(Protocol::MessageType::Reading, message, messageSize);
    }

private:
    void sendFrame(Protocol::MessageType type, const uint8_t *payload, size_t size)
    {
        uint8_t frame[Protocol::kMaxFrameBytes];
        const auto encoded =
            m_mac && Protocol::isSealedType(uint8_t(type))
                ? Protocol::encodeSealedFrame(uint8_t(type), m_seq++, payload, size, ++m_txCounter,
                                              Protocol::LinkDirection::DeviceToGateway, *m_mac,
                                              frame, sizeof frame)
                : Protocol::encodeFrame(uint8_t(type), m_seq++, payload, size, frame, sizeof frame);
        m_socket->write(reinterpret_cast<const char *>(frame), qint64(encoded.size));
    }

    void sendHello()
    {
        Protocol::HelloMessage hello{};
        std::memcpy(hello.deviceId, QByteArray::fromHex(kId).constData(), 8);
        hello.firmwareVersion.assign("rogue", 5);
        hello.classAttributes.vendor.assign("acme", 4);
        hello.classAttributes.type.assign("valve", 5);
        hello.classAttributes.subscriber.assign("lab", 3);
        hello.publicKey[0] = 0x04;
        FirmwareCrypto::derivePublicKey(reinterpret_cast<const uint8_t *>(m_key.constData()),
                                        hello.publicKey + 1);
        Protocol::Payload payload{};
        hello.encode(payload);
        sendFrame(Protocol::MessageType::Hello, payload.bytes, payload.size);
    }

    void onReadyRead()
    {
        const QByteArray bytes = m_socket->readAll();
        for (const char byte : bytes) {
            if (!m_reader.feed(uint8_t(byte)))
                continue;
            const Protocol::Frame &frame = m_reader.frame();
            if (Protocol::MessageType(frame.type) == Protocol::MessageType::AttachChallenge) {
                Protocol::AttachChallengeMessage challenge{};
                challenge.decode(frame.payload);
                m_challenge = LinkCheck::bytesOf(challenge.challenge, 16);
                m_gatewayPoint = LinkCheck::bytesOf(challenge.gatewayKey, 65);
                m_ephemeral.emplace(std::move(*Crypto::PrivateKey::generateP256()));
                Protocol::AttachProofMessage proof{};
                std::memcpy(proof.deviceKey, LinkCheck::pointOf(*m_ephemeral).constData(), 65);
                const QByteArray id = QByteArray::fromHex(kId);
                const auto parts = Protocol::attachProofParts(
                    challenge.challenge, LinkCheck::u8(id), challenge.gatewayKey, proof.deviceKey);
                FirmwareCrypto::Sha256 sha;
                for (uint8_t i = 0; i < parts.count; ++i)
                    sha.update(parts.part[i].data, parts.part[i].size);
                uint8_t hash[32];
                sha.finish(hash);
                FirmwareCrypto::sign(reinterpret_cast<const uint8_t *>(m_key.constData()), hash,
                                     proof.signature);
                Protocol::Payload payload{};
                proof.encode(payload);
                sendFrame(Protocol::MessageType::AttachProof, payload.bytes, payload.size);
            } else if (Protocol::MessageType(frame.type) == Protocol::MessageType::AttachAccept &&
                       m_ephemeral) {
                auto linkKey =
                    Crypto::deriveLinkKey(*m_ephemeral, LinkCheck::cryptoView(m_gatewayPoint),
                                          LinkCheck::cryptoView(m_challenge));
                if (!linkKey)
                    continue;
                m_mac = std::make_unique<Crypto::LinkMac>(linkKey->view());
                m_txCounter = 0;
                m_attached = true;
            }
        }
    }

    QTcpServer m_server;
    QTcpSocket *m_socket = nullptr;
    Protocol::FrameReader m_reader;
    QByteArray m_key;
    QByteArray m_otherKey;
    quint16 m_seq = 0;
    bool m_attached = false;
    QByteArray m_challenge;
    QByteArray m_gatewayPoint;
    std::optional<Crypto::PrivateKey> m_ephemeral;
    std::unique_ptr<Crypto::LinkMac> m_mac;
    quint32 m_txCounter = 0;
    QTimer m_hello;
};

} // namespace

class TestEndToEnd : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void fullSequence();
    void forgedReadingsAreRefusedAndTheRestFlows();
    void preregisteredClassRefusesAnotherKey();
    void wrongUsimKeyGetsNoConfiguration();
    void pausedServiceAndKilledGatewayLoseNothing();

private:
    QString file(const QString &name) const { return m_dir.filePath(name); }
    void run(const QString &program, const QStringList &arguments, QByteArray *output = nullptr);
    void writeUsim(const QString &path, const QString &impi, const QString &k, qint64 sqn = 0);
    quint16 startSim(const QString &state);
    QByteArray provisionAvr();
    std::unique_ptr<Testing::DaemonProcess> startGateway(const QString &id, const QString &usim,
                                                         const QStringList &devices);
    QString instanceUrl(const QString &deviceId);
    Reply admin(const QByteArray &method, const QUrl &url, const QJsonObject &body = {});
    Container container(const QString &deviceId);
    qint64 oldestCounter(const QString &deviceId);
    int count(const QString &sql);

    QTemporaryDir m_dir;
    std::optional<Crypto::LabPkiPaths> m_pki;
    std::unique_ptr<Testing::DaemonProcess> m_bsf;
    std::unique_ptr<Testing::DaemonProcess> m_portald;
    std::map<QString, std::unique_ptr<Testing::DaemonProcess>> m_sims;
    std::map<QString, quint16> m_simPorts;
    std::unique_ptr<Testing::DaemonProcess> m_gateway;
    std::unique_ptr<Testing::AvrHarnessProcess> m_avr;
    QString m_avrLink;
    QNetworkAccessManager m_network;
    QSslConfiguration m_adminTls;
    quint16 m_bsfPort = 0;
    quint16 m_nafPort = 0;
    RogueDevice m_rogue;
    QByteArray m_authorityKey; // base64 of the portal's device-authority point
};

void TestEndToEnd::run(const QString &program, const QStringList &arguments, QByteArray *output)
{
    QByteArray text;
    // Output is what a caller parses (a public key): stdout only.
    const int code = Testing::runCommand(program, arguments, &text, 30000, output != nullptr);
    if (output)
        *output = text.trimmed();
    QVERIFY2(code == 0, (program + QLatin1Char(' ') + arguments.join(QLatin1Char(' '))).toUtf8() +
                            ": " + text);
}

void TestEndToEnd::writeUsim(const QString &path, const QString &impi, const QString &k, qint64 sqn)
{
    QFile usim(path);
    QVERIFY(usim.open(QIODevice::WriteOnly));
    QVERIFY(usim.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    usim.write(QJsonDocument(QJsonObject{{QStringLiteral("impi"), impi},
                                         {QStringLiteral("k"), k},
                                         {QStringLiteral("opc"), kOpc},
                                         {QStringLiteral("sqn"), double(sqn)}})
                   .toJson());
}

quint16 TestEndToEnd::startSim(const QString &state)
{
    auto sim = std::make_unique<Testing::DaemonProcess>(
        kSim, QStringList{QStringLiteral("serve"), QStringLiteral("--state"), file(state),
                          QStringLiteral("--interval-ms"), QString::number(kIntervalMs)});
    if (!sim->start()) {
        qWarning() << sim->output();
        return 0;
    }
    const quint16 port = sim->port();
    m_sims[state] = std::move(sim);
    return port;
}

// The AVR thermometer, as the provisioning wizard would do it over its port. Returns the
// public key, or empty after a failed QVERIFY.
QByteArray TestEndToEnd::provisionAvr()
{
    Testing::AvrHarnessProcess::Options options;
    options.eepromPath = file(QStringLiteral("avr-a3.eeprom"));
    options.deviceIdHex = kThermoAvr.toLatin1();
    options.speed = 1; // a 16 MHz board: one signature takes it about 2 s
    m_avr = std::make_unique<Testing::AvrHarnessProcess>(options);
    if (!m_avr->start()) {
        QTest::qFail(m_avr->output().constData(), __FILE__, __LINE__);
        return {};
    }
    QSerialPort port;
    port.setPortName(m_avr->ptyPath());
    port.setBaudRate(115200);
    if (!port.open(QIODevice::ReadWrite)) {
        QTest::qFail(qPrintable(port.errorString()), __FILE__, __LINE__);
        return {};
    }
    LinkCheck::LinkPeer wizard(port);
    LinkCheck::ProvisioningRequest request;
    request.deviceIdHex = kThermoAvr.toLatin1();
    request.board = "mega2560";
    request.vendor = "acme";
    request.type = "thermometer";
    request.subscriber = "lab";
    request.authorityKey = QByteArray::fromBase64(m_authorityKey);
    QString failure;
    const QByteArray publicKey = LinkCheck::provisionOverLink(wizard, request, failure);
    if (publicKey.isEmpty())
        QTest::qFail(qPrintable(failure + QLatin1Char('\n') + QString::fromUtf8(m_avr->output())),
                     __FILE__, __LINE__);
    m_avrLink = QStringLiteral("serial:%1@115200").arg(m_avr->ptyPath());
    return publicKey;
}

std::unique_ptr<Testing::DaemonProcess>
TestEndToEnd::startGateway(const QString &id, const QString &usim, const QStringList &devices)
{
    auto gateway = std::make_unique<Testing::DaemonProcess>(
        kGateway,
        QStringList{QStringLiteral("--gateway-id"), id, QStringLiteral("--usim"), file(usim),
                    QStringLiteral("--state-dir"), file(id), QStringLiteral("--bsf-url"),
                    QStringLiteral("https://localhost:%1/").arg(m_bsfPort),
                    QStringLiteral("--naf-url"),
                    QStringLiteral("https://localhost:%1/naf/v1/enrol").arg(m_nafPort),
                    QStringLiteral("--operator-ca"),
                    QString::fromStdString(m_pki->operatorCa.certificatePath),
                    QStringLiteral("--heartbeat-interval"), QStringLiteral("2"),
                    QStringLiteral("--device"), devices.join(QLatin1Char(','))});
    if (!gateway->startWithoutPort())
        return nullptr;
    return gateway;
}

QString TestEndToEnd::instanceUrl(const QString &deviceId)
{
    QSqlDatabase db = QSqlDatabase::database(QStringLiteral("portal"));
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT i.url FROM devices d JOIN instances i ON i.id = "
                                 "d.instance_id WHERE d.id = ? AND d.state = 'ready'"));
    query.addBindValue(deviceId);
    if (!query.exec() || !query.next())
        return {};
    return query.value(0).toString();
}

int TestEndToEnd::count(const QString &sql)
{
    QSqlQuery query(QSqlDatabase::database(QStringLiteral("portal")));
    if (!query.exec(sql) || !query.next())
        return -1;
    return query.value(0).toInt();
}

Reply TestEndToEnd::admin(const QByteArray &method, const QUrl &url, const QJsonObject &body)
{
    QNetworkRequest request(url);
    request.setSslConfiguration(m_adminTls);
    request.setRawHeader("X-M2M-Origin", "Cportal-admin");
    request.setRawHeader("X-M2M-RI", "e2e");
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json;ty=4"));
    QNetworkReply *reply = method == "POST" ? m_network.post(request, QJsonDocument(body).toJson())
                                            : m_network.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    finished.wait(10000);
    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.json = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return result;
}

Container TestEndToEnd::container(const QString &deviceId)
{
    const QString url = instanceUrl(deviceId);
    Container result;
    if (url.isEmpty())
        return result;
    const Reply reply = admin("GET", QUrl(url + QStringLiteral("/m2m/%1/data").arg(deviceId)));
    const QJsonObject cnt = reply.json.value(QStringLiteral("m2m:cnt")).toObject();
    if (reply.status != 200 || cnt.isEmpty())
        return result;
    result.currentInstances = cnt.value(QStringLiteral("cni")).toInt(-1);
    result.lastCounter = qint64(cnt.value(QStringLiteral("st")).toDouble(-1));
    return result;
}

qint64 TestEndToEnd::oldestCounter(const QString &deviceId)
{
    const Reply reply =
        admin("GET", QUrl(instanceUrl(deviceId) + QStringLiteral("/m2m/%1/data/ol").arg(deviceId)));
    return qint64(reply.json.value(QStringLiteral("m2m:cin"))
                      .toObject()
                      .value(QStringLiteral("st"))
                      .toDouble(-1));
}

void TestEndToEnd::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // The lab PKI comes from the portal's own command.
    run(kPortald, {QStringLiteral("pki"), QStringLiteral("init"), QStringLiteral("--pki-dir"),
                   file(QStringLiteral("pki"))});
    auto pki = Crypto::LabPki::ensure(file(QStringLiteral("pki")).toStdString());
    QVERIFY(pki.ok() && !pki->created);
    m_pki = *pki;
    // What provisioning writes into every device: the portal's device-authority key.
    run(kPortald,
        {QStringLiteral("pki"), QStringLiteral("authority-key"), QStringLiteral("--pki-dir"),
         file(QStringLiteral("pki"))},
        &m_authorityKey);
    QCOMPARE(QByteArray::fromBase64(m_authorityKey).size(), 65);
    const auto path = [](const std::string &text) { return QString::fromStdString(text); };
    m_adminTls = QSslConfiguration::defaultConfiguration();
    {
        QFile ca(path(m_pki->portalCa.certificatePath));
        QFile certificate(path(m_pki->portalAdmin.certificatePath));
        QFile key(path(m_pki->portalAdmin.keyPath));
        QVERIFY(ca.open(QIODevice::ReadOnly) && certificate.open(QIODevice::ReadOnly) &&
                key.open(QIODevice::ReadOnly));
        m_adminTls.setCaCertificates(QSslCertificate::fromData(ca.readAll()));
        m_adminTls.setLocalCertificate(QSslCertificate(certificate.readAll()));
        m_adminTls.setPrivateKey(QSslKey(key.readAll(), QSsl::Ec));
    }

    // HSS: two subscribers with the TS 35.208 set 1 keys.
    const QString hss = file(QStringLiteral("hss.sqlite"));
    for (const QString &impi : {kImpi1, kImpi2})
        run(kBsf, {QStringLiteral("subscriber"), QStringLiteral("add"),
                   QStringLiteral("--database"), hss, QStringLiteral("--impi"), impi,
                   QStringLiteral("--k"), kK, QStringLiteral("--opc"), kOpc});

    // Portal store: a template, a shared preregistered class, a dedicated open class.
    const QString store = file(QStringLiteral("portal.sqlite"));
    const QStringList db{QStringLiteral("--database"), store};
    run(kPortald, QStringList{QStringLiteral("template"), QStringLiteral("add"),
                              QStringLiteral("--name"), QStringLiteral("local-m2m")} +
                      db);
    run(kPortald,
        QStringList{QStringLiteral("class"), QStringLiteral("add"), QStringLiteral("--name"),
                    QStringLiteral("thermometers"), QStringLiteral("--template"),
                    QStringLiteral("local-m2m"), QStringLiteral("--vendor"), QStringLiteral("acme"),
                    QStringLiteral("--type"), QStringLiteral("thermometer"),
                    QStringLiteral("--sharing"), QStringLiteral("shared"),
                    QStringLiteral("--enrolment"), QStringLiteral("preregistered")} +
            db);
    run(kPortald,
        QStringList{QStringLiteral("class"), QStringLiteral("add"), QStringLiteral("--name"),
                    QStringLiteral("valves"), QStringLiteral("--template"),
                    QStringLiteral("local-m2m"), QStringLiteral("--vendor"), QStringLiteral("acme"),
                    QStringLiteral("--type"), QStringLiteral("valve"), QStringLiteral("--sharing"),
                    QStringLiteral("dedicated"), QStringLiteral("--enrolment"),
                    QStringLiteral("open")} +
            db);
    // Devices: provisioned (key made on the device), thermometers registered with the portal.
    for (const auto &[id, type] : {std::pair{kThermo1, QStringLiteral("thermometer")},
                                   std::pair{kThermo2, QStringLiteral("thermometer")},
                                   std::pair{kValve, QStringLiteral("valve")}}) {
        QByteArray publicKey;
        run(kSim,
            {QStringLiteral("init"), QStringLiteral("--state"), file(id + QStringLiteral(".state")),
             QStringLiteral("--device-id"), id, QStringLiteral("--vendor"), QStringLiteral("acme"),
             QStringLiteral("--type"), type, QStringLiteral("--subscriber"), QStringLiteral("lab"),
             QStringLiteral("--authority-key"), QString::fromLatin1(m_authorityKey)},
            &publicKey);
        if (type == QLatin1String("thermometer"))
            run(kPortald,
                QStringList{QStringLiteral("device"), QStringLiteral("register"),
                            QStringLiteral("--id"), id, QStringLiteral("--class"),
                            QStringLiteral("thermometers"), QStringLiteral("--public-key"),
                            QString::fromLatin1(publicKey)} +
                    db);
    }
    const QByteArray avrPublicKey = provisionAvr();
    QVERIFY(!avrPublicKey.isEmpty());
    run(kPortald,
        QStringList{QStringLiteral("device"), QStringLiteral("register"), QStringLiteral("--id"),
                    kThermoAvr, QStringLiteral("--class"), QStringLiteral("thermometers"),
                    QStringLiteral("--public-key"), QString::fromLatin1(avrPublicKey.toBase64())} +
            db);

    m_bsf = std::make_unique<Testing::DaemonProcess>(
        kBsf, QStringList{QStringLiteral("--database"), hss, QStringLiteral("--tls-cert"),
                          path(m_pki->bsf.certificatePath), QStringLiteral("--tls-key"),
                          path(m_pki->bsf.keyPath), QStringLiteral("--zn-client-ca"),
                          path(m_pki->operatorCa.certificatePath), QStringLiteral("--zn-port-file"),
                          file(QStringLiteral("zn.port")), QStringLiteral("--key-lifetime"),
                          QString::number(kKeyLifetimeS)});
    QVERIFY2(m_bsf->start(), m_bsf->output().constData());
    m_bsfPort = m_bsf->port();
    QFile znPort(file(QStringLiteral("zn.port")));
    QVERIFY(znPort.open(QIODevice::ReadOnly));

    m_portald = std::make_unique<Testing::DaemonProcess>(
        kPortald,
        QStringList{QStringLiteral("serve"), QStringLiteral("--pki-dir"),
                    file(QStringLiteral("pki")), QStringLiteral("--instances-dir"),
                    file(QStringLiteral("instances")), QStringLiteral("--m2m-service-path"),
                    kM2mService, QStringLiteral("--bsf-zn-url"),
                    QStringLiteral("https://localhost:%1/zn")
                        .arg(QString::fromLatin1(znPort.readAll().trimmed())),
                    QStringLiteral("--naf-port-file"), file(QStringLiteral("naf.port"))} +
            db);
    QVERIFY2(m_portald->start(), m_portald->output().constData());
    QFile nafPort(file(QStringLiteral("naf.port")));
    QVERIFY(nafPort.open(QIODevice::ReadOnly));
    m_nafPort = quint16(nafPort.readAll().trimmed().toUInt());
    QVERIFY(m_nafPort != 0);

    QSqlDatabase portalDb =
        QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("portal"));
    portalDb.setDatabaseName(store);
    portalDb.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
    QVERIFY(portalDb.open());

    QStringList links;
    for (const QString &id : {kThermo1, kThermo2, kValve}) {
        const quint16 port = startSim(id + QStringLiteral(".state"));
        QVERIFY(port != 0);
        links << QStringLiteral("tcp:127.0.0.1:%1").arg(port);
    }
    links << QStringLiteral("tcp:127.0.0.1:%1").arg(m_rogue.port()) << m_avrLink;
    writeUsim(file(QStringLiteral("usim-gw1.json")), kImpi1, kK);
    m_gateway = startGateway(QStringLiteral("gw1"), QStringLiteral("usim-gw1.json"), links);
    QVERIFY(m_gateway);
}

void TestEndToEnd::cleanupTestCase()
{
    if (m_gateway)
        QVERIFY2(m_gateway->stop(), m_gateway->output().right(3000).constData());
    for (auto &[name, sim] : m_sims)
        QVERIFY2(sim->stop(), sim->output().constData());
    if (m_portald)
        QVERIFY2(m_portald->stop(20000), m_portald->output().right(3000).constData());
    if (m_bsf)
        QVERIFY2(m_bsf->stop(), m_bsf->output().constData());
    if (m_avr)
        QVERIFY2(m_avr->stop(), m_avr->output().right(3000).constData());
    QSqlDatabase::removeDatabase(QStringLiteral("portal"));
}

void TestEndToEnd::fullSequence()
{
    // ≥ 20 verified readings per device, stored in the instance its class dictates.
    for (const QString &id : {kThermo1, kThermo2, kValve}) {
        const bool reported =
            QTest::qWaitFor([&] { return container(id).currentInstances >= 20; }, 90000);
        QVERIFY2(reported,
                 (id + QStringLiteral(": ") + QString::fromUtf8(m_gateway->output().right(4000)))
                     .toUtf8()
                     .constData());
    }
    // The AVR signs at 16 MHz in ~1.8 s, longer than its 1 s interval: a reading every ~1.8 s.
    const bool avrReported =
        QTest::qWaitFor([&] { return container(kThermoAvr).currentInstances >= 10; }, 120000);
    QVERIFY2(avrReported,
             (m_avr->output().right(2000) + "\n" + m_gateway->output().right(4000)).constData());
    QCOMPARE(
        count(QStringLiteral("SELECT COUNT(*) FROM instances WHERE class_name = 'thermometers'")),
        1);
    QCOMPARE(instanceUrl(kThermoAvr), instanceUrl(kThermo1));
    // Dedicated: one instance per valve (the lab's, and the rogue one of another test).
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM instances WHERE class_name = 'valves'")),
             count(QStringLiteral("SELECT COUNT(*) FROM devices WHERE class_name = 'valves'")));
    QVERIFY(instanceUrl(kValve) != instanceUrl(QString::fromLatin1(RogueDevice::kId)));
    QCOMPARE(instanceUrl(kThermo1), instanceUrl(kThermo2));
    QVERIFY(instanceUrl(kValve) != instanceUrl(kThermo1));

    // The latest reading carries what the device signed, verified by the service.
    const Reply latest =
        admin("GET", QUrl(instanceUrl(kThermo1) + QStringLiteral("/m2m/%1/data/la").arg(kThermo1)));
    QCOMPARE(latest.status, 200);
    const QJsonArray labels = latest.json.value(QStringLiteral("m2m:cin"))
                                  .toObject()
                                  .value(QStringLiteral("lbl"))
                                  .toArray();
    QVERIFY(labels.contains(QStringLiteral("verified")));
    QVERIFY(labels.contains(QStringLiteral("unit:Cel")));

    // An actuator command reaches the valve and its status comes back.
    const QUrl commands(instanceUrl(kValve) + QStringLiteral("/m2m/%1/commands").arg(kValve));
    const Reply created = admin(
        "POST", commands,
        QJsonObject{
            {QStringLiteral("m2m:cin"),
             QJsonObject{{QStringLiteral("con"), QJsonObject{{QStringLiteral("actuator"), 0},
                                                             {QStringLiteral("value"), 1}}}}}});
    QCOMPARE(created.status, 201);
    const QString rn = created.json.value(QStringLiteral("m2m:cin"))
                           .toObject()
                           .value(QStringLiteral("rn"))
                           .toString();
    QVERIFY(!rn.isEmpty());
    QString status;
    const bool done = QTest::qWaitFor(
        [&] {
            const Reply command = admin("GET", QUrl(commands.toString() + QLatin1Char('/') + rn));
            status = command.json.value(QStringLiteral("m2m:cin"))
                         .toObject()
                         .value(QStringLiteral("con"))
                         .toObject()
                         .value(QStringLiteral("status"))
                         .toString();
            return status == QLatin1String("done");
        },
        20000);
    QVERIFY2(done, qPrintable(status + QStringLiteral("\n") +
                              QString::fromUtf8(m_gateway->output().right(3000))));
    QCOMPARE(status, QStringLiteral("done"));
    QVERIFY(count(QStringLiteral("SELECT COUNT(*) FROM gateways WHERE id = 'gw1' AND "
                                 "last_heartbeat_ms IS NOT NULL")) == 1);
    // The heartbeats carry the instances' verdicts: every honest device's last reading
    // verified, when it was stored, and when the gateway last heard from it.
    QTRY_COMPARE_WITH_TIMEOUT(
        count(QStringLiteral("SELECT COUNT(*) FROM devices WHERE id IN ('%1', '%2', '%3', '%4') "
                             "AND signature_state = 'verified' AND last_reading_ms > 0 AND "
                             "last_seen_ms >= last_reading_ms - 60000")
                  .arg(kThermo1, kThermo2, kValve, kThermoAvr)),
        4, 15000);
    // The 2 s B-TID lapsed many times meanwhile: the gateway bootstrapped and enrolled again.
    QVERIFY2(m_gateway->output().count("enrolled as") >= 3,
             m_gateway->output().right(2000).constData());
}

void TestEndToEnd::forgedReadingsAreRefusedAndTheRestFlows()
{
    const QString rogue = QString::fromLatin1(RogueDevice::kId);
    QVERIFY(QTest::qWaitFor([&] { return m_rogue.attached() && !instanceUrl(rogue).isEmpty(); },
                            60000));
    const auto health = [&] {
        return admin("GET", QUrl(instanceUrl(rogue) + QStringLiteral("/admin/v1/health"))).json;
    };
    m_rogue.sendReading(1, 100);
    QVERIFY(QTest::qWaitFor([&] { return container(rogue).lastCounter == 1; }, 20000));
    const int rejectedBefore = health().value(QStringLiteral("readingsRejected")).toInt();

    // Refused by the gateway itself (the attached key does not verify them), never queued:
    m_rogue.sendReading(2, 200, false, true); // tampered after signing (value 200 -> 201)
    m_rogue.sendReading(3, 100, true);        // signed by a key the device never proved
    m_rogue.sendReading(5, 150);              // valid: must still arrive
    QVERIFY(QTest::qWaitFor([&] { return container(rogue).lastCounter == 5; }, 20000));
    QVERIFY2(m_gateway->output().contains(QByteArray("refused reading 2 of device ") +
                                          RogueDevice::kId) &&
                 m_gateway->output().contains(QByteArray("refused reading 3 of device ") +
                                              RogueDevice::kId),
             m_gateway->output().right(3000).constData());
    // Well signed, so forwarded; only the instance knows counter 1 was stored before.
    m_rogue.sendReading(1, 120); // counter 1 again with other bytes: a replay
    QVERIFY(QTest::qWaitFor(
        [&] {
            return health().value(QStringLiteral("readingsRejected")).toInt() >= rejectedBefore + 1;
        },
        10000));
    QCOMPARE(health().value(QStringLiteral("readingsRejected")).toInt(), rejectedBefore + 1);
    QCOMPARE(container(rogue).currentInstances, 2); // readings 1 and 5 only
    // The last answer (the replay) reaches the portal with the gateway's next heartbeat.
    QTRY_COMPARE_WITH_TIMEOUT(
        count(QStringLiteral("SELECT COUNT(*) FROM devices WHERE id = '%1' AND "
                             "signature_state = 'replay'")
                  .arg(rogue)),
        1, 15000);
    // The honest devices kept reporting meanwhile.
    QVERIFY(container(kThermo1).currentInstances >= 20);
}

void TestEndToEnd::preregisteredClassRefusesAnotherKey()
{
    // A thermometer claiming a registered id with a key of its own, behind a second gateway.
    QByteArray ignored;
    run(kSim,
        {QStringLiteral("init"), QStringLiteral("--state"), file(QStringLiteral("impostor.state")),
         QStringLiteral("--device-id"), kThermo2, QStringLiteral("--vendor"),
         QStringLiteral("acme"), QStringLiteral("--type"), QStringLiteral("thermometer"),
         QStringLiteral("--subscriber"), QStringLiteral("lab"), QStringLiteral("--authority-key"),
         QString::fromLatin1(m_authorityKey)},
        &ignored);
    const quint16 port = startSim(QStringLiteral("impostor.state"));
    QVERIFY(port != 0);
    // This USIM has seen SQN 100000 elsewhere; the HSS starts at 0: AUTS resynchronises.
    writeUsim(file(QStringLiteral("usim-gw2.json")), kImpi2, kK, 100000);
    auto gateway = startGateway(QStringLiteral("gw2"), QStringLiteral("usim-gw2.json"),
                                {QStringLiteral("tcp:127.0.0.1:%1").arg(port)});
    QVERIFY(gateway);
    const bool refused = QTest::qWaitFor(
        [&] {
            return count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = "
                                        "'device.enrolment_refused' AND actor = 'gateway:gw2'")) >=
                   1;
        },
        60000);
    QVERIFY2(refused, gateway->output().right(3000).constData());
    QVERIFY(gateway->output().contains("SQN out of sync; sending AUTS"));
    QVERIFY(gateway->output().contains("enrolled as \"gw2\""));
    // The registered device keeps its gateway and its readings keep flowing.
    const qint64 before = container(kThermo2).lastCounter;
    QVERIFY(QTest::qWaitFor([&] { return container(kThermo2).lastCounter > before; }, 20000));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM devices WHERE id = '00000000000000a2' AND "
                                  "gateway_id = 'gw1'")),
             1);
    QVERIFY2(gateway->stop(), gateway->output().right(3000).constData());
    QVERIFY(m_sims.at(QStringLiteral("impostor.state"))->stop());
    m_sims.erase(QStringLiteral("impostor.state"));
}

void TestEndToEnd::wrongUsimKeyGetsNoConfiguration()
{
    writeUsim(file(QStringLiteral("usim-gw3.json")), kImpi2,
              QStringLiteral("00112233445566778899aabbccddeeff"));
    auto gateway = startGateway(QStringLiteral("gw3"), QStringLiteral("usim-gw3.json"), {});
    QVERIFY(gateway);
    const bool failed = QTest::qWaitFor(
        [&] { return gateway->output().contains("does not verify with this USIM"); }, 30000);
    QVERIFY2(failed, gateway->output().constData());
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM gateways WHERE id = 'gw3'")), 0);
    QVERIFY(!QFile::exists(file(QStringLiteral("gw3/queue.sqlite"))) ||
            count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE subject = 'gateway:gw3'")) ==
                0);
    QVERIFY(gateway->stop());
}

void TestEndToEnd::pausedServiceAndKilledGatewayLoseNothing()
{
    // Pause the thermometers' shared instance (SIGSTOP) while the devices report; kill the
    // gateway (SIGKILL) in that window and restart it on the same state directory.
    const QString sharedUrl = instanceUrl(kThermo1);
    QVERIFY(!sharedUrl.isEmpty());
    const QString port =
        QUrl(sharedUrl).port() > 0 ? QString::number(QUrl(sharedUrl).port()) : QString();
    QByteArray pids;
    QCOMPARE(Testing::runCommand(
                 QStringLiteral("pgrep"),
                 {QStringLiteral("-f"), QStringLiteral("iot-m2m-service.*instances")}, &pids),
             0);
    qint64 sharedPid = 0;
    for (const QByteArray &pid : pids.split('\n')) {
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(QString::fromLatin1(pid.trimmed())));
        if (cmdline.open(QIODevice::ReadOnly)) {
            const QList<QByteArray> parts = cmdline.readAll().split('\0');
            const qsizetype at = parts.indexOf("--port-file");
            if (at >= 0 && at + 1 < parts.size()) {
                QFile reported(QString::fromLocal8Bit(parts.at(at + 1)));
                if (reported.open(QIODevice::ReadOnly) &&
                    reported.readAll().trimmed() == port.toLatin1())
                    sharedPid = pid.trimmed().toLongLong();
            }
        }
    }
    QVERIFY2(sharedPid > 0, pids.constData());
    const qint64 before1 = container(kThermo1).lastCounter;
    const qint64 beforeAvr = container(kThermoAvr).lastCounter;
    // Honest devices' readings are never refused: one that overtook an older reading would be
    // (a replay), and the older one lost.
    const auto rejectedReadings = [&] {
        return admin("GET", QUrl(instanceUrl(kThermo1) + QStringLiteral("/admin/v1/health")))
            .json.value(QStringLiteral("readingsRejected"))
            .toInt(-1);
    };
    const int rejectedBefore = rejectedReadings();
    QVERIFY(rejectedBefore >= 0);
    QCOMPARE(::kill(pid_t(sharedPid), SIGSTOP), 0);
    QTest::qWait(3000);
    m_gateway->process().kill(); // SIGKILL: no chance to flush anything
    QVERIFY(m_gateway->process().waitForFinished(5000));
    QStringList links;
    for (const QString &id : {kThermo1, kThermo2, kValve})
        links << QStringLiteral("tcp:127.0.0.1:%1")
                     .arg(m_sims.at(id + QStringLiteral(".state"))->port());
    // The AVR's serial line gives it no sign of the restart: the new gateway's ERROR BadState
    // to its resend makes it attach again; its RAM ring (8 readings, ~14 s) bridges the gap, and it
    // sends them one at a time, so none overtakes an older one the service has not stored.
    links << m_avrLink;
    m_gateway = startGateway(QStringLiteral("gw1"), QStringLiteral("usim-gw1.json"), links);
    QVERIFY(m_gateway);
    QTest::qWait(7000);
    // ~10 s paused in all. The portal's supervisor may already have replaced the unresponsive
    // instance (same data directory): then there is nothing to continue, and nothing may be
    // lost either way.
    ::kill(pid_t(sharedPid), SIGCONT);

    // After recovery: every counter from the first stored to the last exactly once.
    for (const auto &[id, until] :
         {std::pair{kThermo1, before1 + 15}, std::pair{kThermo2, before1 + 15},
          std::pair{kThermoAvr, beforeAvr + 5}}) {
        QVERIFY2(QTest::qWaitFor([&] { return container(id).lastCounter > until; }, 90000),
                 qPrintable(id + QLatin1Char('\n') +
                            QString::fromUtf8(m_gateway->output().right(3000))));
        // Let the queue drain, then compare.
        QTest::qWait(2 * kIntervalMs);
        const Container stored = container(id);
        const qint64 oldest = oldestCounter(id);
        QVERIFY(oldest >= 0);
        QVERIFY2(qint64(stored.currentInstances) == stored.lastCounter - oldest + 1,
                 qPrintable(QStringLiteral("%1: %2 stored, counters %3..%4\n%5")
                                .arg(id)
                                .arg(stored.currentInstances)
                                .arg(oldest)
                                .arg(stored.lastCounter)
                                .arg(QString::fromUtf8(m_gateway->output().right(3000)))));
    }
    QCOMPARE(rejectedReadings(), rejectedBefore);
}

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "tst_endtoend.moc"
