#include "devicepanel.h"

#include "storemodels.h"

#include <portal-core/engine/instancepusher.h>

#include <QChart>
#include <QChartView>
#include <QCryptographicHash>
#include <QDateTimeAxis>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <limits>

namespace Portal::Gui {

namespace {

QString keyFingerprint(const QByteArray &publicKey)
{
    const QByteArray digest = QCryptographicHash::hash(publicKey, QCryptographicHash::Sha256);
    return QStringLiteral("SHA256:") +
           QString::fromLatin1(digest.toBase64(QByteArray::OmitTrailingEquals));
}

} // namespace

DevicePanel::DevicePanel(Store::Store &store, std::optional<QSslConfiguration> adminTls,
                         QWidget *parent)
    : QWidget(parent), m_store(store), m_record(new QLabel(this)), m_chart(new QChart),
      m_chartView(new QChartView(m_chart, this)), m_timeAxis(new QDateTimeAxis(m_chart)),
      m_valueAxis(new QValueAxis(m_chart)), m_commands(new QTableWidget(0, 5, this)),
      m_actuator(new QSpinBox(this)), m_value(new QSpinBox(this)),
      m_send(new QPushButton(tr("&Send command"), this)),
      m_revoke(new QPushButton(tr("Re&voke key…"), this)), m_message(new QLabel(this))
{
    if (adminTls)
        m_client = new Engine::InstanceDataClient(*adminTls, this);
    setObjectName(QStringLiteral("devicePanel"));
    m_record->setObjectName(QStringLiteral("deviceRecord"));
    m_record->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_record->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("deviceMessage"));
    m_message->setWordWrap(true);

    m_chart->setTitle(tr("Verified readings"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_timeAxis->setFormat(QStringLiteral("HH:mm:ss"));
    m_timeAxis->setTitleText(tr("received (local time)"));
    m_chart->addAxis(m_timeAxis, Qt::AlignBottom);
    m_chart->addAxis(m_valueAxis, Qt::AlignLeft);
    m_chartView->setObjectName(QStringLiteral("readingsChart"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(180);

    m_commands->setObjectName(QStringLiteral("commandsTable"));
    m_commands->setHorizontalHeaderLabels(
        {tr("Command"), tr("Actuator"), tr("Value"), tr("Status"), tr("Updated")});
    m_commands->verticalHeader()->hide();
    m_commands->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_commands->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_commands->setSelectionBehavior(QAbstractItemView::SelectRows);

    m_actuator->setObjectName(QStringLiteral("commandActuator"));
    m_actuator->setRange(0, 255);
    m_value->setObjectName(QStringLiteral("commandValue"));
    m_value->setRange(std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    m_send->setObjectName(QStringLiteral("sendCommand"));
    m_revoke->setObjectName(QStringLiteral("revokeKey"));
    connect(m_send, &QPushButton::clicked, this, &DevicePanel::sendCommand);
    connect(m_revoke, &QPushButton::clicked, this, [this] { revokeKey(true); });

    auto *commandBox = new QGroupBox(tr("Actuator commands"), this);
    auto *commandLayout = new QVBoxLayout(commandBox);
    auto *form = new QFormLayout;
    form->addRow(tr("&Actuator"), m_actuator);
    form->addRow(tr("&Value"), m_value);
    commandLayout->addLayout(form);
    commandLayout->addWidget(m_send);
    commandLayout->addWidget(m_commands, 1);

    auto *side = new QVBoxLayout;
    side->addWidget(commandBox, 1);
    side->addWidget(m_revoke);
    auto *body = new QHBoxLayout;
    body->addWidget(m_chartView, 3);
    body->addLayout(side, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_record);
    layout->addLayout(body, 1);
    layout->addWidget(m_message);
    setTabOrder(m_actuator, m_value);
    setTabOrder(m_value, m_send);
    setTabOrder(m_send, m_commands);
    setTabOrder(m_commands, m_revoke);
    showDevice(QString());
}

int DevicePanel::chartedReadings() const
{
    int points = 0;
    for (const QAbstractSeries *series : m_chart->series())
        points += int(static_cast<const QLineSeries *>(series)->count());
    return points;
}

QString DevicePanel::commandStatus(qint64 commandId) const
{
    return m_commandStatus.value(commandId);
}

QString DevicePanel::message() const
{
    return m_message->text();
}

void DevicePanel::setMessage(const QString &text, bool isError)
{
    m_message->setText(text);
    m_message->setStyleSheet(isError ? QStringLiteral("color: #b00020") : QString());
}

void DevicePanel::showDevice(const QString &deviceId)
{
    if (deviceId == m_deviceId && !deviceId.isEmpty())
        return;
    m_deviceId = deviceId;
    m_instanceUrl.clear();
    m_revokeRequest = 0;
    m_chart->removeAllSeries();
    m_commands->setRowCount(0);
    m_commandStatus.clear();
    setMessage(QString());
    refresh();
}

void DevicePanel::showRecord()
{
    const bool selected = !m_deviceId.isEmpty();
    m_send->setEnabled(false);
    m_revoke->setEnabled(false);
    if (!selected) {
        m_record->setText(tr("Select a device to see its readings and commands."));
        return;
    }
    auto device = m_store.findDevice(m_deviceId);
    if (!device) {
        m_record->setText(tr("Device %1 is no longer in the store.").arg(m_deviceId));
        return;
    }
    QString instanceText = tr("not placed");
    m_instanceUrl.clear();
    if (device->instanceId != 0) {
        auto instance = m_store.findInstance(device->instanceId);
        instanceText =
            instance ? tr("%1 (%2)").arg(device->instanceId).arg(Store::toText(instance->state))
                     : QString::number(device->instanceId);
        if (instance && instance->state == Store::InstanceState::Ready)
            m_instanceUrl = instance->url;
    }
    m_record->setText(tr("<b>%1</b> · class %2 · gateway %3 · instance %4 · %5%6<br>key %7")
                          .arg(device->id, device->className.toHtmlEscaped(),
                               device->gatewayId.isEmpty() ? tr("none") : device->gatewayId,
                               instanceText, Store::toText(device->state),
                               device->revoked ? tr(" · <b>revoked</b>") : QString(),
                               keyFingerprint(device->publicKey)) +
                      tr("<br>last seen %1 · last stored reading %2 · signature %3")
                          .arg(timeText(device->lastSeen), timeText(device->lastReading),
                               device->signature == Store::SignatureState::None
                                   ? tr("not checked yet")
                                   : signatureText(device->signature)));
    const QString pending = pendingText(*device);
    if (!pending.isEmpty())
        m_record->setText(m_record->text() + QStringLiteral("<br>") + pending);
    m_revoke->setEnabled(!device->revoked && m_revokeRequest == 0);
    m_send->setEnabled(m_client && !m_instanceUrl.isEmpty() && !device->revoked);
}

QString DevicePanel::pendingText(const Store::Device &device) const
{
    QStringList pending;
    // The pusher's own rule (InstancePusher): a device of a blocked gateway, or of one whose
    // certificate lapsed without a renewal, whose credential its instance has not dropped yet.
    auto untrusted = m_store.devicesOfUntrustedGateways(
        QDateTime::currentDateTimeUtc().addMSecs(-Engine::InstancePusher::kLapsedGatewayGraceMs));
    if (untrusted && std::any_of(untrusted->cbegin(), untrusted->cend(),
                                 [&](const Store::Device &other) { return other.id == device.id; }))
        pending << tr("<b>credential revocation pending</b>: gateway %1 is no longer trusted; "
                      "instance %2 has not acknowledged it yet")
                       .arg(device.gatewayId.toHtmlEscaped(),
                            device.instanceId != 0 ? QString::number(device.instanceId) : tr("—"));
    auto removals = m_store.deviceRemovals();
    for (const Store::DeviceRemoval &removal :
         removals ? *removals : QList<Store::DeviceRemoval>()) {
        if (removal.deviceId == device.id)
            pending << tr("<b>removal pending</b>: instance %1 has not dropped the device yet")
                           .arg(removal.instanceId);
    }
    return pending.join(QStringLiteral("<br>"));
}

void DevicePanel::refresh()
{
    showRecord();
    if (m_revokeRequest != 0) {
        auto request = m_store.findAdminRequest(m_revokeRequest);
        if (request && request->state != Store::AdminRequestState::Pending) {
            const bool done = request->state == Store::AdminRequestState::Done;
            setMessage(done ? request->result : tr("Revoking failed: %1").arg(request->result),
                       !done);
            m_revokeRequest = 0;
            showRecord();
        }
    }
    if (m_deviceId.isEmpty())
        return;
    if (!m_client) {
        if (m_message->text().isEmpty())
            setMessage(tr("Readings and commands live on the device's instance; start "
                          "iot-portal with --pki-dir (the portal's PKI folder) to see them."));
        return;
    }
    if (m_instanceUrl.isEmpty())
        return;
    fetchFromInstance();
}

void DevicePanel::fetchFromInstance()
{
    const QString deviceId = m_deviceId;
    if (!m_fetchingReadings) {
        m_fetchingReadings = true;
        m_client->recentReadings(
            m_instanceUrl, deviceId, kChartReadings,
            [this, deviceId](Result<QList<Engine::VerifiedReading>> readings) {
                m_fetchingReadings = false;
                if (deviceId != m_deviceId)
                    return;
                if (!readings)
                    return setMessage(tr("The instance did not give the readings: %1")
                                          .arg(QString::fromStdString(readings.error().message)),
                                      true);
                showReadings(*readings);
            });
    }
    if (!m_fetchingCommands) {
        m_fetchingCommands = true;
        m_client->recentCommands(
            m_instanceUrl, deviceId, kListedCommands,
            [this, deviceId](Result<QList<Engine::CommandView>> commands) {
                m_fetchingCommands = false;
                if (deviceId != m_deviceId)
                    return;
                if (!commands)
                    return setMessage(tr("The instance did not give the commands: %1")
                                          .arg(QString::fromStdString(commands.error().message)),
                                      true);
                showCommands(*commands);
            });
    }
}

void DevicePanel::showReadings(const QList<Engine::VerifiedReading> &readings)
{
    // One series per sensor, rebuilt whole: at most kChartReadings points.
    QHash<int, QLineSeries *> seriesOfSensor;
    for (QAbstractSeries *series : m_chart->series())
        seriesOfSensor.insert(series->property("sensor").toInt(),
                              static_cast<QLineSeries *>(series));
    QHash<int, QList<QPointF>> points;
    QHash<int, QString> units;
    double low = 0;
    double high = 0;
    QDateTime first;
    QDateTime last;
    for (const Engine::VerifiedReading &reading : readings) {
        const double value = reading.scaledValue();
        points[reading.sensorIndex].append(
            QPointF(double(reading.received.toMSecsSinceEpoch()), value));
        units.insert(reading.sensorIndex, reading.unit);
        low = first.isValid() ? std::min(low, value) : value;
        high = first.isValid() ? std::max(high, value) : value;
        if (!first.isValid() || reading.received < first)
            first = reading.received;
        if (!last.isValid() || reading.received > last)
            last = reading.received;
    }
    for (auto it = points.begin(); it != points.end(); ++it) {
        QLineSeries *series = seriesOfSensor.take(it.key());
        if (!series) {
            series = new QLineSeries(m_chart);
            series->setProperty("sensor", it.key());
            m_chart->addSeries(series);
            series->attachAxis(m_timeAxis);
            series->attachAxis(m_valueAxis);
        }
        series->setName(tr("sensor %1 (%2)").arg(it.key()).arg(units.value(it.key())));
        series->replace(it.value());
    }
    for (QLineSeries *stale : std::as_const(seriesOfSensor)) {
        m_chart->removeSeries(stale);
        delete stale;
    }
    if (!readings.isEmpty()) {
        const double margin = high > low ? (high - low) * 0.1 : 1.0;
        m_valueAxis->setRange(low - margin, high + margin);
        m_timeAxis->setRange(first.toLocalTime(),
                             last > first ? last.toLocalTime() : first.addSecs(1).toLocalTime());
    }
    m_chart->setTitle(readings.isEmpty()
                          ? tr("No verified readings yet")
                          : tr("Verified readings: the newest %1").arg(readings.size()));
}

void DevicePanel::showCommands(const QList<Engine::CommandView> &commands)
{
    m_commands->setRowCount(int(commands.size()));
    m_commandStatus.clear();
    // Newest first, so a command just sent is at the top.
    for (int i = 0; i < commands.size(); ++i) {
        const Engine::CommandView &command = commands[commands.size() - 1 - i];
        QString status = command.status;
        if (command.statusValue)
            status += QStringLiteral(" (%1)").arg(*command.statusValue);
        const QStringList cells = {QString::number(command.commandId),
                                   QString::number(command.actuator),
                                   QString::number(command.value), status,
                                   command.updated.toLocalTime().toString(Qt::ISODate)};
        for (int column = 0; column < cells.size(); ++column)
            m_commands->setItem(i, column, new QTableWidgetItem(cells[column]));
        m_commandStatus.insert(command.commandId, command.status);
    }
}

void DevicePanel::sendCommand()
{
    if (!m_client || m_instanceUrl.isEmpty())
        return setMessage(tr("The device has no ready instance to send the command to."), true);
    const QString deviceId = m_deviceId;
    m_send->setEnabled(false);
    setMessage(tr("Sending actuator %1 = %2…").arg(m_actuator->value()).arg(m_value->value()));
    const int actuator = m_actuator->value();
    const int value = m_value->value();
    m_client->sendCommand(
        m_instanceUrl, deviceId, actuator, value,
        [this, deviceId, actuator, value](Result<Engine::CommandView> command) {
            // Audited with its outcome, also when another device is on screen by now.
            const QString sent = QStringLiteral("actuator %1 = %2").arg(actuator).arg(value);
            (void)m_store.audit(
                m_store.operatorName(QStringLiteral("gui")), QStringLiteral("device.command"),
                QStringLiteral("device:") + deviceId,
                command ? QStringLiteral("%1: command %2, %3")
                              .arg(sent)
                              .arg(command->commandId)
                              .arg(command->status)
                        : QStringLiteral("%1: refused, %2")
                              .arg(sent, QString::fromStdString(command.error().code)));
            if (deviceId != m_deviceId)
                return;
            showRecord();
            if (!command)
                return setMessage(tr("The command was not accepted: %1")
                                      .arg(QString::fromStdString(command.error().message)),
                                  true);
            setMessage(tr("Command %1 is %2; its status follows below as the gateway reports it.")
                           .arg(command->commandId)
                           .arg(command->status));
            m_commandStatus.insert(command->commandId, command->status);
            fetchFromInstance();
        });
}

void DevicePanel::revokeKey(bool confirm)
{
    if (m_deviceId.isEmpty() || m_revokeRequest != 0)
        return;
    if (confirm &&
        QMessageBox::question(this, tr("Revoke the device's key"),
                              tr("Revoke device %1? Its instance then refuses its readings and "
                                 "commands, and it cannot attach again with this key.")
                                  .arg(m_deviceId)) != QMessageBox::Yes)
        return;
    auto id = m_store.requestAdminAction(QStringLiteral("device.revoke"),
                                         QStringLiteral("device:") + m_deviceId, {},
                                         m_store.operatorName(QStringLiteral("gui")));
    if (!id)
        return setMessage(tr("Could not queue the revocation: %1")
                              .arg(QString::fromStdString(id.error().message)),
                          true);
    m_revokeRequest = *id;
    m_revoke->setEnabled(false);
    setMessage(tr("Revocation queued for the leading iot-portald…"));
}

} // namespace Portal::Gui
