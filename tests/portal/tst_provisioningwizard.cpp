// The provisioning wizard against the sensor-node AVR image in simavr-harness, over the
// harness's pty (behind a stable symlink, as /dev/serial/by-id gives one on a real machine):
// a batch of two devices on one port with a CSV report, an unplug (the emulator killed)
// during key generation that leaves nothing in the store and is resumed with Retry, the same
// device resumed later with another class, and a locked device refused.
#include <app/portal/provisioningwizard.h>
#include <tests/support/avrharnessprocess.h>
#include <tests/support/childwidget.h>

#include <firmware/crypto/p256.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/protocol/crc16.h>
#include <portal-core/store/store.h>

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace Portal;
using Gui::ProvisioningWizard;
using Testing::AvrHarnessProcess;
using Testing::child;

namespace {

constexpr int kStepMs = 90000; // one signature in the emulator ≈ 1 s; generous under load

void screenshot(QWidget *widget, const QString &name)
{
    QDir().mkpath(QStringLiteral(SCREENSHOT_DIR));
    widget->grab().save(QStringLiteral(SCREENSHOT_DIR "/wizard-%1.png").arg(name));
}

} // namespace

class TestProvisioningWizard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void batchOfTwoDevicesOnOnePort();
    void unplugDuringKeyGenerationThenRetry();
    void resumedDeviceTakesTheChosenClass();
    void lockedDeviceIsRefused();
    void firstLayoutDeviceIsGivenTheAuthorityKey();

private:
    AvrHarnessProcess::Options boardOptions(const QByteArray &deviceIdHex) const;
    std::unique_ptr<ProvisioningWizard> openWizard();
    bool waitComplete(ProvisioningWizard &wizard, int timeoutMs = kStepMs);

    QTemporaryDir m_dir;
    std::unique_ptr<Store::Store> m_store;
    QString m_portLink;
};

void TestProvisioningWizard::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo::exists(AvrHarnessProcess::harnessPath()),
             "simavr-harness is not built (libsimavr-dev missing? run scripts/install-deps)");
    auto store = Store::Store::open(m_dir.filePath(QStringLiteral("portal.sqlite")));
    QVERIFY(store);
    m_store = std::move(*store);
    QVERIFY(m_store->upsertTemplate({QStringLiteral("small"), {}}));
    Store::DeviceClass thermometers;
    thermometers.name = QStringLiteral("thermometers");
    thermometers.vendor = QStringLiteral("acme");
    thermometers.type = QStringLiteral("thermo");
    thermometers.templateName = QStringLiteral("small");
    QVERIFY(m_store->upsertDeviceClass(thermometers));
    // What iot-portald stores at start: the device-authority key's point, which the wizard
    // writes into each device with PROV_SET_CONFIG.
    auto authority = Crypto::PrivateKey::generateP256();
    QVERIFY(authority);
    const auto point = authority->publicKeyUncompressedPoint();
    QVERIFY(m_store->setPortalKey(QStringLiteral("device-authority"),
                                  QByteArray(reinterpret_cast<const char *>(point.data()), 65)));
    m_portLink = m_dir.filePath(QStringLiteral("ttyACM-sensor-node"));
}

AvrHarnessProcess::Options TestProvisioningWizard::boardOptions(const QByteArray &deviceIdHex) const
{
    AvrHarnessProcess::Options options;
    options.eepromPath = m_dir.filePath(QString::fromLatin1(deviceIdHex) + ".eeprom");
    options.deviceIdHex = deviceIdHex;
    options.ptyLink = m_portLink;
    return options;
}

std::unique_ptr<ProvisioningWizard> TestProvisioningWizard::openWizard()
{
    Gui::ProvisioningTimeouts timeouts;
    timeouts.answerMs = 5000;
    timeouts.signMs = kStepMs;
    auto wizard = std::make_unique<ProvisioningWizard>(*m_store, nullptr, timeouts);
    wizard->resize(720, 520);
    wizard->show();
    child<QComboBox>(wizard.get(), "portPath")->setEditText(m_portLink);
    return wizard;
}

bool TestProvisioningWizard::waitComplete(ProvisioningWizard &wizard, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!wizard.currentPage()->isComplete() && !deadline.hasExpired())
        QTest::qWait(50);
    return wizard.currentPage()->isComplete();
}

void TestProvisioningWizard::batchOfTwoDevicesOnOnePort()
{
    const QList<QByteArray> ids = {"00a0b0c0d0e0f001", "00a0b0c0d0e0f002"};
    auto wizard = openWizard();
    screenshot(wizard.get(), QStringLiteral("1-port"));
    child<QCheckBox>(wizard.get(), "batchMode")->setChecked(true);
    for (int i = 0; i < ids.size(); ++i) {
        AvrHarnessProcess board(boardOptions(ids[i]));
        QVERIFY2(board.start(), board.output().constData());
        if (i == 0) {
            wizard->next();
        } else {
            // Batch mode: the next device on the same port, from Identify, same choices.
            QVERIFY(wizard->button(QWizard::CustomButton1)->isVisible());
            wizard->button(QWizard::CustomButton1)->click();
        }
        QCOMPARE(wizard->currentId(), int(ProvisioningWizard::IdentifyPage));
        QVERIFY2(waitComplete(*wizard),
                 qPrintable(wizard->statusText(ProvisioningWizard::IdentifyPage)));
        QVERIFY(wizard->statusText(ProvisioningWizard::IdentifyPage).contains(ids[i]));
        QVERIFY(wizard->statusText(ProvisioningWizard::IdentifyPage).contains("mega2560"));
        if (i == 0)
            screenshot(wizard.get(), QStringLiteral("2-identify"));
        wizard->next();
        QCOMPARE(wizard->currentId(), int(ProvisioningWizard::ClassPage));
        if (i == 0) {
            QVERIFY(!wizard->currentPage()->isComplete()); // no attributes: no class matches
            child<QLineEdit>(wizard.get(), "vendor")->setText(QStringLiteral("acme"));
            child<QLineEdit>(wizard.get(), "type")->setText(QStringLiteral("thermo"));
            child<QSpinBox>(wizard.get(), "interval")->setValue(30);
            screenshot(wizard.get(), QStringLiteral("3-class"));
        }
        QVERIFY(wizard->currentPage()->isComplete());
        wizard->next();
        QCOMPARE(wizard->currentId(), int(ProvisioningWizard::KeysPage));
        QVERIFY2(waitComplete(*wizard),
                 qPrintable(wizard->statusText(ProvisioningWizard::KeysPage) + board.output()));
        if (i == 0)
            screenshot(wizard.get(), QStringLiteral("4-keys"));
        auto registered = m_store->findDevice(QString::fromLatin1(ids[i]));
        QVERIFY(registered);
        QCOMPARE(registered->className, QStringLiteral("thermometers"));
        QCOMPARE(registered->publicKey.size(), 65);
        QVERIFY(wizard->statusText(ProvisioningWizard::KeysPage)
                    .contains(ProvisioningWizard::fingerprintOf(registered->publicKey)));
        wizard->next();
        QVERIFY2(waitComplete(*wizard),
                 qPrintable(wizard->statusText(ProvisioningWizard::VerifyPage)));
        QVERIFY(wizard->statusText(ProvisioningWizard::VerifyPage).contains("Passed"));
        QVERIFY(wizard->statusText(ProvisioningWizard::VerifyPage).contains("Cel"));
        if (i == 0)
            screenshot(wizard.get(), QStringLiteral("5-verify"));
        wizard->next();
        QCOMPARE(wizard->currentId(), int(ProvisioningWizard::FinishPage));
        QVERIFY2(waitComplete(*wizard),
                 qPrintable(wizard->statusText(ProvisioningWizard::FinishPage)));
        QVERIFY(wizard->statusText(ProvisioningWizard::FinishPage).contains("interval") ||
                wizard->statusText(ProvisioningWizard::FinishPage).contains("every 30 s"));
        if (i == 0)
            screenshot(wizard.get(), QStringLiteral("6-finish"));
        QVERIFY2(board.stop(), board.output().constData());
    }
    QCOMPARE(wizard->batch().size(), 2);
    const QString reportPath = m_dir.filePath(QStringLiteral("batch.csv"));
    QVERIFY(wizard->saveBatchReport(reportPath));
    QFile report(reportPath);
    QVERIFY(report.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = report.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], QByteArray("finished_at,device_id,class,key_fingerprint,outcome"));
    for (int i = 0; i < ids.size(); ++i) {
        QVERIFY(lines[i + 1].contains("," + ids[i] + ",thermometers,"));
        QVERIFY(lines[i + 1].endsWith(",provisioned"));
    }
    wizard->button(QWizard::FinishButton)->click();
}

void TestProvisioningWizard::unplugDuringKeyGenerationThenRetry()
{
    const QByteArray id = "00a0b0c0d0e0f0aa";
    AvrHarnessProcess board(boardOptions(id));
    QVERIFY2(board.start(), board.output().constData());
    auto wizard = openWizard();
    wizard->next();
    QVERIFY(waitComplete(*wizard));
    wizard->next();
    child<QLineEdit>(wizard.get(), "vendor")->setText(QStringLiteral("acme"));
    child<QLineEdit>(wizard.get(), "type")->setText(QStringLiteral("thermo"));
    wizard->next();
    QCOMPARE(wizard->currentId(), int(ProvisioningWizard::KeysPage));
    QTRY_VERIFY_WITH_TIMEOUT(
        wizard->statusText(ProvisioningWizard::KeysPage).contains(QLatin1String("Step 2 of 3")),
        10000);
    board.kill(); // unplugged while it generates its key

    QTRY_VERIFY2_WITH_TIMEOUT(
        wizard->statusText(ProvisioningWizard::KeysPage).contains(QLatin1String("unplugged")),
        qPrintable(wizard->statusText(ProvisioningWizard::KeysPage)), 15000);
    screenshot(wizard.get(), QStringLiteral("4-keys-unplugged"));
    QVERIFY(!wizard->currentPage()->isComplete());
    QCOMPARE(m_store->findDevice(QString::fromLatin1(id)).error().code,
             std::string("store.not_found"));

    // Plugged in again (its EEPROM kept the settings): Retry finishes the step.
    AvrHarnessProcess again(boardOptions(id));
    QVERIFY2(again.start(), again.output().constData());
    child<QPushButton>(wizard->currentPage(), "retry")->click();
    QVERIFY2(waitComplete(*wizard), qPrintable(wizard->statusText(ProvisioningWizard::KeysPage)));
    QVERIFY(m_store->findDevice(QString::fromLatin1(id)));
    wizard->reject();
    QVERIFY(again.stop());
}

void TestProvisioningWizard::resumedDeviceTakesTheChosenClass()
{
    // Registered by unplugDuringKeyGenerationThenRetry, key on the device, not locked.
    const QString id = QStringLiteral("00a0b0c0d0e0f0aa");
    const auto before = m_store->findDevice(id);
    QVERIFY(before);
    QCOMPARE(before->className, QStringLiteral("thermometers"));
    Store::DeviceClass lab;
    lab.name = QStringLiteral("lab-thermometers");
    lab.vendor = QStringLiteral("acme");
    lab.type = QStringLiteral("thermo-lab");
    lab.templateName = QStringLiteral("small");
    QVERIFY(m_store->upsertDeviceClass(lab));

    AvrHarnessProcess board(boardOptions(id.toLatin1()));
    QVERIFY2(board.start(), board.output().constData());
    auto wizard = openWizard();
    wizard->next();
    QVERIFY(waitComplete(*wizard));
    QVERIFY2(wizard->statusText(ProvisioningWizard::IdentifyPage).contains("continues"),
             qPrintable(wizard->statusText(ProvisioningWizard::IdentifyPage)));
    wizard->next();
    auto *classes = child<QComboBox>(wizard.get(), "deviceClass");
    classes->setCurrentIndex(classes->findText(lab.name)); // fills in vendor and type
    QVERIFY(wizard->currentPage()->isComplete());
    wizard->next();
    QCOMPARE(wizard->currentId(), int(ProvisioningWizard::KeysPage));
    QVERIFY2(waitComplete(*wizard), qPrintable(wizard->statusText(ProvisioningWizard::KeysPage)));
    QVERIFY2(wizard->statusText(ProvisioningWizard::KeysPage).contains("lab-thermometers"),
             qPrintable(wizard->statusText(ProvisioningWizard::KeysPage)));
    const auto after = m_store->findDevice(id);
    QVERIFY(after);
    QCOMPARE(after->className, lab.name);
    QCOMPARE(after->publicKey, before->publicKey); // resumed: no new key
    const auto audit = m_store->auditLog(5);
    QVERIFY(audit);
    QVERIFY(std::any_of(audit->begin(), audit->end(), [&](const Store::AuditEntry &entry) {
        return entry.subject == QStringLiteral("device:") + id &&
               entry.detail == QStringLiteral("class lab-thermometers (was thermometers)");
    }));
    wizard->next();
    QVERIFY2(waitComplete(*wizard), qPrintable(wizard->statusText(ProvisioningWizard::VerifyPage)));
    QVERIFY(wizard->statusText(ProvisioningWizard::VerifyPage).contains("Passed"));
    wizard->reject();
    QVERIFY(board.stop());
}

void TestProvisioningWizard::lockedDeviceIsRefused()
{
    // Provisioned and locked by batchOfTwoDevicesOnOnePort.
    AvrHarnessProcess board(boardOptions("00a0b0c0d0e0f001"));
    QVERIFY2(board.start(), board.output().constData());
    auto wizard = openWizard();
    wizard->next();
    QTRY_VERIFY_WITH_TIMEOUT(
        wizard->statusText(ProvisioningWizard::IdentifyPage).contains(QLatin1String("locked")),
        15000);
    QVERIFY(!wizard->currentPage()->isComplete());
    screenshot(wizard.get(), QStringLiteral("2-identify-locked"));
    wizard->reject();
    QVERIFY(board.stop());
}

// EEPROM of a device provisioned by the first firmware: one slot of layout 1 (a record without
// the authority key), locked, as docs/protocol.md says avrdude -D leaves it.
QByteArray firstLayoutEeprom(const QByteArray &deviceIdHex)
{
    QByteArray record(193, '\0'); // the ATmega2560's first-layout record (no padding)
    const QByteArray id = QByteArray::fromHex(deviceIdHex);
    std::memcpy(record.data(), id.constData(), 8);
    record[8] = 1;  // hasConfig
    record[9] = 1;  // hasKey
    record[10] = 1; // locked
    record[11] = 0x32;
    record[12] = 0x33; // PAN id
    record[13] = 15;   // channel
    std::memcpy(record.data() + 14, "acme", 4);
    record[38] = 4;
    std::memcpy(record.data() + 39, "thermo", 6);
    record[63] = 6;
    record[89] = 60; // reporting interval, little-endian
    QByteArray privateKey(32, '\x11');
    QByteArray publicKey(64, '\0');
    Portal::FirmwareCrypto::derivePublicKey(
        reinterpret_cast<const uint8_t *>(privateKey.constData()),
        reinterpret_cast<uint8_t *>(publicKey.data()));
    std::memcpy(record.data() + 93, privateKey.constData(), 32);
    std::memcpy(record.data() + 125, publicKey.constData(), 64);
    record[189] = 16; // counterLimit
    QByteArray slot = QByteArray("PN") +
                      QByteArray::fromHex("0100"
                                          "01000000"
                                          "c100") +
                      record;
    const uint16_t crc = Portal::Protocol::crc16CcittFalse(
        reinterpret_cast<const uint8_t *>(slot.constData()), size_t(slot.size()));
    slot.append(char(crc & 0xFF));
    slot.append(char(crc >> 8));
    QByteArray eeprom(4096, '\xff');
    eeprom.replace(0, slot.size(), slot);
    eeprom.replace(4096 - 8, 8, id);
    return eeprom;
}

void TestProvisioningWizard::firstLayoutDeviceIsGivenTheAuthorityKey()
{
    const QByteArray id = "00a0b0c0d0e0f0f9";
    AvrHarnessProcess::Options options = boardOptions(id);
    QFile eeprom(options.eepromPath);
    QVERIFY(eeprom.open(QIODevice::WriteOnly));
    eeprom.write(firstLayoutEeprom(id));
    eeprom.close();
    {
        AvrHarnessProcess board(options);
        QVERIFY2(board.start(), board.output().constData());
        auto wizard = openWizard();
        wizard->next();
        QTRY_VERIFY_WITH_TIMEOUT(wizard->statusText(ProvisioningWizard::IdentifyPage)
                                     .contains(QLatin1String("holds no device-authority key")),
                                 15000);
        QVERIFY(wizard->statusText(ProvisioningWizard::IdentifyPage).contains(id));
        QVERIFY(!wizard->currentPage()->isComplete());
        auto *give = child<QPushButton>(wizard.get(), "giveAuthority");
        QVERIFY(give->isVisible());
        screenshot(wizard.get(), QStringLiteral("2-identify-authority"));
        give->click();
        QTRY_VERIFY_WITH_TIMEOUT(wizard->statusText(ProvisioningWizard::IdentifyPage)
                                     .contains(QLatin1String("now holds the portal's")),
                                 kStepMs);
        QVERIFY(!wizard->currentPage()->isComplete()); // nothing else to do for this device
        wizard->reject();
        QVERIFY(board.stop());
    }
    // Kept in the EEPROM (now layout 2): the device is an ordinary locked one, the key once only.
    AvrHarnessProcess board(options);
    QVERIFY2(board.start(), board.output().constData());
    auto wizard = openWizard();
    wizard->next();
    QTRY_VERIFY_WITH_TIMEOUT(wizard->statusText(ProvisioningWizard::IdentifyPage)
                                 .contains(QLatin1String("already provisioned and locked")),
                             15000);
    QVERIFY(!child<QPushButton>(wizard.get(), "giveAuthority")->isVisible());
    wizard->reject();
    QVERIFY(board.stop());
}

QTEST_MAIN(TestProvisioningWizard)
#include "tst_provisioningwizard.moc"
