// The gateway's device link against the real sensor-node-sim, over TCP and over a serial
// port (a pty pair made by socat, bridged to the simulator's TCP "UART"): the attach exchange
// with the portal's part played by PortalStandIn (it checks the proof with OpenSSL and signs the
// authorisation with the test's authority key), readings handed to the sink and acknowledged
// only when it says durable, a command and its status, and frames injected into the live link
// by a man in the middle.

#include "gateway/devicelink.h"
#include "tests/sensornode/linkcheck.h"
#include "tests/support/daemonprocess.h"

#include <QTcpServer>
#include <QTcpSocket>

#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>

using namespace Portal;
namespace P = Portal::Protocol;

namespace {
const QString kSim = QStringLiteral(SENSOR_NODE_SIM_PATH);
const QString kDeviceId = QStringLiteral("00000000000000d1");

// The portal's half of the attach exchange for one DeviceLink.
class PortalStandIn
{
public:
    explicit PortalStandIn(Gateway::DeviceLink &link, bool refuse = false)
    {
        QObject::connect(
            &link, &Gateway::DeviceLink::attachRequested, &link,
            [&link, this](const Gateway::DeviceIdentity &identity, const QByteArray &gatewayKey) {
                m_identity = identity;
                m_gatewayKey = gatewayKey;
                m_challenge = QByteArray(16, Qt::Uninitialized);
                for (char &byte : m_challenge)
                    byte = char(QRandomGenerator::global()->generate());
                link.challenge(m_challenge);
            });
        QObject::connect(
            &link, &Gateway::DeviceLink::proofReceived, &link,
            [&link, this, refuse](const QByteArray &deviceId, const QByteArray &challenge,
                                  const QByteArray &deviceKey, const QByteArray &signature) {
                auto key = Crypto::Es256PublicKey::fromUncompressedPoint(
                    LinkCheck::cryptoView(m_identity.publicKey));
                const QByteArray proven = QByteArray("iot-portal attach proof v2") + challenge +
                                          deviceId + m_gatewayKey + deviceKey;
                if (refuse || challenge != m_challenge || !key ||
                    !key->verifyRaw(LinkCheck::cryptoView(proven),
                                    LinkCheck::cryptoView(signature))) {
                    ++refused;
                    link.abandonAttach(QStringLiteral("refused by the portal stand-in"));
                    return;
                }
                ++proofs;
                const QByteArray authorised = QByteArray("iot-portal attach authorisation v2") +
                                              deviceId + challenge + m_gatewayKey + deviceKey +
                                              QByteArray("test-gw");
                const auto signatureBytes = Crypto::signParts(LinkCheck::testAuthority(),
                                                              {LinkCheck::cryptoView(authorised)});
                link.accept(QStringLiteral("test-gw"),
                            QByteArray(reinterpret_cast<const char *>(signatureBytes->data()), 64));
            });
    }

    int proofs = 0;
    int refused = 0;

private:
    Gateway::DeviceIdentity m_identity;
    QByteArray m_gatewayKey;
    QByteArray m_challenge;
};

// Forwards one TCP connection both ways and lets the test inject bytes in either direction.
class ManInTheMiddle
{
public:
    bool listen(quint16 targetPort)
    {
        m_targetPort = targetPort;
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            m_gateway.reset(m_server.nextPendingConnection());
            m_device = std::make_unique<QTcpSocket>();
            m_device->connectToHost(QStringLiteral("127.0.0.1"), m_targetPort);
            QObject::connect(m_gateway.get(), &QTcpSocket::readyRead, m_gateway.get(),
                             [this] { m_device->write(m_gateway->readAll()); });
            QObject::connect(m_device.get(), &QTcpSocket::readyRead, m_device.get(),
                             [this] { m_gateway->write(m_device->readAll()); });
        });
        return m_server.listen(QHostAddress::LocalHost, 0);
    }
    quint16 port() const { return m_server.serverPort(); }
    void toGateway(const QByteArray &bytes) { m_gateway->write(bytes); }
    void toDevice(const QByteArray &bytes) { m_device->write(bytes); }

private:
    QTcpServer m_server;
    quint16 m_targetPort = 0;
    std::unique_ptr<QTcpSocket> m_gateway;
    std::unique_ptr<QTcpSocket> m_device;
};

} // namespace

class TestDeviceLink : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void attachesReadsAndCommands_data();
    void attachesReadsAndCommands();
    void readingNotDurableIsNotAcknowledged();
    void refusedProofLeavesTheDeviceDetached();
    void injectedFramesAreDroppedOnALiveLink();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Testing::DaemonProcess> m_sim;
    std::unique_ptr<QProcess> m_socat;
};

void TestDeviceLink::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    const QString state = m_dir->filePath(QStringLiteral("device.state"));
    QByteArray output;
    QCOMPARE(
        Testing::runCommand(kSim,
                            {QStringLiteral("init"), QStringLiteral("--state"), state,
                             QStringLiteral("--device-id"), kDeviceId, QStringLiteral("--vendor"),
                             QStringLiteral("acme"), QStringLiteral("--type"),
                             QStringLiteral("valve"), QStringLiteral("--subscriber"),
                             QStringLiteral("lab"), QStringLiteral("--authority-key"),
                             QString::fromLatin1(LinkCheck::testAuthorityPoint().toBase64())},
                            &output),
        0);
    m_sim = std::make_unique<Testing::DaemonProcess>(
        kSim, QStringList{QStringLiteral("serve"), QStringLiteral("--state"), state,
                          QStringLiteral("--interval-ms"), QStringLiteral("200"),
                          QStringLiteral("--resend-ms"), QStringLiteral("300")});
    QVERIFY2(m_sim->start(), m_sim->output().constData());
}

void TestDeviceLink::cleanup()
{
    if (m_socat) {
        m_socat->terminate();
        m_socat->waitForFinished(5000);
        m_socat.reset();
    }
    if (m_sim)
        QVERIFY2(m_sim->stop(), m_sim->output().constData());
    m_sim.reset();
    m_dir.reset();
}

void TestDeviceLink::attachesReadsAndCommands_data()
{
    QTest::addColumn<bool>("serial");
    QTest::newRow("tcp") << false;
    QTest::newRow("serial over a pty") << true;
}

void TestDeviceLink::attachesReadsAndCommands()
{
    QFETCH(bool, serial);
    QString link = QStringLiteral("tcp:127.0.0.1:%1").arg(m_sim->port());
    if (serial) {
        const QString pty = m_dir->filePath(QStringLiteral("device.pty"));
        m_socat = std::make_unique<QProcess>();
        m_socat->start(QStringLiteral("socat"),
                       {QStringLiteral("pty,raw,echo=0,link=") + pty,
                        QStringLiteral("tcp:127.0.0.1:%1").arg(m_sim->port())});
        QVERIFY2(m_socat->waitForStarted(5000), "socat is missing: run scripts/install-deps");
        QVERIFY(QTest::qWaitFor([&] { return QFileInfo::exists(pty); }, 5000));
        link = QStringLiteral("serial:%1@115200").arg(pty);
    }
    auto address = Gateway::LinkAddress::parse(link);
    QVERIFY(address);

    std::set<quint32> counters;
    Gateway::DeviceLink deviceLink(
        *address, [&](const QByteArray &deviceId, quint32 counter, const QByteArray &message) {
            if (deviceId.toHex() == kDeviceId.toLatin1() && message.startsWith('\xd2'))
                counters.insert(counter);
            return true;
        });
    PortalStandIn portal(deviceLink);
    QSignalSpy attached(&deviceLink, &Gateway::DeviceLink::attached);
    deviceLink.start();
    QVERIFY(attached.wait(10000));
    QCOMPARE(portal.proofs, 1);
    QCOMPARE(deviceLink.identity().deviceId.toHex(), kDeviceId.toLatin1());
    QCOMPARE(deviceLink.identity().type, QStringLiteral("valve"));

    QVERIFY(QTest::qWaitFor([&] { return counters.size() >= 5; }, 10000));
    QVERIFY(deviceLink.counters().readingsAcked >= 5);

    QSignalSpy status(&deviceLink, &Gateway::DeviceLink::commandStatus);
    QVERIFY(deviceLink.sendCommand(77, 0, 1));
    QVERIFY(status.wait(5000));
    QCOMPARE(status.first().at(0).toUInt(), 77u);
    QCOMPARE(status.first().at(1).toInt(), 0); // done
    QCOMPARE(status.first().at(2).toInt(), 1);
    QCOMPARE(deviceLink.counters().attachFailures, quint64(0));
    QCOMPARE(deviceLink.counters().readingsRefused, quint64(0)); // every genuine one verified
    QCOMPARE(deviceLink.counters().sealFailures, quint64(0));
}

void TestDeviceLink::readingNotDurableIsNotAcknowledged()
{
    auto address =
        Gateway::LinkAddress::parse(QStringLiteral("tcp:127.0.0.1:%1").arg(m_sim->port()));
    QVERIFY(address);
    std::map<quint32, int> offers; // counter -> times offered
    bool durable = false;
    Gateway::DeviceLink deviceLink(*address,
                                   [&](const QByteArray &, quint32 counter, const QByteArray &) {
                                       ++offers[counter];
                                       return durable;
                                   });
    PortalStandIn portal(deviceLink);
    QSignalSpy attached(&deviceLink, &Gateway::DeviceLink::attached);
    deviceLink.start();
    QVERIFY(attached.wait(10000));
    // Not durable: no ACK, so the device resends what it holds.
    QVERIFY(QTest::qWaitFor([&] { return !offers.empty() && offers.begin()->second >= 2; }, 10000));
    QCOMPARE(deviceLink.counters().readingsAcked, quint64(0));
    durable = true;
    QVERIFY(QTest::qWaitFor([&] { return deviceLink.counters().readingsAcked >= 1; }, 10000));
}

void TestDeviceLink::refusedProofLeavesTheDeviceDetached()
{
    auto address =
        Gateway::LinkAddress::parse(QStringLiteral("tcp:127.0.0.1:%1").arg(m_sim->port()));
    QVERIFY(address);
    int offered = 0;
    Gateway::DeviceLink deviceLink(*address, [&](const QByteArray &, quint32, const QByteArray &) {
        ++offered;
        return true;
    });
    PortalStandIn portal(deviceLink, true);
    deviceLink.start();
    QVERIFY(QTest::qWaitFor([&] { return portal.refused >= 1; }, 10000));
    QTest::qWait(1500);
    QVERIFY(!deviceLink.isAttached());
    QCOMPARE(offered, 0);
    QVERIFY(!deviceLink.sendCommand(1, 0, 1));
    QVERIFY(deviceLink.counters().attachFailures >= 1);
}

void TestDeviceLink::injectedFramesAreDroppedOnALiveLink()
{
    ManInTheMiddle attacker;
    QVERIFY(attacker.listen(m_sim->port()));
    auto address =
        Gateway::LinkAddress::parse(QStringLiteral("tcp:127.0.0.1:%1").arg(attacker.port()));
    QVERIFY(address);
    std::vector<quint32> stored; // what the sink took as durable, in order
    std::optional<quint32> held; // the reading the device holds while the sink refuses
    bool durable = true;
    Gateway::DeviceLink deviceLink(*address,
                                   [&](const QByteArray &, quint32 counter, const QByteArray &) {
                                       if (!durable) {
                                           held = counter;
                                           return false;
                                       }
                                       stored.push_back(counter);
                                       return true;
                                   });
    PortalStandIn portal(deviceLink);
    QSignalSpy attached(&deviceLink, &Gateway::DeviceLink::attached);
    deviceLink.start();
    QVERIFY(attached.wait(10000));
    QVERIFY(QTest::qWaitFor([&] { return stored.size() >= 2; }, 10000));
    durable = false;
    QVERIFY(QTest::qWaitFor([&] { return held.has_value(); }, 10000));

    // Towards the gateway: a sealed READING with the next counter and a tag that is not the
    // link key's, and an unsealed one. Towards the device: a forged sealed ACK and an unsealed
    // one for the reading it holds. All are dropped: the held reading is resent and stored.
    const QByteArray fakeKey(32, char(0x5a));
    Crypto::LinkMac wrongMac(LinkCheck::cryptoView(fakeKey));
    const QByteArray forged =
        QByteArray::fromHex("d28443a10126a104480000000000000000d1") + QByteArray(40, char(0x11));
    uint8_t frame[P::kMaxFrameBytes];
    const auto sealedReading = P::encodeSealedFrame(
        uint8_t(P::MessageType::Reading), 9000, LinkCheck::u8(forged), size_t(forged.size()),
        0x7fffffff, P::LinkDirection::DeviceToGateway, wrongMac, frame, sizeof frame);
    attacker.toGateway(LinkCheck::bytesOf(frame, sealedReading.size));
    attacker.toGateway(LinkCheck::frameBytes(uint8_t(P::MessageType::Reading), 9001, forged));
    P::AckMessage ack;
    ack.ackedSeq = 0;
    ack.hasReadingCounter = true;
    ack.readingCounter = *held;
    P::Payload payload;
    QCOMPARE(ack.encode(payload), P::MessageError::None);
    const auto sealedAck = P::encodeSealedFrame(
        uint8_t(P::MessageType::Ack), 9002, payload.bytes, payload.size, 0x7fffffff,
        P::LinkDirection::GatewayToDevice, wrongMac, frame, sizeof frame);
    attacker.toDevice(LinkCheck::bytesOf(frame, sealedAck.size));
    attacker.toDevice(LinkCheck::messageFrame(ack, 9003));
    QVERIFY(QTest::qWaitFor([&] { return deviceLink.counters().sealFailures >= 2; }, 5000));
    QTest::qWait(1000);
    durable = true;
    const quint32 heldCounter = *held;
    QVERIFY(
        QTest::qWaitFor([&] { return !stored.empty() && stored.back() > heldCounter + 2; }, 15000));
    // Every counter arrived once, in order: none was skipped by a forged ACK or taken by a
    // forged READING.
    std::vector<quint32> distinct;
    for (quint32 counter : stored) {
        if (distinct.empty() || counter > distinct.back())
            distinct.push_back(counter);
    }
    for (size_t i = 1; i < distinct.size(); ++i)
        QCOMPARE(distinct[i], distinct[i - 1] + 1);
    QVERIFY(std::find(distinct.begin(), distinct.end(), heldCounter) != distinct.end());
    QCOMPARE(deviceLink.counters().readingsRefused, quint64(0));
}

QTEST_GUILESS_MAIN(TestDeviceLink)
#include "tst_devicelink.moc"
