#pragma once
// The detail pane below the devices table (issue 6): the selected device's record from the
// store, a live chart of its verified readings and its commands, both read from its instance
// over the oneM2M API as the admin originator (DESIGN §2.1), a form to send an actuator
// command, and revoking the device's key (an admin request the leading iot-portald does:
// the store first, then the instance).
//
// Nothing blocks the GUI thread: instance calls are asynchronous, one of each kind in flight,
// and an answer for a device that is no longer shown is dropped. Bounds: the chart holds the
// newest kChartReadings readings, the commands table the newest kListedCommands commands.

#include <portal-core/engine/instancedataclient.h>
#include <portal-core/store/store.h>

#include <QHash>
#include <QSslConfiguration>
#include <QWidget>

#include <optional>

class QChart;
class QChartView;
class QDateTimeAxis;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QValueAxis;

namespace Portal::Gui {

class DevicePanel final : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kChartReadings = 200;
    static constexpr int kListedCommands = 50;

    // Without adminTls the pane shows the store's record only and says how to get the rest.
    DevicePanel(Store::Store &store, std::optional<QSslConfiguration> adminTls,
                QWidget *parent = nullptr);

    QString deviceId() const { return m_deviceId; }
    int chartedReadings() const;
    // The status of a listed command ("pending", "done", …), or empty when not listed.
    QString commandStatus(qint64 commandId) const;
    QString message() const;
    QChart *chart() const { return m_chart; }

public slots:
    void showDevice(const QString &deviceId); // empty: nothing selected
    void refresh();                           // the store record and, if idle, the instance
    void sendCommand();
    // Queues `device.revoke`; with confirm, asks the admin first (a modal question).
    void revokeKey(bool confirm = true);

private:
    // What the portal still waits for an instance to acknowledge about this device (a
    // credential revocation, a removal); empty when nothing.
    QString pendingText(const Store::Device &device) const;
    void showRecord();
    void fetchFromInstance();
    void showReadings(const QList<Engine::VerifiedReading> &readings);
    void showCommands(const QList<Engine::CommandView> &commands);
    void setMessage(const QString &text, bool isError = false);

    Store::Store &m_store;
    Engine::InstanceDataClient *m_client = nullptr;
    QString m_deviceId;
    QString m_instanceUrl;
    bool m_fetchingReadings = false;
    bool m_fetchingCommands = false;
    qint64 m_revokeRequest = 0;
    QLabel *m_record;
    QChart *m_chart;
    QChartView *m_chartView;
    QDateTimeAxis *m_timeAxis;
    QValueAxis *m_valueAxis;
    QTableWidget *m_commands;
    QSpinBox *m_actuator;
    QSpinBox *m_value;
    QPushButton *m_send;
    QPushButton *m_revoke;
    QLabel *m_message;
    QHash<qint64, QString> m_commandStatus;
};

} // namespace Portal::Gui
