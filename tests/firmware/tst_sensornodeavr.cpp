// The sensor-node AVR image on an emulated ATmega2560 (simavr-harness), over its USART0 pty:
// provisioned like the wizard does it, attached like a gateway does it, its readings checked
// with OpenSSL and cose-js, its LED pin observed, its EEPROM kept across a power cut. A UART
// smoke test runs the same image in qemu-system-avr.
#include <tests/sensornode/linkcheck.h>
#include <tests/support/avrharnessprocess.h>

#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSerialPort>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>

using namespace LinkCheck;
using Portal::Testing::AvrHarnessProcess;
namespace P = Portal::Protocol;

namespace {

const QByteArray kDeviceIdHex = "0a1b2c3d4e5f6071";
const QString kCoseTool = QStringLiteral(PORTAL_SOURCE_DIR "/tests/node/cose-tool.js");
// One signature costs the emulated chip ≈ 33 M cycles: under a second of this machine's time.
constexpr int kSignTimeoutMs = 60000;

bool openPort(QSerialPort &port, const QString &path)
{
    port.setPortName(path);
    port.setBaudRate(115200);
    if (!port.open(QIODevice::ReadWrite))
        return false;
    port.clear();
    return true;
}

QString coseJsVerify(const QByteArray &sign1, const QByteArray &publicKey)
{
    QProcess node;
    node.start(QStringLiteral("node"),
               {kCoseTool, QStringLiteral("verify"), QString::fromLatin1(sign1.toHex()),
                QString::fromLatin1(publicKey.mid(1).toHex())});
    if (!node.waitForFinished(30000))
        return QStringLiteral("node did not finish");
    if (node.exitStatus() != QProcess::NormalExit || node.exitCode() != 0)
        return QString::fromUtf8(node.readAllStandardError());
    return QString();
}

QByteArray provision(LinkPeer &wizard, QString &failure)
{
    ProvisioningRequest request;
    request.deviceIdHex = kDeviceIdHex;
    request.board = "mega2560";
    request.vendor = "acme";
    request.type = "thermo";
    request.signTimeoutMs = kSignTimeoutMs;
    return provisionOverLink(wizard, request, failure);
}

// HELLO (same key) → challenge → proof verified with OpenSSL → ACCEPT, then the first sealed
// frame (the device verifies the ACCEPT and derives the link key before it sends one).
QString attach(LinkPeer &gateway, const QByteArray &publicKey)
{
    const std::optional<LinkFrame> helloFrame = gateway.waitFor(P::MessageType::Hello, 20000);
    P::HelloMessage hello;
    if (!helloFrame || !decodeAs(*helloFrame, hello))
        return QStringLiteral("no HELLO");
    if (bytesOf(hello.publicKey, 65) != publicKey)
        return QStringLiteral("HELLO carries another key");
    QElapsedTimer timer;
    timer.start();
    const QString failure =
        gateway.attach(QByteArray::fromHex(kDeviceIdHex), publicKey, kSignTimeoutMs);
    qInfo("attach exchange on the emulated chip: %lld ms of this machine's time up to the "
          "ACCEPT",
          qint64(timer.elapsed()));
    return failure;
}

// The next new READING (counter above `afterCounter`), verified and acknowledged. Resends of
// earlier ones (the device resends while it is busy signing the next) are acknowledged again.
std::optional<P::SignedReading> nextReading(LinkPeer &gateway, const QByteArray &publicKey,
                                            uint32_t afterCounter, QByteArray *sign1,
                                            QString &failure)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < kSignTimeoutMs) {
        const std::optional<LinkFrame> frame =
            gateway.waitFor(P::MessageType::Reading, kSignTimeoutMs);
        if (!frame)
            break;
        P::SignedReading reading;
        failure = verifySignedReading(frame->payload, publicKey, reading);
        if (!failure.isEmpty())
            return std::nullopt;
        P::AckMessage ack;
        ack.ackedSeq = frame->seq;
        ack.hasReadingCounter = true;
        ack.readingCounter = reading.counter;
        gateway.send(ack);
        if (reading.counter <= afterCounter)
            continue;
        if (sign1)
            *sign1 = frame->payload;
        return reading;
    }
    failure = QStringLiteral("no READING");
    return std::nullopt;
}

} // namespace

class TestSensorNodeAvr : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void provisionAttachReadAndCommand();
    void qemuUartSmoke();

private:
    QTemporaryDir m_dir;
};

void TestSensorNodeAvr::initTestCase()
{
    QVERIFY2(QFileInfo::exists(AvrHarnessProcess::harnessPath()),
             "simavr-harness is not built (libsimavr-dev missing? run scripts/install-deps)");
    QVERIFY2(QFileInfo::exists(AvrHarnessProcess::firmwarePath()),
             "the AVR image is not built (gcc-avr missing? run scripts/install-deps)");
}

void TestSensorNodeAvr::provisionAttachReadAndCommand()
{
    const QString eepromPath = m_dir.filePath("node.eeprom");
    AvrHarnessProcess::Options options;
    options.eepromPath = eepromPath;
    options.deviceIdHex = kDeviceIdHex;
    options.adc0Millivolts = 750; // 25.00 °C
    QByteArray publicKey;
    uint32_t highestCounter = 0;
    // Verified with cose-js once the board is off: the harness drops what the device sends
    // while nobody reads the pty (as a real line would), and ten node runs take seconds.
    QList<QByteArray> sign1s;
    {
        AvrHarnessProcess board(options);
        QVERIFY2(board.start(), board.output().constData());
        QSerialPort port;
        QVERIFY2(openPort(port, board.ptyPath()), qPrintable(port.errorString()));
        LinkPeer link(port);
        QString failure;
        publicKey = provision(link, failure);
        QVERIFY2(!publicKey.isEmpty(), qPrintable(failure + "\n" + board.output()));
        QCOMPARE(attach(link, publicKey), QString());

        // Ten readings: each signed (OpenSSL here, cose-js later), counters strictly rising,
        // the value the ADC input says (TMP36: 750 mV = 25 °C; one 10-bit step of 5 V is 4.9 mV,
        // i.e. 0.49 °C, and the conversion truncates).
        for (int i = 0; i < 10; ++i) {
            QByteArray sign1;
            const std::optional<P::SignedReading> reading =
                nextReading(link, publicKey, highestCounter, &sign1, failure);
            QVERIFY2(reading, qPrintable(failure + "\n" + board.output()));
            QVERIFY(reading->counter > highestCounter);
            highestCounter = reading->counter;
            QCOMPARE(QByteArray(reading->unit, reading->unitSize), QByteArray("Cel"));
            QCOMPARE(reading->scaleExponent, int8_t(-2));
            QVERIFY2(reading->value <= 2500 && reading->value > 2500 - 49,
                     qPrintable(QString::number(reading->value)));
            sign1s << sign1;
        }

        // The sensor follows its input. Readings signed before the change may still be
        // queued (the ring holds four, the pty more).
        board.setAdc0Millivolts(300); // −20.00 °C
        bool followed = false;
        QElapsedTimer sinceChange;
        sinceChange.start();
        while (!followed && sinceChange.elapsed() < kSignTimeoutMs) {
            const std::optional<P::SignedReading> reading =
                nextReading(link, publicKey, highestCounter, nullptr, failure);
            QVERIFY2(reading, qPrintable(failure));
            highestCounter = reading->counter;
            followed = reading->value <= -2000 && reading->value > -2000 - 49;
        }
        QVERIFY(followed);

        // COMMAND → the LED pin → COMMAND_STATUS.
        QCOMPARE(board.ledValue(), 0);
        P::CommandMessage command;
        command.commandId = 77;
        command.actuatorIndex = 0;
        command.value = 1;
        link.send(command);
        const std::optional<LinkFrame> statusFrame =
            link.waitFor(P::MessageType::CommandStatus, kSignTimeoutMs);
        P::CommandStatusMessage status;
        QVERIFY(statusFrame && decodeAs(*statusFrame, status));
        QCOMPARE(status.commandId, 77u);
        QCOMPARE(status.status, P::CommandStatus::Done);
        QCOMPARE(status.value, 1);
        QVERIFY2(board.waitForLed(1, 5000), board.output().constData());
        command.commandId = 78;
        command.value = 7;
        link.send(command);
        const std::optional<LinkFrame> refusedFrame =
            link.waitFor(P::MessageType::CommandStatus, kSignTimeoutMs);
        QVERIFY(refusedFrame && decodeAs(*refusedFrame, status));
        QCOMPARE(status.status, P::CommandStatus::ValueOutOfRange);
        QCOMPARE(board.ledValue(), 1);
        QCOMPARE(link.drops().badCrc, 0u);

        // A COMMAND without a seal, and a replayed sealed one, leave the LED pin alone.
        command.commandId = 79;
        command.value = 0;
        link.send(command);
        QVERIFY(link.waitFor(P::MessageType::CommandStatus, kSignTimeoutMs));
        QVERIFY2(board.waitForLed(0, 5000), board.output().constData());
        command.commandId = 80;
        command.value = 1;
        link.sendRaw(messageFrame(command, 500));
        QTest::qWait(2000);
        QCOMPARE(board.ledValue(), 0);
        const QByteArray sealedOn = link.session.sealMessage(command, 501);
        link.sendRaw(sealedOn);
        QVERIFY(link.waitFor(P::MessageType::CommandStatus, kSignTimeoutMs));
        QVERIFY2(board.waitForLed(1, 5000), board.output().constData());
        command.commandId = 81;
        command.value = 0;
        link.send(command);
        QVERIFY(link.waitFor(P::MessageType::CommandStatus, kSignTimeoutMs));
        QVERIFY2(board.waitForLed(0, 5000), board.output().constData());
        link.sendRaw(sealedOn); // the replay
        QTest::qWait(2000);
        QCOMPARE(board.ledValue(), 0);

        // Power cut: nothing saved on the way out.
        port.close();
        board.kill();
    }
    QCOMPARE(sign1s.size(), 10);
    for (const QByteArray &sign1 : sign1s)
        QCOMPARE(coseJsVerify(sign1, publicKey), QString());

    // The EEPROM kept the key, the lock and the counter reservation.
    AvrHarnessProcess board(options);
    QVERIFY2(board.start(), board.output().constData());
    QSerialPort port;
    QVERIFY(openPort(port, board.ptyPath()));
    LinkPeer link(port);
    link.send(P::ProvInfoRequestMessage());
    const std::optional<LinkFrame> frame = link.waitFor(P::MessageType::ProvInfoResponse, 10000);
    P::ProvInfoResponseMessage info;
    QVERIFY(frame && decodeAs(*frame, info));
    QCOMPARE(info.state, P::ProvisioningState::Locked);
    QVERIFY(info.hasPublicKey);
    QCOMPARE(bytesOf(info.publicKey, 65), publicKey);
    QCOMPARE(attach(link, publicKey), QString());
    QString failure;
    const std::optional<P::SignedReading> reading =
        nextReading(link, publicKey, 0, nullptr, failure);
    QVERIFY2(reading, qPrintable(failure));
    QVERIFY2(reading->counter > highestCounter,
             qPrintable(QString("%1 after %2").arg(reading->counter).arg(highestCounter)));
    QVERIFY2(board.stop(), board.output().constData());
    QVERIFY(board.output().contains("exit stopped"));
}

void TestSensorNodeAvr::qemuUartSmoke()
{
    const QString qemu = QStandardPaths::findExecutable(QStringLiteral("qemu-system-avr"));
    QVERIFY2(!qemu.isEmpty(), "qemu-system-avr is missing: run scripts/install-deps");
    QProcess emulator;
    emulator.setProcessChannelMode(QProcess::MergedChannels);
    emulator.setStandardInputFile(QProcess::nullDevice());
    emulator.start(qemu, {"-machine", "mega2560", "-bios", AvrHarnessProcess::firmwarePath(),
                          "-nographic", "-monitor", "none", "-serial", "pty"});
    QVERIFY(emulator.waitForStarted(10000));
    // "char device redirected to /dev/pts/N (label serial0)"
    QString ptyPath;
    const QRegularExpression redirected(QStringLiteral("redirected to (/dev/pts/\\d+)"));
    QByteArray output;
    QDeadlineTimer deadline(15000);
    while (ptyPath.isEmpty() && !deadline.hasExpired() && emulator.state() == QProcess::Running) {
        emulator.waitForReadyRead(500);
        output += emulator.readAll();
        const QRegularExpressionMatch match = redirected.match(QString::fromUtf8(output));
        if (match.hasMatch())
            ptyPath = match.captured(1);
    }
    QVERIFY2(!ptyPath.isEmpty(), output.constData());
    QSerialPort port;
    QVERIFY(openPort(port, ptyPath));
    LinkPeer link(port);
    // qemu has no EEPROM: the device runs as a factory device with an id from its entropy.
    std::optional<LinkFrame> frame;
    P::ProvInfoResponseMessage info;
    for (int attempt = 0; attempt < 5 && !frame; ++attempt) {
        link.send(P::ProvInfoRequestMessage());
        frame = link.waitFor(P::MessageType::ProvInfoResponse, 3000);
    }
    QVERIFY2(frame && decodeAs(*frame, info),
             qPrintable(QString::fromUtf8(output) + port.errorString() + " " +
                        QString::number(link.drops().badCrc) + " " +
                        QString::number(link.drops().badCobs)));
    QVERIFY(info.board.equals("mega2560", 8));
    QCOMPARE(info.state, P::ProvisioningState::Factory);
    QVERIFY(info.capabilities & P::kCapabilityProvisioning);
    port.close();
    emulator.kill();
    emulator.waitForFinished(5000);
}

QTEST_GUILESS_MAIN(TestSensorNodeAvr)
#include "tst_sensornodeavr.moc"
