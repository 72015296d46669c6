// The admin GUI's main window driven as an operator would, over a real SQLite store with a
// real Portal::Engine in the same process (the local backend running iot-m2m-service): create a
// template and a class in their editors (invalid input refused with its message, nothing
// saved), attach a device through the engine and see it and its instance appear live with the
// selection kept, ask for a dry run and see the leader's real answer, export the audit log.
// Every section is rendered to build/screenshots/<section>.png and checked not to be blank.

#include "tests/support/childwidget.h"
#include "tests/support/postgresserver.h"
#include "tests/support/signedreading.h"
#include "tests/support/testfiles.h"

#include <app/portal/devicepanel.h>
#include <app/portal/editors.h>
#include <app/portal/mainwindow.h>
#include <app/portal/policyeditor.h>

#include <portal-core/cloud/local/localbackend.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/engine/portalengine.h>

#include <QApplication>
#include <QChart>
#include <QComboBox>
#include <QDir>
#include <QEventLoop>
#include <QGuiApplication>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSpinBox>
#include <QSslKey>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace Portal;
using Testing::child;
using Section = Gui::MainWindow::Section;

namespace {

constexpr int kReadyTimeoutMs = 30000;

QByteArray newDeviceKey()
{
    auto key = Crypto::PrivateKey::generateP256();
    const auto point = key->publicKeyUncompressedPoint();
    return QByteArray(reinterpret_cast<const char *>(point.data()), qsizetype(point.size()));
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void templateEditorRefusesThenSaves();
    void classEditorRefusesThenSaves();
    void ruleTesterNamesTheClass();
    void attachedDeviceAppearsLiveKeepingTheSelection();
    void deviceChartsReadingsAndSendsCommands();
    void revokingAKeyGoesThroughTheLeader();
    void pendingRevocationIsShownUntilTheInstanceTookIt();
    void gatewayDetailListsItsDevices();
    void gatewayIdAllowanceIsShownAndSet();
    void policyEditorRefusesThenSaves();
    void policyTesterNamesTheRuleAndTheInstanceAgrees();
    void dryRunShowsTheLeadersAnswer();
    void machineActionsShowTheCloudsRefusal();
    void configurationExportsImportsAndPreregisters();
    void auditExportsAsCsv();
    void failedAuthenticationsAreListed();
    void everySectionRendersToPng();
    void deletingAnInstanceAsksThenMovesItsDevices();
    void onPostgresViewsFollowNotificationsKeepingTheSelection();
    void cleanupTestCase();

private:
    QTemporaryDir m_dir;
    Crypto::LabPkiPaths m_pki;
    std::unique_ptr<Store::Store> m_store;
    std::unique_ptr<Cloud::LocalBackend> m_backend;
    std::unique_ptr<Engine::PortalEngine> m_engine;
    std::unique_ptr<Gui::MainWindow> m_window;
    QSslConfiguration m_adminTls;
    Testing::Device m_signer = Testing::makeDevice(QStringLiteral("00000000000000a3"));

    int postReading(quint32 counter, qint32 value);
    int retrieveAs(const QString &path, const QByteArray &originator);
};

void TestMainWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto pki = Crypto::LabPki::ensure(m_dir.filePath(QStringLiteral("pki")).toStdString());
    QVERIFY(pki);
    m_pki = *pki;
    auto store = Store::Store::open(m_dir.filePath(QStringLiteral("portal.sqlite")));
    QVERIFY(store);
    m_store = std::move(*store);

    Cloud::LocalBackendConfig config;
    config.m2mServicePath = QStringLiteral(M2M_SERVICE_PATH);
    config.instancesDir = m_dir.filePath(QStringLiteral("instances"));
    config.portalCaCertificatePath = QString::fromStdString(m_pki.portalCa.certificatePath);
    config.adminCaCertificatePath = QString::fromStdString(m_pki.adminCa.certificatePath);
    config.portalCaKeyPath = QString::fromStdString(m_pki.portalCa.keyPath);
    config.adminTls = {QString::fromStdString(m_pki.portalAdmin.certificatePath),
                       QString::fromStdString(m_pki.portalAdmin.keyPath),
                       config.portalCaCertificatePath};
    config.healthIntervalMs = 300;
    auto adminTls = Cloud::makeAdminTlsConfiguration(config.adminTls);
    QVERIFY(adminTls);
    m_adminTls = *adminTls;
    auto backend = Cloud::LocalBackend::create(config);
    QVERIFY(backend);
    m_backend = std::move(*backend);
    Engine::EngineConfig engineConfig;
    engineConfig.tickMs = 100;
    m_engine = std::make_unique<Engine::PortalEngine>(
        *m_store, *m_backend, *adminTls, Engine::DeviceCredentials(QByteArray(32, '\x5a')),
        engineConfig);
    m_engine->start();

    m_window = std::make_unique<Gui::MainWindow>(*m_store, QStringLiteral("portal.sqlite"), 100,
                                                 m_adminTls);
    m_window->resize(1100, 700);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestMainWindow::templateEditorRefusesThenSaves()
{
    Gui::TemplateEditor editor(*m_store, std::nullopt, m_window.get());
    child<QLineEdit>(&editor, "name")->setText(QStringLiteral("lab vm")); // a space
    editor.accept();
    QVERIFY2(editor.errorText().contains(QLatin1String("name")), qPrintable(editor.errorText()));
    child<QLineEdit>(&editor, "name")->setText(QStringLiteral("lab-vm"));
    child<QPlainTextEdit>(&editor, "puppet")->setPlainText(QStringLiteral("{\"packages\": [1"));
    editor.accept();
    QVERIFY2(editor.errorText().contains(QLatin1String("JSON")), qPrintable(editor.errorText()));
    child<QPlainTextEdit>(&editor, "puppet")
        ->setPlainText(QStringLiteral("{\"packages\": [\"rm -rf /\"]}"));
    editor.accept();
    QVERIFY2(editor.errorText().contains(QLatin1String("not a package name")),
             qPrintable(editor.errorText()));
    QCOMPARE(m_store->findTemplate(QStringLiteral("lab-vm")).error().code,
             std::string("store.not_found"));

    child<QPlainTextEdit>(&editor, "puppet")
        ->setPlainText(QStringLiteral("{\"packages\": [\"curl\"]}"));
    child<QLineEdit>(&editor, "image")->setText(QStringLiteral("cirros"));
    QTest::mouseClick(child<QPushButton>(&editor, "preview"), Qt::LeftButton);
    QVERIFY(
        child<QPlainTextEdit>(&editor, "manifest")->toPlainText().contains(QLatin1String("curl")));
    editor.accept();
    QCOMPARE(editor.result(), int(QDialog::Accepted));
    auto saved = m_store->findTemplate(QStringLiteral("lab-vm"));
    QVERIFY(saved);
    QCOMPARE(saved->spec.value(QStringLiteral("image")).toString(), QStringLiteral("cirros"));
    m_window->showSection(Section::Templates);
    QTRY_VERIFY(m_window->viewRowOfKey(Section::Templates, QStringLiteral("lab-vm")) >= 0);
}

void TestMainWindow::classEditorRefusesThenSaves()
{
    Gui::ClassEditor editor(*m_store, std::nullopt, m_window.get());
    child<QLineEdit>(&editor, "name")->setText(QStringLiteral("meters"));
    child<QLineEdit>(&editor, "vendor")->setText(QString(65, QLatin1Char('v')));
    editor.accept();
    QVERIFY2(editor.errorText().contains(QLatin1String("64")), qPrintable(editor.errorText()));
    QCOMPARE(m_store->findDeviceClass(QStringLiteral("meters")).error().code,
             std::string("store.not_found"));
    child<QLineEdit>(&editor, "vendor")->setText(QStringLiteral("acme"));
    child<QComboBox>(&editor, "template")->setCurrentText(QStringLiteral("lab-vm"));
    auto *enrolment = child<QComboBox>(&editor, "enrolment");
    enrolment->setCurrentIndex(enrolment->findData(int(Store::Enrolment::Open)));
    editor.accept();
    QCOMPARE(editor.result(), int(QDialog::Accepted));
    auto saved = m_store->findDeviceClass(QStringLiteral("meters"));
    QVERIFY(saved);
    QCOMPARE(saved->templateName, QStringLiteral("lab-vm"));
    QCOMPARE(saved->enrolment, Store::Enrolment::Open);
}

void TestMainWindow::ruleTesterNamesTheClass()
{
    m_window->showSection(Section::Classes);
    child<QLineEdit>(m_window.get(), "testVendor")->setText(QStringLiteral("acme"));
    QVERIFY2(child<QLabel>(m_window.get(), "ruleResult")->text().contains(QLatin1String("meters")),
             qPrintable(child<QLabel>(m_window.get(), "ruleResult")->text()));
    child<QLineEdit>(m_window.get(), "testVendor")->setText(QStringLiteral("nobody"));
    QVERIFY(
        child<QLabel>(m_window.get(), "ruleResult")->text().contains(QLatin1String("no class")));
}

void TestMainWindow::attachedDeviceAppearsLiveKeepingTheSelection()
{
    m_window->showSection(Section::Devices);
    const QString first = QStringLiteral("00000000000000a1");
    const QString second = QStringLiteral("00000000000000a2");
    QVERIFY(m_engine->attach(
        QStringLiteral("gw1"),
        {first, {QStringLiteral("acme"), QStringLiteral("temp"), {}}, newDeviceKey()}));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->selectKey(Section::Devices, first), 5000);
    // Another device arrives and the first becomes ready: the selection stays on the first.
    QVERIFY(m_engine->attach(
        QStringLiteral("gw1"),
        {second, {QStringLiteral("acme"), QStringLiteral("temp"), {}}, newDeviceKey()}));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->viewRowOfKey(Section::Devices, second) >= 0, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(m_store->findDevice(first)->state == Store::DeviceState::Ready,
                             kReadyTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->model(Section::Devices)
                                     ->index(m_window->model(Section::Devices)->rowOfKey(first), 0)
                                     .data(Gui::StoreTableModel::TagRole)
                                     .toString() == QLatin1String("ready"),
                             5000);
    const QModelIndexList selected =
        m_window->view(Section::Devices)->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(Gui::StoreTableModel::KeyRole).toString(), first);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->liveStateText().contains(QLatin1String("Instances ready 1/1")), kReadyTimeoutMs);
    QVERIFY2(m_window->liveStateText().contains(QLatin1String("Devices 2")),
             qPrintable(m_window->liveStateText()));
}

// As a gateway would post it, but as the admin originator (granted everything): the
// instance still stores it only if the device's signature verifies.
int TestMainWindow::postReading(quint32 counter, qint32 value)
{
    auto device = m_store->findDevice(QString::fromLatin1(m_signer.id.toHex()));
    auto instance = m_store->findInstance(device->instanceId);
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(instance->url + QStringLiteral("/m2m/%1/data").arg(device->id)));
    request.setSslConfiguration(m_adminTls);
    request.setRawHeader("X-M2M-Origin", "Cportal-admin");
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json;ty=4");
    QNetworkReply *reply =
        network.post(request, Testing::readingBody(Testing::signReading(m_signer, counter, value)));
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

void TestMainWindow::deviceChartsReadingsAndSendsCommands()
{
    const QString id = QString::fromLatin1(m_signer.id.toHex());
    QVERIFY(m_engine->attach(
        QStringLiteral("gw1"),
        {id, {QStringLiteral("acme"), QStringLiteral("temp"), {}}, m_signer.publicKey}));
    QTRY_VERIFY_WITH_TIMEOUT(m_store->findDevice(id)->state == Store::DeviceState::Ready,
                             kReadyTimeoutMs);
    for (quint32 counter = 1; counter <= 5; ++counter)
        QCOMPARE(postReading(counter, 200 + qint32(counter)), 201);

    m_window->showSection(Section::Devices);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->selectKey(Section::Devices, id), 5000);
    Gui::DevicePanel *panel = m_window->devicePanel();
    QCOMPARE(panel->deviceId(), id);
    QTRY_COMPARE_WITH_TIMEOUT(panel->chartedReadings(), 5, 10000);
    QVERIFY(panel->chart()->title().contains(QLatin1String("5")));
    // Live: a new reading appears without touching the window.
    QCOMPARE(postReading(6, 190), 201);
    QTRY_COMPARE_WITH_TIMEOUT(panel->chartedReadings(), 6, 10000);

    child<QSpinBox>(panel, "commandActuator")->setValue(2);
    child<QSpinBox>(panel, "commandValue")->setValue(7);
    QTRY_VERIFY(child<QPushButton>(panel, "sendCommand")->isEnabled());
    QTest::mouseClick(child<QPushButton>(panel, "sendCommand"), Qt::LeftButton);
    // No gateway holds the device's command socket here, so the command stays pending.
    QTRY_COMPARE_WITH_TIMEOUT(panel->commandStatus(1), QStringLiteral("pending"), 10000);
    QVERIFY2(panel->message().contains(QLatin1String("Command 1 is pending")),
             qPrintable(panel->message()));
    QCOMPARE(child<QTableWidget>(panel, "commandsTable")->item(0, 3)->text(),
             QStringLiteral("pending"));
    // Audited with the operator and the command.
    auto log = m_store->auditLog(20);
    QVERIFY(log);
    const auto sent = std::find_if(log->cbegin(), log->cend(), [](const Store::AuditEntry &entry) {
        return entry.action == QLatin1String("device.command");
    });
    QVERIFY(sent != log->cend());
    QCOMPARE(sent->subject, QStringLiteral("device:") + id);
    QCOMPARE(sent->detail, QStringLiteral("actuator 2 = 7: command 1, pending"));
    QVERIFY2(sent->actor.startsWith(QLatin1String("gui:")), qPrintable(sent->actor));
}

void TestMainWindow::revokingAKeyGoesThroughTheLeader()
{
    const QString id = QString::fromLatin1(m_signer.id.toHex());
    Gui::DevicePanel *panel = m_window->devicePanel();
    QCOMPARE(panel->deviceId(), id);
    panel->revokeKey(false);
    QVERIFY(!child<QPushButton>(panel, "revokeKey")->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(panel->message().contains(QLatin1String("refuses its readings")),
                             kReadyTimeoutMs);
    QVERIFY(m_store->findDevice(id)->revoked);
    QVERIFY(!child<QPushButton>(panel, "sendCommand")->isEnabled());
    QVERIFY(child<QLabel>(panel, "deviceRecord")->text().contains(QLatin1String("revoked")));
    // The instance took it: a correctly signed new reading is now refused.
    QCOMPARE(postReading(7, 180), 403);
    // And the portal refuses the key at attach.
    auto again = m_engine->attach(
        QStringLiteral("gw1"),
        {id, {QStringLiteral("acme"), QStringLiteral("temp"), {}}, m_signer.publicKey});
    QVERIFY(!again);
    QCOMPARE(again.error().code, std::string("portal.enrolment_refused"));
}

void TestMainWindow::pendingRevocationIsShownUntilTheInstanceTookIt()
{
    const QString id = QStringLiteral("00000000000000b7");
    QVERIFY(m_engine->attach(
        QStringLiteral("gw-b7"),
        {id, {QStringLiteral("acme"), QStringLiteral("temp"), {}}, newDeviceKey()}));
    QTRY_VERIFY_WITH_TIMEOUT(m_store->findDevice(id)->state == Store::DeviceState::Ready,
                             kReadyTimeoutMs);
    m_window->showSection(Section::Devices);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->selectKey(Section::Devices, id), 5000);
    const auto record = [&] { return child<QLabel>(m_window.get(), "deviceRecord")->text(); };
    QVERIFY(!record().contains(QLatin1String("pending")));
    // With the engine stopped nothing tells the instance: the pane says what it waits for.
    m_engine->stop();
    QVERIFY(m_store->setGatewayBlocked(QStringLiteral("gw-b7"), true));
    QTRY_VERIFY_WITH_TIMEOUT(record().contains(QLatin1String("credential revocation pending")),
                             5000);
    QVERIFY(record().contains(QLatin1String("gw-b7")));
    // Once the instance took it, the device is failed and nothing is pending.
    m_engine->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_store->findDevice(id)->state == Store::DeviceState::Failed,
                             kReadyTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(!record().contains(QLatin1String("pending")), 5000);
}

void TestMainWindow::gatewayDetailListsItsDevices()
{
    Store::Gateway report;
    report.id = QStringLiteral("gw1");
    report.lastHeartbeat = QDateTime::currentDateTimeUtc();
    report.version = QStringLiteral("1.2.3 %8"); // reported by the gateway: shown as is
    report.deviceCount = 3;
    report.queueDepth = 7;
    report.btidExpiry = QDateTime::currentDateTimeUtc().addSecs(3600);
    QVERIFY(m_store->recordHeartbeat(report));
    m_window->showSection(Section::Gateways);
    QTRY_VERIFY(m_window->selectKey(Section::Gateways, QStringLiteral("gw1")));
    const QString detail = child<QLabel>(m_window.get(), "gatewayDetail")->text();
    for (const char *part :
         {"<b>gw1</b> · online", "software 1.2.3 %8", "7 readings queued", "(in 5",
          "Devices attached through it (3)", "00000000000000a1 (", "00000000000000a3 ("})
        QVERIFY2(detail.contains(QString::fromUtf8(part)), qPrintable(detail));
}

void TestMainWindow::gatewayIdAllowanceIsShownAndSet()
{
    const QString impi = QStringLiteral("001010000000077@ims.example");
    QVERIFY(m_store->bindGatewayImpi(QStringLiteral("gw-allow"), impi));
    m_window->showSection(Section::Gateways);
    m_window->refresh();
    QTRY_VERIFY(m_window->selectKey(Section::Gateways, QStringLiteral("gw-allow")));
    const auto detail = [this] { return child<QLabel>(m_window.get(), "gatewayDetail")->text(); };
    QTRY_VERIFY2(detail().contains(QStringLiteral("may enrol 1 gateway id")), qPrintable(detail()));
    QVERIFY(!m_window->setGatewayIdAllowance(0)); // the store's bound: nothing changes
    QCOMPARE(*m_store->impiAllowance(impi), 1);
    QVERIFY(m_window->setGatewayIdAllowance(3));
    QCOMPARE(*m_store->impiAllowance(impi), 3);
    QTRY_VERIFY2(detail().contains(QStringLiteral("may enrol 3 gateway id")), qPrintable(detail()));
    auto log = m_store->auditLog(5);
    QVERIFY(log);
    QCOMPARE(log->first().action, QStringLiteral("gateway.allow_ids"));
    QCOMPARE(log->first().subject, QStringLiteral("impi:") + impi);
    QCOMPARE(log->first().detail, QStringLiteral("max 3"));
    QVERIFY(log->first().actor.startsWith(QLatin1String("gui:")));
}

// A retrieve on the first device's instance without the admin certificate.
int TestMainWindow::retrieveAs(const QString &path, const QByteArray &originator)
{
    auto instance =
        m_store->findInstance(m_store->findDevice(QStringLiteral("00000000000000a1"))->instanceId);
    QSslConfiguration anonymous = m_adminTls;
    anonymous.setLocalCertificate(QSslCertificate());
    anonymous.setPrivateKey(QSslKey());
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(instance->url + path));
    request.setSslConfiguration(anonymous);
    request.setRawHeader("X-M2M-Origin", originator);
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

void TestMainWindow::policyEditorRefusesThenSaves()
{
    Gui::PolicyEditor editor(*m_store, std::nullopt, m_window.get());
    QTableWidget *rules = editor.rules();
    QCOMPARE(rules->rowCount(), 1);
    child<QLineEdit>(&editor, "name")->setText(QStringLiteral("viewers"));
    editor.accept();
    QVERIFY2(editor.errorText().contains(QLatin1String("no originator")),
             qPrintable(editor.errorText()));
    rules->item(0, Gui::PolicyEditor::Originators)->setText(QStringLiteral("Cviewer, Cops*"));
    rules->item(0, Gui::PolicyEditor::TimeWindows)->setText(QStringLiteral("* * 25 * * *"));
    editor.accept();
    QVERIFY2(editor.errorText().contains(QLatin1String("six cron fields")),
             qPrintable(editor.errorText()));
    rules->item(0, Gui::PolicyEditor::TimeWindows)->setText(QString());
    rules->item(0, Gui::PolicyEditor::Ipv4Ranges)->setText(QStringLiteral("10.0.0.0/33"));
    editor.accept();
    QVERIFY2(editor.errorText().contains(QLatin1String("IPv4")), qPrintable(editor.errorText()));
    rules->item(0, Gui::PolicyEditor::Ipv4Ranges)->setText(QStringLiteral("127.0.0.0/8"));
    rules->item(0, Gui::PolicyEditor::Retrieve)->setCheckState(Qt::Unchecked);
    editor.accept();
    QVERIFY2(editor.errorText().contains(QLatin1String("no operation")),
             qPrintable(editor.errorText()));
    QCOMPARE(m_store->policies()->size(), 0);

    rules->item(0, Gui::PolicyEditor::Retrieve)->setCheckState(Qt::Checked);
    const int second = editor.addRule();
    rules->item(second, Gui::PolicyEditor::Originators)->setText(QStringLiteral("Cops-1"));
    rules->item(second, Gui::PolicyEditor::Create)->setCheckState(Qt::Checked);
    editor.accept();
    QCOMPARE(editor.result(), int(QDialog::Accepted));
    auto saved = m_store->policies();
    QCOMPARE(saved->size(), 1);
    QCOMPARE(saved->first().name, QStringLiteral("viewers"));

    // Opening it again shows what was saved.
    Gui::PolicyEditor again(*m_store, saved->first(), m_window.get());
    QCOMPARE(again.rules()->rowCount(), 2);
    QCOMPARE(again.rules()->item(0, Gui::PolicyEditor::Ipv4Ranges)->text(),
             QStringLiteral("127.0.0.0/8"));
    QCOMPARE(again.rules()->item(1, Gui::PolicyEditor::Create)->checkState(), Qt::Checked);
}

void TestMainWindow::policyTesterNamesTheRuleAndTheInstanceAgrees()
{
    m_window->showSection(Section::Policies);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->viewRowOfKey(Section::Policies, "viewers") >= 0, 5000);
    Gui::PolicyTester *tester = m_window->policyTester();
    child<QLineEdit>(tester, "testAddress")->setText(QStringLiteral("127.0.0.1"));
    child<QLineEdit>(tester, "testOriginator")->setText(QStringLiteral("Cops-1"));
    child<QComboBox>(tester, "testOperation")->setCurrentIndex(0); // create
    QCOMPARE(tester->result(), QStringLiteral("→ granted by policy viewers, rule 2"));
    child<QComboBox>(tester, "testOperation")->setCurrentIndex(3); // delete
    QVERIFY2(tester->result().startsWith(QStringLiteral("→ refused")),
             qPrintable(tester->result()));
    child<QComboBox>(tester, "testOperation")->setCurrentIndex(1); // retrieve
    child<QLineEdit>(tester, "testOriginator")->setText(QStringLiteral("Cviewer"));
    QCOMPARE(tester->result(), QStringLiteral("→ granted by policy viewers, rule 1"));
    child<QLineEdit>(tester, "testAddress")->setText(QStringLiteral("10.1.1.1"));
    QVERIFY(tester->result().startsWith(QStringLiteral("→ refused")));

    // The engine pushed it: the instance decides the same for a real request from 127.0.0.1.
    const QString device = QStringLiteral("/m2m/00000000000000a1");
    QTRY_COMPARE_WITH_TIMEOUT(retrieveAs(device, "Cviewer"), 200, 10000);
    QCOMPARE(retrieveAs(device, "Cstranger"), 403);

    QVERIFY(m_window->selectKey(Section::Policies, QStringLiteral("viewers")));
    m_window->deletePolicy(false);
    QCOMPARE(m_window->viewRowOfKey(Section::Policies, QStringLiteral("viewers")), -1);
    QTRY_COMPARE_WITH_TIMEOUT(retrieveAs(device, "Cviewer"), 403, 10000);
}

void TestMainWindow::dryRunShowsTheLeadersAnswer()
{
    m_window->showSection(Section::Instances);
    const qint64 instanceId = m_store->findDevice(QStringLiteral("00000000000000a1"))->instanceId;
    QVERIFY(m_window->selectKey(Section::Instances, QString::number(instanceId)));
    QTest::mouseClick(child<QPushButton>(m_window.get(), "dryRun"), Qt::LeftButton);
    QVERIFY(m_window->instanceLog().contains(QLatin1String("queued")));
    // The engine leads here: its answer for a local instance without an SSH target is that
    // Puppet was skipped, which the window shows as a failure with the reason.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->instanceLog().contains(QLatin1String("failed: outcome skipped")),
        kReadyTimeoutMs);
    QVERIFY2(m_window->instanceLog().contains(QLatin1String("no SSH target")),
             qPrintable(m_window->instanceLog()));
    QTest::mouseClick(child<QPushButton>(m_window.get(), "reconcile"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->instanceLog().contains(QLatin1String("Reconciliation done")),
                             kReadyTimeoutMs);
}

void TestMainWindow::configurationExportsImportsAndPreregisters()
{
    const QString path = m_dir.filePath(QStringLiteral("configuration.json"));
    QVERIFY(m_window->exportConfiguration(path));
    QVERIFY(m_window->importConfiguration(path));
    QVERIFY(
        m_window->statusBar()->currentMessage().contains(QLatin1String("Imported 1 templates")));
    const QString bad = m_dir.filePath(QStringLiteral("bad.json"));
    QVERIFY(Testing::writeFile(bad, "{\"format\": \"iot-portal-configuration\", \"version\": 1, "
                                    "\"classes\": [{\"name\": \"x\", \"template\": \"nope\"}]}"));
    auto refused = m_window->importConfiguration(bad);
    QVERIFY(!refused);
    QVERIFY(QString::fromStdString(refused.error().message).contains(QLatin1String("classes[0]")));
    QVERIFY(!m_store->findDeviceClass(QStringLiteral("x")));

    auto key = Crypto::PrivateKey::generateP256();
    const auto point = key->publicKeyUncompressedPoint();
    const QByteArray keyBase64 =
        QByteArray(reinterpret_cast<const char *>(point.data()), qsizetype(point.size()))
            .toBase64();
    const QString csv = m_dir.filePath(QStringLiteral("devices.csv"));
    QVERIFY(Testing::writeFile(csv, "device_id,class,public_key\n00000000000000d1,meters," +
                                        keyBase64 + "\n00000000000000d2,nosuch," + keyBase64 +
                                        "\n"));
    auto outcomes = m_window->preregisterDevices(csv, false);
    QVERIFY(outcomes);
    QCOMPARE(outcomes->size(), 2);
    QVERIFY(outcomes->at(0).registered);
    QVERIFY(!outcomes->at(1).registered);
    QVERIFY(m_window->statusBar()->currentMessage().contains(QLatin1String("1 of 2")));
    m_window->showSection(Section::Devices);
    QTRY_VERIFY(m_window->viewRowOfKey(Section::Devices, QStringLiteral("00000000000000d1")) >= 0);
}

void TestMainWindow::machineActionsShowTheCloudsRefusal()
{
    // The local backend runs processes, not machines: the engine passes its refusal on.
    m_window->showSection(Section::Instances);
    const qint64 instanceId = m_store->findDevice(QStringLiteral("00000000000000a1"))->instanceId;
    QVERIFY(m_window->selectKey(Section::Instances, QString::number(instanceId)));
    QTest::mouseClick(child<QPushButton>(m_window.get(), "instance-stop"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->instanceLog().contains(
                                 QStringLiteral("Stop of instance %1 failed: stop of instance %1 "
                                                "refused")
                                     .arg(instanceId)),
                             kReadyTimeoutMs);
    QTest::mouseClick(child<QPushButton>(m_window.get(), "instance-console"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_window->instanceLog().contains(QLatin1String("the cloud did not give the console log")),
        kReadyTimeoutMs);
    QCOMPARE(m_store->findInstance(instanceId)->state, Store::InstanceState::Ready);
}

namespace {

// Answers the next modal question box with `answer` and hands back its text.
void answerNextQuestion(QMessageBox::StandardButton answer, QString *text)
{
    QTimer::singleShot(50, [answer, text] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return answerNextQuestion(answer, text);
        *text = box->text();
        box->button(answer)->click();
    });
}

} // namespace

void TestMainWindow::deletingAnInstanceAsksThenMovesItsDevices()
{
    m_window->showSection(Section::Instances);
    const QString deviceId = QStringLiteral("00000000000000a1");
    const qint64 instanceId = m_store->findDevice(deviceId)->instanceId;
    const int devicesOnIt = m_store->deviceCountsByInstance()->value(instanceId);
    QVERIFY(devicesOnIt > 0);
    QVERIFY(m_window->selectKey(Section::Instances, QString::number(instanceId)));
    QPushButton *deleteButton = child<QPushButton>(m_window.get(), "instance-delete");

    // No: nothing is queued, nothing changes.
    QString question;
    answerNextQuestion(QMessageBox::No, &question);
    QTest::mouseClick(deleteButton, Qt::LeftButton);
    QVERIFY2(question.contains(QStringLiteral("Its %1 device").arg(devicesOnIt)),
             qPrintable(question));
    QVERIFY(m_store->pendingAdminRequests()->isEmpty());
    QCOMPARE(m_store->findInstance(instanceId)->state, Store::InstanceState::Ready);

    answerNextQuestion(QMessageBox::Yes, &question);
    QTest::mouseClick(deleteButton, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->instanceLog().contains(
                                 QStringLiteral("Deletion of instance %1 done").arg(instanceId)),
                             kReadyTimeoutMs);
    QVERIFY(!m_store->findInstance(instanceId));
    QCOMPARE(m_store->findDevice(deviceId)->state, Store::DeviceState::Failed);
    // The row leaves the view; the device's reason says why.
    m_window->refresh();
    QCOMPARE(m_window->viewRowOfKey(Section::Instances, QString::number(instanceId)), -1);
    m_window->showSection(Section::Devices);
    QVERIFY(m_window->model(Section::Devices)
                ->index(m_window->model(Section::Devices)->rowOfKey(deviceId),
                        m_window->model(Section::Devices)->columnCount() - 1)
                .data()
                .toString()
                .contains(QLatin1String("deleted by gui")));
}

void TestMainWindow::auditExportsAsCsv()
{
    // A detail an attacker can shape (it starts a spreadsheet formula) is defused.
    QVERIFY(m_store->audit(QStringLiteral("portald"), QStringLiteral("test.formula"),
                           QStringLiteral("gateway:x"), QStringLiteral("=HYPERLINK(\"x\")")));
    m_window->refresh();
    const QString path = m_dir.filePath(QStringLiteral("audit.csv"));
    QVERIFY(m_window->exportAuditCsv(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QVERIFY(lines.first().startsWith("Time,Actor,Action,Subject,Detail"));
    QVERIFY(lines.size() > 5);
    bool sawTemplate = false;
    bool sawDefused = false;
    for (const QByteArray &line : lines) {
        // The operator who saved it: gui:<OS user>.
        sawTemplate = sawTemplate ||
                      (line.contains(",gui:") && line.contains(",template.save,template:lab-vm,"));
        sawDefused =
            sawDefused || line.endsWith(",test.formula,gateway:x,\"'=HYPERLINK(\"\"x\"\")\"");
    }
    QVERIFY(sawTemplate);
    QVERIFY(sawDefused);
}

void TestMainWindow::failedAuthenticationsAreListed()
{
    for (int i = 0; i < 4; ++i)
        QVERIFY(m_store->recordAuthFailure(QStringLiteral("127.0.0.8"),
                                           QStringLiteral("urn:iot-portal:admin:mallory"),
                                           QStringLiteral("portal.wrong_identity")));
    m_window->showSection(Section::Audit);
    m_window->refresh();
    Gui::StoreTableModel *failures = m_window->authFailures();
    QTRY_VERIFY(failures->rowCount() >= 1);
    bool found = false;
    for (int row = 0; row < failures->rowCount(); ++row) {
        if (failures->index(row, 2).data().toString() !=
            QLatin1String("urn:iot-portal:admin:mallory"))
            continue;
        found = true;
        QCOMPARE(failures->index(row, 1).data().toString(), QStringLiteral("127.0.0.8"));
        QCOMPARE(failures->index(row, 3).data().toString(),
                 QStringLiteral("portal.wrong_identity"));
        QCOMPARE(failures->index(row, 4).data(Gui::StoreTableModel::SortRole).toLongLong(), 4);
    }
    QVERIFY(found);
    QVERIFY(child<QTableView>(m_window.get(), "authFailuresView")->isVisible());
}

void TestMainWindow::everySectionRendersToPng()
{
    // Offscreen into build/screenshots/, under Xvfb (tst_mainwindow_xvfb, a real X server)
    // into build/screenshots/xvfb/.
    const QString directory =
        QStringLiteral(SCREENSHOT_DIR) + (QGuiApplication::platformName() == QLatin1String("xcb")
                                              ? QStringLiteral("/xvfb")
                                              : QString());
    QVERIFY(QDir().mkpath(directory));
    static const char *const names[] = {"gateways",  "devices",  "classes", "templates",
                                        "instances", "policies", "audit",   "connections"};
    for (int i = 0; i < Gui::MainWindow::kSectionCount; ++i) {
        m_window->showSection(Section(i));
        QCoreApplication::processEvents();
        const QImage image = m_window->grab().toImage();
        QVERIFY(!image.isNull());
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 4) {
            for (int x = 0; x < image.width(); x += 4)
                colours.insert(image.pixel(x, y));
        }
        QVERIFY2(colours.size() > 8, names[i]); // text, grid, header: not a blank surface
        const QString path = directory + QStringLiteral("/%1.png").arg(QLatin1String(names[i]));
        QVERIFY(image.save(path));
    }
}

void TestMainWindow::onPostgresViewsFollowNotificationsKeepingTheSelection()
{
    if (!Testing::PostgresServer::isInstalled())
        QSKIP("PostgreSQL server binaries are not installed (scripts/install-deps installs them)");
    Testing::PostgresServer server;
    QVERIFY2(server.start(), server.output().constData());
    auto guiStore = Store::Store::open(server.url());
    QVERIFY2(guiStore, guiStore ? "" : guiStore.error().message.c_str());
    // Another process's connection, as a portald's would be.
    auto writer = Store::Store::open(server.url());
    QVERIFY(writer);
    QVERIFY((*writer)->upsertTemplate({QStringLiteral("small"), {}}));
    Store::DeviceClass meters;
    meters.name = QStringLiteral("meters");
    meters.templateName = QStringLiteral("small");
    QVERIFY((*writer)->upsertDeviceClass(meters));
    const auto addDevice = [&](const QString &id) {
        Store::Device device;
        device.id = id;
        device.publicKey = m_signer.publicKey;
        device.className = meters.name;
        return bool((*writer)->insertDevice(device));
    };
    QVERIFY(addDevice(QStringLiteral("00000000000000f1")));

    // Polling every 10 minutes: only a notification can explain a view that follows.
    Gui::MainWindow window(**guiStore, server.url(), 600000);
    window.show();
    window.showSection(Section::Devices);
    QStringList statusTexts;
    for (const QLabel *label : window.statusBar()->findChildren<QLabel *>())
        statusTexts.append(label->text());
    QVERIFY2(statusTexts.join(' ').contains(QLatin1String("live (PostgreSQL notifications)")),
             qPrintable(statusTexts.join(' ')));
    QTRY_VERIFY_WITH_TIMEOUT(window.selectKey(Section::Devices, QStringLiteral("00000000000000f1")),
                             5000);
    QVERIFY(addDevice(QStringLiteral("00000000000000f2")));
    QTRY_VERIFY_WITH_TIMEOUT(
        window.viewRowOfKey(Section::Devices, QStringLiteral("00000000000000f2")) >= 0, 3000);
    const QModelIndexList selected =
        window.view(Section::Devices)->selectionModel()->selectedRows();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().data(Gui::StoreTableModel::KeyRole).toString(),
             QStringLiteral("00000000000000f1"));
    // A heartbeat's activity reaches the view the same way.
    QVERIFY((*writer)->ensureGateway(QStringLiteral("gw-pg")));
    Store::Device attached = *(*writer)->findDevice(QStringLiteral("00000000000000f2"));
    attached.gatewayId = QStringLiteral("gw-pg");
    QVERIFY((*writer)->updateDevice(attached));
    QVERIFY((*writer)->recordDeviceActivity(
        QStringLiteral("gw-pg"),
        {{attached.id, QDateTime::currentDateTimeUtc(), QDateTime::currentDateTimeUtc(),
          Store::SignatureState::BadSignature}}));
    const Gui::StoreTableModel *devices = window.model(Section::Devices);
    QTRY_COMPARE_WITH_TIMEOUT(devices->index(devices->rowOfKey(attached.id), 8).data().toString(),
                              QStringLiteral("bad signature"), 3000);
}

void TestMainWindow::cleanupTestCase()
{
    m_window.reset();
    m_engine.reset();
    if (m_backend)
        m_backend->shutdown();
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
