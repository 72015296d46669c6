// The gateway's device link against the real sensor-node-sim, over TCP and over a serial
// port (a pty pair made by socat, bridged to the simulator's TCP "UART"): attach with proof
// of possession, readings handed to the sink and acknowledged only when it says durable, a
// command and its status.

#include "gateway/devicelink.h"
#include "tests/support/daemonprocess.h"

#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <memory>
#include <set>

using namespace Portal;

namespace {
const QString kSim = QStringLiteral(SENSOR_NODE_SIM_PATH);
const QString kDeviceId = QStringLiteral("00000000000000d1");
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
    QCOMPARE(Testing::runCommand(kSim,
                                 {QStringLiteral("init"), QStringLiteral("--state"), state,
                                  QStringLiteral("--device-id"), kDeviceId,
                                  QStringLiteral("--vendor"), QStringLiteral("acme"),
                                  QStringLiteral("--type"), QStringLiteral("valve"),
                                  QStringLiteral("--subscriber"), QStringLiteral("lab")},
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
    QSignalSpy attached(&deviceLink, &Gateway::DeviceLink::attached);
    deviceLink.start();
    QVERIFY(attached.wait(10000));
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
    QSignalSpy attached(&deviceLink, &Gateway::DeviceLink::attached);
    deviceLink.start();
    QVERIFY(attached.wait(10000));
    // Not durable: no ACK, so the device resends what it holds.
    QVERIFY(QTest::qWaitFor([&] { return !offers.empty() && offers.begin()->second >= 2; }, 10000));
    QCOMPARE(deviceLink.counters().readingsAcked, quint64(0));
    durable = true;
    QVERIFY(QTest::qWaitFor([&] { return deviceLink.counters().readingsAcked >= 1; }, 10000));
}

QTEST_GUILESS_MAIN(TestDeviceLink)
#include "tst_devicelink.moc"
