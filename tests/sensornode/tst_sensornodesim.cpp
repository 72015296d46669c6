// sensor-node-sim as a real process: provisioned with `init`, served on port 0, driven by a test
// that plays the gateway (or the provisioning wizard) over TCP with Portal::Protocol. Every
// signature is checked with OpenSSL; counters must keep rising across a SIGTERM and restart.
#include "linkcheck.h"

#include <tests/support/daemonprocess.h>

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <optional>

using namespace LinkCheck;
using Portal::Testing::DaemonProcess;
using Portal::Testing::runCommand;
namespace P = Portal::Protocol;

namespace {

const QString kSimulator = QStringLiteral(SENSOR_NODE_SIM);
const QByteArray kDeviceIdHex = "a1b2c3d4e5f60718";

// The gateway's side of one TCP connection.
class GatewayPeer : public LinkPeer
{
public:
    GatewayPeer() : LinkPeer(m_socket) {}

    bool connectTo(quint16 port)
    {
        m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        return m_socket.waitForConnected(5000);
    }

    QTcpSocket &socket() { return m_socket; }

private:
    QTcpSocket m_socket;
};

// The base64 public key a command printed on stdout (the log goes to stderr, merged here).
QByteArray printedPublicKey(const QByteArray &output)
{
    for (const QByteArray &line : output.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (!trimmed.isEmpty() && !trimmed.startsWith("sensor-node-sim:"))
            return QByteArray::fromBase64(trimmed, QByteArray::AbortOnBase64DecodingErrors);
    }
    return QByteArray();
}

// HELLO (checked against the expected key) → challenge → proof verified with OpenSSL →
// ACCEPT; the link is sealed from then on.
bool attach(GatewayPeer &peer, const QByteArray &publicKey)
{
    const std::optional<LinkFrame> helloFrame = peer.waitFor(P::MessageType::Hello);
    P::HelloMessage hello;
    if (!helloFrame || !decodeAs(*helloFrame, hello))
        return false;
    const QByteArray deviceId = bytesOf(hello.deviceId, sizeof hello.deviceId);
    if (deviceId.toHex() != kDeviceIdHex || bytesOf(hello.publicKey, 65) != publicKey)
        return false;
    const QString failure = peer.attach(deviceId, publicKey, 10000);
    if (!failure.isEmpty())
        qWarning("attach: %s", qPrintable(failure));
    return failure.isEmpty();
}

} // namespace

class TestSensorNodeSim : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void commandLine();
    void initAndPublicKey();
    void gatewaySessionAndRestart();
    void wizardProvisionsFactoryDevice();

private:
    QByteArray initDevice(const QString &statePath);
};

void TestSensorNodeSim::initTestCase()
{
    QVERIFY2(QFileInfo::exists(kSimulator), qPrintable(kSimulator));
}

void TestSensorNodeSim::commandLine()
{
    QByteArray output;
    QCOMPARE(runCommand(kSimulator, {"--help"}, &output), 0);
    QVERIFY(output.contains("--state"));
    QCOMPARE(runCommand(kSimulator, {"--version"}, &output), 0);
    QVERIFY(output.startsWith("sensor-node-sim "));
    QCOMPARE(runCommand(kSimulator, {"--state", "x", "--no-such-option", "1"}, &output), 2);
    QCOMPARE(runCommand(kSimulator, {"serve"}, &output), 2); // --state is required
    QCOMPARE(runCommand(kSimulator, {"init", "--state", "x", "--channel", "27"}, &output), 2);
    QCOMPARE(runCommand(kSimulator, {"init", "--state", "x", "--authority-key", "AAAA"}, &output),
             2);
    QCOMPARE(runCommand(kSimulator, {"pubkey", "--state", "/nonexistent/state"}, &output), 1);
}

QByteArray TestSensorNodeSim::initDevice(const QString &statePath)
{
    QByteArray output;
    const int exitCode =
        runCommand(kSimulator,
                   {"init", "--state", statePath, "--device-id", kDeviceIdHex, "--vendor", "acme",
                    "--type", "thermo", "--subscriber", "lab-1", "--interval-ms", "5000",
                    "--authority-key", QString::fromLatin1(testAuthorityPoint().toBase64())},
                   &output);
    if (exitCode != 0) {
        qWarning("%s", output.constData());
        return QByteArray();
    }
    return printedPublicKey(output);
}

void TestSensorNodeSim::initAndPublicKey()
{
    QTemporaryDir dir;
    const QString statePath = dir.filePath("node.state");
    const QByteArray publicKey = initDevice(statePath);
    QCOMPARE(publicKey.size(), 65);
    QVERIFY(
        Portal::Crypto::Es256PublicKey::fromUncompressedPoint(
            Portal::Crypto::ByteView(reinterpret_cast<const uint8_t *>(publicKey.constData()), 65))
            .ok());
    const QFile::Permissions permissions = QFileInfo(statePath).permissions();
    QVERIFY(permissions.testFlags(QFile::ReadOwner | QFile::WriteOwner));
    QCOMPARE(permissions & (QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup |
                            QFile::ReadOther | QFile::WriteOther | QFile::ExeOther),
             QFile::Permissions());

    QByteArray output;
    QCOMPARE(runCommand(kSimulator, {"pubkey", "--state", statePath}, &output), 0);
    QCOMPARE(printedPublicKey(output), publicKey);
    // init never overwrites a device.
    QCOMPARE(runCommand(kSimulator, {"init", "--state", statePath}, &output), 1);
    QCOMPARE(runCommand(kSimulator, {"pubkey", "--state", statePath}, &output), 0);
    QCOMPARE(printedPublicKey(output), publicKey);

    // A damaged state file is refused, not replaced by a factory device.
    QFile file(statePath);
    QVERIFY(file.open(QIODevice::Append));
    file.write("unknown_key=1\n");
    file.close();
    QCOMPARE(runCommand(kSimulator, {"--state", statePath, "--port", "0"}, &output, 10000), 1);
    QVERIFY(output.contains("unknown key"));
}

void TestSensorNodeSim::gatewaySessionAndRestart()
{
    QTemporaryDir dir;
    const QString statePath = dir.filePath("node.state");
    const QByteArray publicKey = initDevice(statePath);
    QCOMPARE(publicKey.size(), 65);
    const QStringList serveArguments = {"--state",       statePath, "--interval-ms", "300",
                                        "--resend-ms",   "700",     "--hello-ms",    "400",
                                        "--sensor-base", "19.25"};
    uint32_t highestCounter = 0;
    {
        DaemonProcess simulator(kSimulator, serveArguments);
        QVERIFY2(simulator.start(), simulator.output().constData());
        GatewayPeer gateway;
        QVERIFY(gateway.connectTo(simulator.port()));
        QVERIFY2(attach(gateway, publicKey), simulator.output().constData());

        // One connection at a time: a second one is closed by the device.
        QTcpSocket intruder;
        intruder.connectToHost(QStringLiteral("127.0.0.1"), simulator.port());
        QVERIFY(intruder.waitForConnected(5000));
        QVERIFY(intruder.state() == QAbstractSocket::UnconnectedState ||
                intruder.waitForDisconnected(5000));

        // Readings: signed, counters strictly increasing; the first stays unacknowledged
        // until it has been resent with the same bytes.
        QByteArray firstBytes;
        uint32_t firstCounter = 0;
        bool firstResent = false;
        int distinct = 0;
        QElapsedTimer timer;
        timer.start();
        while ((distinct < 4 || !firstResent) && timer.elapsed() < 15000) {
            const std::optional<LinkFrame> frame = gateway.waitFor(P::MessageType::Reading);
            QVERIFY2(frame, simulator.output().constData());
            QVERIFY(frame->sealed);
            P::SignedReading reading;
            QCOMPARE(verifySignedReading(frame->payload, publicKey, reading), QString());
            QCOMPARE(QByteArray(reading.unit, reading.unitSize), QByteArray("Cel"));
            QCOMPARE(reading.scaleExponent, int8_t(-2));
            QVERIFY(qAbs(reading.value - 1925) <= 50);
            if (firstBytes.isEmpty()) {
                firstBytes = frame->payload;
                firstCounter = reading.counter;
                highestCounter = reading.counter;
                distinct = 1;
                continue;
            }
            if (reading.counter == firstCounter) {
                QCOMPARE(frame->payload, firstBytes);
                firstResent = true;
                continue;
            }
            if (reading.counter > highestCounter) {
                highestCounter = reading.counter;
                ++distinct;
            }
            P::AckMessage ack;
            ack.ackedSeq = frame->seq;
            ack.hasReadingCounter = true;
            ack.readingCounter = reading.counter;
            gateway.send(ack);
        }
        QVERIFY(distinct >= 4);
        QVERIFY(firstResent);
        P::AckMessage ack;
        ack.ackedSeq = 0;
        ack.hasReadingCounter = true;
        ack.readingCounter = firstCounter;
        gateway.send(ack);

        P::CommandMessage command;
        command.commandId = 4711;
        command.actuatorIndex = 0;
        command.value = 1;
        gateway.send(command);
        const std::optional<LinkFrame> statusFrame = gateway.waitFor(P::MessageType::CommandStatus);
        P::CommandStatusMessage status;
        QVERIFY(statusFrame && decodeAs(*statusFrame, status));
        QCOMPARE(status.commandId, 4711u);
        QCOMPARE(status.status, P::CommandStatus::Done);
        QCOMPARE(status.value, 1);

        // Garbage on the line is survived: an unknown frame gets ERROR, the session goes on.
        gateway.socket().write(QByteArray::fromHex("deadbeef00"));
        gateway.socket().write(frameBytes(0x66, 999, QByteArray::fromHex("a0")));
        const std::optional<LinkFrame> errorFrame = gateway.waitFor(P::MessageType::Error);
        P::ErrorMessage error;
        QVERIFY(errorFrame && decodeAs(*errorFrame, error));
        QCOMPARE(error.code, P::ErrorCode::UnknownMessageType);
        QCOMPARE(error.refersToSeq, uint16_t(999));
        const std::optional<LinkFrame> later = gateway.waitFor(P::MessageType::Reading);
        QVERIFY(later);
        P::SignedReading reading;
        QCOMPARE(verifySignedReading(later->payload, publicKey, reading), QString());
        highestCounter = qMax(highestCounter, reading.counter);

        QVERIFY2(simulator.stop(), simulator.output().constData());
        QVERIFY(simulator.output().contains("stopped"));
    }

    // After SIGTERM and a restart the counters continue above everything seen.
    DaemonProcess simulator(kSimulator, serveArguments);
    QVERIFY2(simulator.start(), simulator.output().constData());
    GatewayPeer gateway;
    QVERIFY(gateway.connectTo(simulator.port()));
    QVERIFY2(attach(gateway, publicKey), simulator.output().constData());
    const std::optional<LinkFrame> frame = gateway.waitFor(P::MessageType::Reading);
    QVERIFY(frame);
    P::SignedReading reading;
    QCOMPARE(verifySignedReading(frame->payload, publicKey, reading), QString());
    QVERIFY2(reading.counter > highestCounter,
             qPrintable(QString("%1 after %2").arg(reading.counter).arg(highestCounter)));

    // A reconnect is a new session: HELLO again, with the same key.
    gateway.socket().abort();
    GatewayPeer second;
    QVERIFY(second.connectTo(simulator.port()));
    QVERIFY(attach(second, publicKey));
    QVERIFY2(simulator.stop(), simulator.output().constData());
}

void TestSensorNodeSim::wizardProvisionsFactoryDevice()
{
    QTemporaryDir dir;
    const QString statePath = dir.filePath("factory.state");
    DaemonProcess simulator(
        kSimulator, {"--state", statePath, "--device-id", kDeviceIdHex, "--hello-ms", "300"});
    QVERIFY2(simulator.start(), simulator.output().constData());
    GatewayPeer wizard;
    QVERIFY(wizard.connectTo(simulator.port()));

    wizard.send(P::ProvInfoRequestMessage());
    std::optional<LinkFrame> frame = wizard.next();
    P::ProvInfoResponseMessage info;
    QVERIFY(frame && decodeAs(*frame, info));
    QCOMPARE(info.state, P::ProvisioningState::Factory);
    QCOMPARE(bytesOf(info.deviceId, 8).toHex(), kDeviceIdHex);
    QVERIFY(info.capabilities & P::kCapabilityProvisioning);
    QVERIFY(info.board.equals("host-sim", 8));

    P::ProvSetConfigMessage config;
    config.panId = 0x1234;
    config.channel = 20;
    QVERIFY(config.classAttributes.vendor.assign("acme", 4));
    QVERIFY(config.classAttributes.type.assign("thermo", 6));
    QVERIFY(config.classAttributes.subscriber.assign("", 0));
    config.reportingIntervalS = 1;
    std::memcpy(config.authorityKey, testAuthorityPoint().constData(), 65);
    wizard.send(config);
    frame = wizard.next();
    QVERIFY(frame);
    QCOMPARE(frame->type, uint8_t(P::MessageType::Ack));

    P::ProvGenKeyRequestMessage genKey;
    for (uint8_t &byte : genKey.hostEntropy)
        byte = uint8_t(QRandomGenerator::global()->generate());
    wizard.send(genKey);
    frame = wizard.next(20000);
    P::ProvGenKeyResponseMessage keyResponse;
    QVERIFY(frame && decodeAs(*frame, keyResponse));
    const QByteArray publicKey = bytesOf(keyResponse.publicKey, 65);

    P::ProvTestReadingRequestMessage testReading;
    testReading.sensorIndex = 0;
    wizard.send(testReading);
    frame = wizard.next();
    QVERIFY(frame);
    QCOMPARE(frame->type, uint8_t(P::MessageType::ProvTestReadingResponse));
    P::SignedReading reading;
    QCOMPARE(verifySignedReading(frame->payload, publicKey, reading), QString());

    P::ProvLockMessage lock;
    std::memcpy(lock.deviceId, QByteArray::fromHex(kDeviceIdHex).constData(), 8);
    wizard.send(lock);
    frame = wizard.next();
    QVERIFY(frame);
    QCOMPARE(frame->type, uint8_t(P::MessageType::Ack));
    // Locked: the device now looks for a gateway.
    QVERIFY(attach(wizard, publicKey));
    QVERIFY2(simulator.stop(), simulator.output().constData());

    QByteArray output;
    QCOMPARE(runCommand(kSimulator, {"pubkey", "--state", statePath}, &output), 0);
    QCOMPARE(printedPublicKey(output), publicKey);
}

QTEST_APPLESS_MAIN(TestSensorNodeSim)
#include "tst_sensornodesim.moc"
