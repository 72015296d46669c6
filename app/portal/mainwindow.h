#pragma once
// The admin GUI's main window (issue 6): a sidebar of sections over the portal store, each a
// sortable, filterable table that updates itself from the store (polled every refreshMs)
// without losing selection or scroll position, and a status bar with the database and the
// live state (gateways online/total, devices, instances ready/total, failures).
//
// Actions either write the store directly (templates, classes, blocking a gateway; audited as
// the GUI's) or queue an admin request for the leading iot-portald (reconcile, re-provision,
// dry run): their outcome is shown when the leader has done them, never simulated.

#include "storemodels.h"

#include <portal-core/engine/configtransfer.h>
#include <portal-core/secrets/secretstore.h>

#include <QHash>
#include <QMainWindow>
#include <QSslConfiguration>

#include <memory>
#include <optional>

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;
class QTimer;

namespace Portal::Gui {

class AuthFailureModel;
class DevicePanel;
class PolicyTester;
class ConnectionsPage;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    enum class Section {
        Gateways,
        Devices,
        Classes,
        Templates,
        Instances,
        Policies,
        Audit,
        Connections
    };
    static constexpr int kSectionCount = 8;
    static constexpr int kTableSectionCount = 7; // all but Connections hold a table
    static constexpr int kNotifyDebounceMs = 200;
    static constexpr int kMaxGatewayDevicesShown = 50;

    // adminTls (the portal-admin client certificate) lets the device pane read readings and
    // send commands on instances; without it the pane shows the store's record only. secrets
    // keeps what the Connections page remembers (the SSH key's passphrase); without one, an
    // in-memory store that forgets at exit.
    MainWindow(Store::Store &store, QString databaseName, int refreshMs = 2000,
               std::optional<QSslConfiguration> adminTls = std::nullopt,
               Secrets::SecretStore *secrets = nullptr, QWidget *parent = nullptr);
    ~MainWindow() override;

    void showSection(Section section);
    Section currentSection() const;
    StoreTableModel *model(Section section) const { return m_models.value(int(section)); }
    QTableView *view(Section section) const { return m_views.value(int(section)); }
    QLineEdit *filter(Section section) const { return m_filters.value(int(section)); }
    DevicePanel *devicePanel() const { return m_devicePanel; }
    AuthFailureModel *authFailures() const { return m_authFailures; }
    PolicyTester *policyTester() const { return m_policyTester; }
    ConnectionsPage *connectionsPage() const { return m_connectionsPage; }
    QString liveStateText() const;
    QString instanceLog() const;

    // The row of key in section's view (through sorting and filtering), or -1.
    int viewRowOfKey(Section section, const QString &key) const;
    bool selectKey(Section section, const QString &key);

public slots:
    void refresh();
    void newTemplate();
    void editTemplate();
    void newClass();
    void editClass();
    void newPolicy();
    void editPolicy();
    void deletePolicy(bool confirm = true);
    void reprovisionInstance(bool dryRun);
    // "start", "stop", "reboot" (instance.action) or "console" (instance.console).
    void instanceAction(const QString &action);
    // Asks first (with confirm) how many devices move; the leader deletes (instance.delete).
    void deleteInstance(bool confirm = true);
    void reconcile();
    void toggleGatewayBlocked();
    // How many gateway ids the selected gateway's subscriber (IMPI) may enrol: asks, then
    // setGatewayIdAllowance.
    void editGatewayIdAllowance();
    // Stored and audited; false (with a status message) when no gateway with an IMPI is
    // selected or the store refuses.
    bool setGatewayIdAllowance(int maxGatewayIds);
    bool exportAuditCsv(const QString &path);
    // Templates, classes and policies as one JSON file (Engine::exportConfiguration).
    Result<void> exportConfiguration(const QString &path);
    // All or nothing; the summary or the error is also shown in the status bar.
    Result<Engine::ImportSummary> importConfiguration(const QString &path);
    // Per row; with showReport, a dialog lists every row's outcome.
    Result<QList<Engine::CsvRowOutcome>> preregisterDevices(const QString &path,
                                                            bool showReport = true);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QWidget *makeSection(Section section, StoreTableModel *model, const QList<QWidget *> &tools,
                         QWidget *below = nullptr);
    QString selectedKey(Section section) const;
    void followRequests();
    void showGatewayDetail();
    void queueInstanceRequest(const QString &action, const QJsonObject &options,
                              const QString &what);
    void updateStatus();

    Store::Store &m_store;
    QString m_databaseName;
    QListWidget *m_sidebar;
    QStackedWidget *m_stack;
    QHash<int, StoreTableModel *> m_models;
    QHash<int, QSortFilterProxyModel *> m_proxies;
    QHash<int, QTableView *> m_views;
    QHash<int, QLineEdit *> m_filters;
    QPlainTextEdit *m_instanceLog;
    QLabel *m_gatewayDetail;
    DevicePanel *m_devicePanel;
    AuthFailureModel *m_authFailures;
    PolicyTester *m_policyTester;
    std::unique_ptr<Secrets::SecretStore> m_ownSecrets;
    ConnectionsPage *m_connectionsPage = nullptr;
    QLabel *m_ruleResult;
    QLabel *m_databaseLabel;
    QLabel *m_liveLabel;
    QTimer *m_timer;
    struct FollowedRequest
    {
        QString what;
        qsizetype progressShown = 0; // of AdminRequest::progress, already in the log
    };
    QHash<qint64, FollowedRequest> m_followed; // admin request id → until it finishes
};

} // namespace Portal::Gui
