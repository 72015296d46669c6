// `iot-portal --demo`'s lab: scripts/demo started by DemoLab (with this build's programs:
// BSF, portald, three simulated devices, a gateway bootstrapping with GBA), and the main
// window opened on it shows the gateway online, the devices ready and a device's verified
// readings charted within seconds; a second DemoLab on the same folder uses the running lab;
// stopping the lab stops its programs.

#include <app/portal/demolab.h>
#include <app/portal/devicepanel.h>
#include <app/portal/mainwindow.h>

#include <portal-core/cloud/admintls.h>

#include <QDir>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Portal;
using Section = Gui::MainWindow::Section;

class TestDemoLab : public QObject
{
    Q_OBJECT

private slots:
    void labStartsAndTheWindowShowsItLive();
};

void TestDemoLab::labStartsAndTheWindowShowsItLive()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString labDir = dir.filePath(QStringLiteral("lab"));
    qputenv("PORTAL_BIN_DIR", PORTAL_BIN_DIR);
    QVERIFY(!Gui::DemoLab::isRunning(labDir));
    auto lab = std::make_unique<Gui::DemoLab>(QStringLiteral(DEMO_SCRIPT), labDir, 120000);
    QSignalSpy ready(lab.get(), &Gui::DemoLab::ready);
    QSignalSpy failed(lab.get(), &Gui::DemoLab::failed);
    QSignalSpy progress(lab.get(), &Gui::DemoLab::progress);
    lab->start();
    QVERIFY(lab->startedHere());
    QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() || !failed.isEmpty(), 120000);
    QVERIFY2(failed.isEmpty(),
             failed.isEmpty() ? "" : qPrintable(failed.first().first().toString()));
    QVERIFY(progress.size() > 1); // the script's own lines, not a made-up percentage

    {
        Gui::DemoLab again(QStringLiteral(DEMO_SCRIPT), labDir);
        QSignalSpy readyAgain(&again, &Gui::DemoLab::ready);
        again.start();
        QCOMPARE(readyAgain.size(), 1);
        QVERIFY(!again.startedHere());
    } // leaves the lab running

    auto store = Store::Store::open(lab->databasePath());
    QVERIFY(store);
    const QDir pki(lab->pkiDir());
    auto adminTls = Cloud::makeAdminTlsConfiguration({pki.filePath("portal-admin.crt"),
                                                      pki.filePath("portal-admin.key"),
                                                      pki.filePath("portal-ca.crt")});
    QVERIFY(adminTls);
    {
        Gui::MainWindow window(**store, lab->databasePath(), 500, *adminTls);
        window.resize(1100, 700);
        window.show();
        window.showSection(Section::Devices);
        const QString thermometer = QStringLiteral("00000000000000a1");
        QTRY_VERIFY_WITH_TIMEOUT((*store)->findDevice(thermometer) &&
                                     (*store)->findDevice(thermometer)->state ==
                                         Store::DeviceState::Ready,
                                 90000);
        QTRY_VERIFY_WITH_TIMEOUT(window.selectKey(Section::Devices, thermometer), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(window.devicePanel()->chartedReadings() > 0, 30000);
        // The gateway's heartbeat tells what the instance said of the thermometer's readings.
        const Gui::StoreTableModel *devices = window.model(Section::Devices);
        const auto cell = [&](const QString &header) {
            for (int column = 0; column < devices->columnCount(); ++column) {
                if (devices->headerData(column, Qt::Horizontal).toString() == header)
                    return devices->index(devices->rowOfKey(thermometer), column).data().toString();
            }
            return QStringLiteral("no column ") + header;
        };
        QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("Signature")), QStringLiteral("verified"),
                                  30000);
        QVERIFY(cell(QStringLiteral("Last reading")) != QLatin1String("never"));
        QVERIFY(cell(QStringLiteral("Last seen")) != QLatin1String("never"));
        const auto *record =
            window.devicePanel()->findChild<QLabel *>(QStringLiteral("deviceRecord"));
        QVERIFY(record);
        QTRY_VERIFY_WITH_TIMEOUT(record->text().contains(QLatin1String("signature verified")),
                                 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.liveStateText().contains(QLatin1String("Gateways online 1/1")), 30000);
        QVERIFY2(window.liveStateText().contains(QLatin1String("Devices 3")),
                 qPrintable(window.liveStateText()));
    }
    lab->stop();
    QVERIFY(!Gui::DemoLab::isRunning(labDir));
}

QTEST_MAIN(TestDemoLab)
#include "tst_demolab.moc"
