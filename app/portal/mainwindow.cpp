#include "mainwindow.h"

#include "connectionspage.h"
#include "devicepanel.h"
#include "editors.h"
#include "policyeditor.h"
#include "provisioningwizard.h"

#include <portal-core/engine/classmatcher.h>
#include <portal-core/engine/csv.h>

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace Portal::Gui {

namespace {

QString sectionTitle(MainWindow::Section section)
{
    switch (section) {
    case MainWindow::Section::Gateways:
        return MainWindow::tr("Gateways");
    case MainWindow::Section::Devices:
        return MainWindow::tr("Devices");
    case MainWindow::Section::Classes:
        return MainWindow::tr("Device classes");
    case MainWindow::Section::Templates:
        return MainWindow::tr("VM templates");
    case MainWindow::Section::Instances:
        return MainWindow::tr("Instances");
    case MainWindow::Section::Policies:
        return MainWindow::tr("Access policies");
    case MainWindow::Section::Audit:
        return MainWindow::tr("Audit log");
    case MainWindow::Section::Connections:
        break;
    }
    return MainWindow::tr("Connections");
}

QString sectionKey(MainWindow::Section section)
{
    static const char *const keys[] = {"gateways",  "devices",  "classes", "templates",
                                       "instances", "policies", "audit",   "connections"};
    return QLatin1String(keys[int(section)]);
}

QPushButton *button(QWidget *parent, const QString &text, const QString &objectName)
{
    auto *pushButton = new QPushButton(text, parent);
    pushButton->setObjectName(objectName);
    return pushButton;
}

} // namespace

MainWindow::MainWindow(Store::Store &store, QString databaseName, int refreshMs,
                       std::optional<QSslConfiguration> adminTls, Secrets::SecretStore *secrets,
                       QWidget *parent)
    : QMainWindow(parent), m_store(store), m_databaseName(std::move(databaseName)),
      m_sidebar(new QListWidget(this)), m_stack(new QStackedWidget(this)),
      m_instanceLog(new QPlainTextEdit(this)), m_gatewayDetail(new QLabel(this)),
      m_devicePanel(new DevicePanel(store, std::move(adminTls), this)),
      m_policyTester(new PolicyTester(store, this)), m_ruleResult(new QLabel(this)),
      m_databaseLabel(new QLabel(this)), m_liveLabel(new QLabel(this)), m_timer(new QTimer(this))
{
    setWindowTitle(tr("IoT Portal"));
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setMaximumWidth(200);
    for (int i = 0; i < kSectionCount; ++i)
        m_sidebar->addItem(sectionTitle(Section(i)));

    // Gateways.
    QPushButton *block = button(this, tr("&Block / unblock"), QStringLiteral("blockGateway"));
    connect(block, &QPushButton::clicked, this, &MainWindow::toggleGatewayBlocked);
    QPushButton *allowance =
        button(this, tr("Gateway &ids allowed…"), QStringLiteral("gatewayIdAllowance"));
    connect(allowance, &QPushButton::clicked, this, &MainWindow::editGatewayIdAllowance);
    m_gatewayDetail->setObjectName(QStringLiteral("gatewayDetail"));
    m_gatewayDetail->setWordWrap(true);
    m_gatewayDetail->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_gatewayDetail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stack->addWidget(makeSection(Section::Gateways, new GatewayModel(m_store, this),
                                   {block, allowance}, m_gatewayDetail));
    connect(view(Section::Gateways)->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MainWindow::showGatewayDetail);

    // Devices, with the selected one's readings, commands and key below.
    m_stack->addWidget(
        makeSection(Section::Devices, new DeviceModel(m_store, this), {}, m_devicePanel));
    connect(view(Section::Devices)->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { m_devicePanel->showDevice(selectedKey(Section::Devices)); });

    // Device classes, with the rule tester below.
    QPushButton *newClassButton = button(this, tr("&New class…"), QStringLiteral("newClass"));
    QPushButton *editClassButton = button(this, tr("&Edit…"), QStringLiteral("editClass"));
    connect(newClassButton, &QPushButton::clicked, this, &MainWindow::newClass);
    connect(editClassButton, &QPushButton::clicked, this, &MainWindow::editClass);
    auto *tester = new QWidget(this);
    auto *testerLayout = new QHBoxLayout(tester);
    testerLayout->setContentsMargins(0, 0, 0, 0);
    testerLayout->addWidget(new QLabel(tr("Which class would a device get?"), tester));
    QList<QLineEdit *> attributes;
    for (const auto &[placeholder, name] :
         {std::pair{tr("vendor"), "testVendor"}, std::pair{tr("type"), "testType"},
          std::pair{tr("subscriber"), "testSubscriber"}}) {
        auto *edit = new QLineEdit(tester);
        edit->setPlaceholderText(placeholder);
        edit->setObjectName(QLatin1String(name));
        testerLayout->addWidget(edit);
        attributes.append(edit);
    }
    m_ruleResult->setObjectName(QStringLiteral("ruleResult"));
    testerLayout->addWidget(m_ruleResult, 1);
    const auto testRule = [this, attributes] {
        auto classes = m_store.deviceClasses();
        if (!classes)
            return m_ruleResult->setText(tr("cannot read the classes"));
        const auto match = Engine::matchDeviceClass(
            *classes, {attributes[0]->text(), attributes[1]->text(), attributes[2]->text()});
        m_ruleResult->setText(
            match ? tr("→ %1 (template %2, %3)")
                        .arg(match->name, match->templateName, Store::toText(match->sharing))
                  : tr("→ no class: the attach would be refused "
                       "(portal.no_class)"));
    };
    for (QLineEdit *edit : attributes)
        connect(edit, &QLineEdit::textChanged, this, testRule);
    m_stack->addWidget(makeSection(Section::Classes, new ClassModel(m_store, this),
                                   {newClassButton, editClassButton}, tester));

    // VM templates.
    QPushButton *newTemplateButton =
        button(this, tr("&New template…"), QStringLiteral("newTemplate"));
    QPushButton *editTemplateButton = button(this, tr("&Edit…"), QStringLiteral("editTemplate"));
    connect(newTemplateButton, &QPushButton::clicked, this, &MainWindow::newTemplate);
    connect(editTemplateButton, &QPushButton::clicked, this, &MainWindow::editTemplate);
    m_stack->addWidget(makeSection(Section::Templates, new TemplateModel(m_store, this),
                                   {newTemplateButton, editTemplateButton}));

    // Instances, with the log of their admin actions below.
    QPushButton *reprovision = button(this, tr("&Re-provision"), QStringLiteral("reprovision"));
    QPushButton *dryRun = button(this, tr("&Dry run"), QStringLiteral("dryRun"));
    QPushButton *reconcileButton = button(this, tr("Re&concile"), QStringLiteral("reconcile"));
    connect(reprovision, &QPushButton::clicked, this, [this] { reprovisionInstance(false); });
    connect(dryRun, &QPushButton::clicked, this, [this] { reprovisionInstance(true); });
    connect(reconcileButton, &QPushButton::clicked, this, &MainWindow::reconcile);
    QList<QWidget *> instanceTools{reprovision, dryRun, reconcileButton};
    for (const auto &[action, text] : {std::pair{QStringLiteral("start"), tr("S&tart")},
                                       std::pair{QStringLiteral("stop"), tr("St&op")},
                                       std::pair{QStringLiteral("reboot"), tr("Re&boot")},
                                       std::pair{QStringLiteral("console"), tr("Console &log")}}) {
        QPushButton *actionButton = button(this, text, QStringLiteral("instance-") + action);
        connect(actionButton, &QPushButton::clicked, this,
                [this, action = action] { instanceAction(action); });
        instanceTools.append(actionButton);
    }
    QPushButton *deleteInstanceButton =
        button(this, tr("De&lete…"), QStringLiteral("instance-delete"));
    connect(deleteInstanceButton, &QPushButton::clicked, this, [this] { deleteInstance(true); });
    instanceTools.append(deleteInstanceButton);
    m_instanceLog->setObjectName(QStringLiteral("instanceLog"));
    m_instanceLog->setReadOnly(true);
    m_instanceLog->setPlaceholderText(
        tr("Re-provisioning and dry runs show Puppet's output here as it runs; "
           "reconciliation, start/stop/reboot, deletion and console logs appear when the "
           "leading iot-portald has done them."));
    m_stack->addWidget(makeSection(Section::Instances, new InstanceModel(m_store, this),
                                   instanceTools, m_instanceLog));

    // Access policies, with the tester below.
    QPushButton *newPolicyButton = button(this, tr("&New policy…"), QStringLiteral("newPolicy"));
    QPushButton *editPolicyButton = button(this, tr("&Edit…"), QStringLiteral("editPolicy"));
    QPushButton *deletePolicyButton = button(this, tr("De&lete…"), QStringLiteral("deletePolicy"));
    connect(newPolicyButton, &QPushButton::clicked, this, &MainWindow::newPolicy);
    connect(editPolicyButton, &QPushButton::clicked, this, &MainWindow::editPolicy);
    connect(deletePolicyButton, &QPushButton::clicked, this, [this] { deletePolicy(true); });
    m_stack->addWidget(makeSection(Section::Policies, new PolicyModel(m_store, this),
                                   {newPolicyButton, editPolicyButton, deletePolicyButton},
                                   m_policyTester));

    // Audit log.
    QPushButton *exportButton = button(this, tr("E&xport CSV…"), QStringLiteral("exportAudit"));
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export the audit log"), QStringLiteral("audit.csv"), tr("CSV files (*.csv)"));
        if (!path.isEmpty() && !exportAuditCsv(path))
            QMessageBox::warning(
                this, tr("Export failed"),
                tr("Could not write %1. Choose a folder you can write to.").arg(path));
    });
    // Below the log: failed authentications, counted per minute and key.
    m_authFailures = new AuthFailureModel(m_store, this);
    auto *authFailuresView = new QTableView(this);
    authFailuresView->setObjectName(QStringLiteral("authFailuresView"));
    authFailuresView->setModel(m_authFailures);
    authFailuresView->setSelectionBehavior(QAbstractItemView::SelectRows);
    authFailuresView->setAlternatingRowColors(true);
    authFailuresView->verticalHeader()->hide();
    authFailuresView->horizontalHeader()->setStretchLastSection(true);
    auto *authFailuresBox = new QGroupBox(tr("Failed authentications"), this);
    auto *authFailuresLayout = new QVBoxLayout(authFailuresBox);
    authFailuresLayout->addWidget(authFailuresView);
    m_stack->addWidget(makeSection(Section::Audit, new AuditModel(m_store, this), {exportButton},
                                   authFailuresBox));

    // Connections.
    if (!secrets) {
        m_ownSecrets = std::make_unique<Secrets::MemorySecretStore>();
        secrets = m_ownSecrets.get();
    }
    m_connectionsPage = new ConnectionsPage(m_databaseName, *secrets, this);
    m_stack->addWidget(m_connectionsPage);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_sidebar);
    splitter->addWidget(m_stack);
    splitter->setStretchFactor(1, 1);
    setCentralWidget(splitter);
    connect(m_sidebar, &QListWidget::currentRowChanged, this, [this](int row) {
        m_stack->setCurrentIndex(row);
        refresh(); // the section shown now reads its rows
    });

    m_databaseLabel->setObjectName(QStringLiteral("databaseLabel"));
    m_liveLabel->setObjectName(QStringLiteral("liveLabel"));
    statusBar()->addWidget(m_databaseLabel);
    statusBar()->addPermanentWidget(m_liveLabel);
    m_databaseLabel->setText(
        tr("Database: %1 (%2)")
            .arg(m_databaseName, m_store.isPostgres() ? tr("PostgreSQL") : tr("SQLite")));

    for (int i = 0; i < kSectionCount; ++i) {
        auto *action = new QAction(this);
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(action, &QAction::triggered, this, [this, i] { showSection(Section(i)); });
        addAction(action);
    }
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    fileMenu->addAction(tr("&Import configuration…"), this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Import templates, classes and policies"),
                                         QString(), tr("JSON files (*.json)"));
        if (path.isEmpty())
            return;
        if (auto imported = importConfiguration(path); !imported)
            QMessageBox::warning(this, tr("Import refused"),
                                 tr("The import stopped: %1\n\nCorrect what it names and import "
                                    "the file again.")
                                     .arg(QString::fromStdString(imported.error().message)));
    });
    fileMenu->addAction(tr("&Export configuration…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export templates, classes and policies"),
            QStringLiteral("iot-portal-configuration.json"), tr("JSON files (*.json)"));
        if (path.isEmpty())
            return;
        if (auto exported = exportConfiguration(path); !exported)
            QMessageBox::warning(this, tr("Export failed"),
                                 tr("%1\n\nChoose a folder you can write to.")
                                     .arg(QString::fromStdString(exported.error().message)));
    });
    fileMenu->addAction(tr("&Pre-register devices from CSV…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Pre-register devices"),
                                                          QString(), tr("CSV files (*.csv)"));
        if (path.isEmpty())
            return;
        if (auto outcomes = preregisterDevices(path); !outcomes)
            QMessageBox::warning(this, tr("Pre-registration refused"),
                                 tr("Nothing was registered: %1")
                                     .arg(QString::fromStdString(outcomes.error().message)));
    });
    fileMenu->addAction(tr("Pro&vision a device over serial…"), this, [this] {
        ProvisioningWizard wizard(m_store, this);
        wizard.exec();
        refresh();
    });
    fileMenu->addSeparator();
    fileMenu->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    QMenu *settingsMenu = menuBar()->addMenu(tr("&Settings"));
    QMenu *languageMenu = settingsMenu->addMenu(tr("&Language"));
    auto *languages = new QActionGroup(this);
    const QString chosen = QSettings().value(QStringLiteral("language")).toString();
    for (const auto &[code, name] : {std::pair{QString(), tr("System default")},
                                     std::pair{QStringLiteral("en"), tr("English")},
                                     std::pair{QStringLiteral("fi"), QStringLiteral("Suomi")},
                                     std::pair{QStringLiteral("de"), QStringLiteral("Deutsch")}}) {
        QAction *action = languageMenu->addAction(name);
        action->setCheckable(true);
        action->setChecked(code == chosen);
        action->setObjectName(QStringLiteral("language-") +
                              (code.isEmpty() ? QStringLiteral("system") : code));
        languages->addAction(action);
        connect(action, &QAction::triggered, this, [this, code = code] {
            QSettings().setValue(QStringLiteral("language"), code);
            statusBar()->showMessage(tr("The language changes when iot-portal starts again."),
                                     10000);
        });
    }

    auto *refreshAction = new QAction(this);
    refreshAction->setShortcut(QKeySequence::Refresh);
    connect(refreshAction, &QAction::triggered, this, &MainWindow::refresh);
    addAction(refreshAction);
    auto *findAction = new QAction(this);
    findAction->setShortcut(QKeySequence::Find);
    connect(findAction, &QAction::triggered, this, [this] {
        if (QLineEdit *edit = filter(currentSection()))
            edit->setFocus(Qt::ShortcutFocusReason);
    });
    addAction(findAction);

    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    for (int i = 0; i < kTableSectionCount; ++i)
        m_views.value(i)->horizontalHeader()->restoreState(
            settings.value(QStringLiteral("columns/") + sectionKey(Section(i))).toByteArray());
    m_sidebar->setCurrentRow(settings.value(QStringLiteral("window/section"), 0).toInt());

    connect(m_timer, &QTimer::timeout, this, &MainWindow::refresh);
    m_timer->start(refreshMs);
    // On PostgreSQL every change is notified: the views follow within kNotifyDebounceMs
    // (a burst of heartbeats is one refresh); the poll stays for time-based states (a gateway
    // going stale) and as the fallback.
    auto *notified = new QTimer(this);
    notified->setSingleShot(true);
    notified->setInterval(kNotifyDebounceMs);
    connect(notified, &QTimer::timeout, this, &MainWindow::refresh);
    const bool live = bool(m_store.listenForChanges(this, [notified](const QString &) {
        if (!notified->isActive())
            notified->start();
    }));
    m_databaseLabel->setText(
        m_databaseLabel->text() +
        (live ? tr(" · live (PostgreSQL notifications)")
              : tr(" · polled every %1 s").arg(double(refreshMs) / 1000.0, 0, 'g', 3)));
    refresh();
}

MainWindow::~MainWindow() = default;

QWidget *MainWindow::makeSection(Section section, StoreTableModel *model,
                                 const QList<QWidget *> &tools, QWidget *below)
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    auto *toolbar = new QHBoxLayout;
    auto *title = new QLabel(QStringLiteral("<b>%1</b>").arg(sectionTitle(section)), page);
    toolbar->addWidget(title);
    auto *filterEdit = new QLineEdit(page);
    filterEdit->setObjectName(sectionKey(section) + QStringLiteral("Filter"));
    filterEdit->setPlaceholderText(tr("Filter (Ctrl+F)"));
    filterEdit->setClearButtonEnabled(true);
    toolbar->addWidget(filterEdit, 1);
    for (QWidget *tool : tools)
        toolbar->addWidget(tool);
    layout->addLayout(toolbar);

    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(model);
    proxy->setFilterKeyColumn(-1);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    proxy->setSortRole(StoreTableModel::SortRole);
    proxy->setFilterRole(StoreTableModel::SortRole);
    connect(filterEdit, &QLineEdit::textChanged, proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    auto *table = new QTableView(page);
    table->setObjectName(sectionKey(section) + QStringLiteral("View"));
    table->setModel(proxy);
    table->setSortingEnabled(true);
    table->sortByColumn(0, Qt::AscendingOrder);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setAlternatingRowColors(true);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    // A device id (16 hex digits) whole; measuring every row (ResizeToContents) costs
    // seconds at 100k rows. A saved column layout overrides this.
    if (section == Section::Devices)
        table->setColumnWidth(
            0, table->fontMetrics().horizontalAdvance(QStringLiteral("00000000000000000")) +
                   2 * table->style()->pixelMetric(QStyle::PM_HeaderMargin) + 24);
    if (below) {
        auto *split = new QSplitter(Qt::Vertical, page);
        split->addWidget(table);
        split->addWidget(below);
        split->setStretchFactor(0, 3);
        layout->addWidget(split, 1);
    } else {
        layout->addWidget(table, 1);
    }
    setTabOrder(filterEdit, table);
    m_models.insert(int(section), model);
    m_proxies.insert(int(section), proxy);
    m_views.insert(int(section), table);
    m_filters.insert(int(section), filterEdit);
    return page;
}

void MainWindow::showSection(Section section)
{
    m_sidebar->setCurrentRow(int(section));
}

MainWindow::Section MainWindow::currentSection() const
{
    return Section(qBound(0, m_stack->currentIndex(), kSectionCount - 1));
}

QString MainWindow::liveStateText() const
{
    return m_liveLabel->text();
}

QString MainWindow::instanceLog() const
{
    return m_instanceLog->toPlainText();
}

int MainWindow::viewRowOfKey(Section section, const QString &key) const
{
    const int sourceRow = model(section)->rowOfKey(key);
    if (sourceRow < 0)
        return -1;
    return m_proxies.value(int(section))->mapFromSource(model(section)->index(sourceRow, 0)).row();
}

bool MainWindow::selectKey(Section section, const QString &key)
{
    const int row = viewRowOfKey(section, key);
    if (row < 0)
        return false;
    view(section)->selectRow(row);
    return true;
}

QString MainWindow::selectedKey(Section section) const
{
    const QModelIndexList rows = view(section)->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return QString();
    return rows.first().data(StoreTableModel::KeyRole).toString();
}

void MainWindow::refresh()
{
    // Only the section on screen reads its rows; the status bar counts come from one query.
    if (StoreTableModel *shown = model(currentSection()))
        shown->refresh();
    if (currentSection() == Section::Devices)
        m_devicePanel->refresh();
    if (currentSection() == Section::Gateways)
        showGatewayDetail();
    if (currentSection() == Section::Policies)
        m_policyTester->test(); // the policies may have changed meanwhile
    if (currentSection() == Section::Audit)
        m_authFailures->refresh();
    followRequests();
    updateStatus();
}

void MainWindow::updateStatus()
{
    // A gateway is online when it sent a heartbeat in the last 30 s (gatewayLiveness).
    auto counts = m_store.statusCounts(QDateTime::currentDateTimeUtc().addSecs(-30));
    if (!counts)
        return m_liveLabel->setText(tr("The database did not answer: %1")
                                        .arg(QString::fromStdString(counts.error().message)));
    QString text = tr("Gateways online %1/%2 · Devices %3 · Instances ready %4/%5 · Failures %6")
                       .arg(counts->gatewaysOnline)
                       .arg(counts->gateways)
                       .arg(counts->devices)
                       .arg(counts->instancesReady)
                       .arg(counts->instances)
                       .arg(counts->devicesFailed + counts->instancesFailed);
    const StoreTableModel *shown = model(currentSection());
    if (const Error *error = shown ? shown->lastError() : nullptr)
        text +=
            tr(" · the database did not answer: %1").arg(QString::fromStdString(error->message));
    m_liveLabel->setText(text);
}

void MainWindow::showGatewayDetail()
{
    const QString key = selectedKey(Section::Gateways);
    auto gateway = m_store.findGateway(key);
    if (key.isEmpty() || !gateway)
        return m_gatewayDetail->setText(tr("Select a gateway to see its devices."));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString expiry = tr("unknown");
    if (gateway->btidExpiry.isValid()) {
        const qint64 minutes = now.secsTo(gateway->btidExpiry) / 60;
        expiry = minutes >= 0 ? tr("%1 (in %2 min)")
                                    .arg(gateway->btidExpiry.toLocalTime().toString(Qt::ISODate))
                                    .arg(minutes)
                              : tr("%1 (expired: it bootstraps again)")
                                    .arg(gateway->btidExpiry.toLocalTime().toString(Qt::ISODate));
    }
    // One arg() call: a value the gateway reported (its version) is never read as a "%n".
    QString text =
        tr("<b>%1</b> · %2%3<br>IMPI %4 · software %5 · last heartbeat %6<br>reports %7 devices, "
           "%8 readings queued · B-TID expiry %9")
            .arg(gateway->id, livenessText(gatewayLiveness(gateway->lastHeartbeat, now)),
                 gateway->blocked ? tr(" · <b>blocked</b>") : QString(),
                 gateway->impi.isEmpty() ? tr("not bound yet") : gateway->impi.toHtmlEscaped(),
                 gateway->version.toHtmlEscaped(),
                 gateway->lastHeartbeat.isValid()
                     ? gateway->lastHeartbeat.toLocalTime().toString(Qt::ISODate)
                     : tr("never"),
                 QString::number(gateway->deviceCount), QString::number(gateway->queueDepth),
                 expiry);
    if (!gateway->impi.isEmpty()) {
        auto allowed = m_store.impiAllowance(gateway->impi);
        text += allowed ? tr("<br>Its subscriber may enrol %n gateway id(s).", nullptr, *allowed)
                        : tr("<br>Its subscriber's allowance cannot be read: %1")
                              .arg(QString::fromStdString(allowed.error().message).toHtmlEscaped());
    }
    auto devices = m_store.devicesOfGateway(gateway->id);
    if (!devices) {
        text += tr("<br>Its devices cannot be read: %1")
                    .arg(QString::fromStdString(devices.error().message).toHtmlEscaped());
    } else {
        QStringList rows;
        // Bounded: a gateway with many devices shows the first kMaxGatewayDevicesShown.
        for (const Store::Device &device : devices->mid(0, kMaxGatewayDevicesShown))
            rows.append(
                tr("%1 (%2, %3)")
                    .arg(device.id, device.className.toHtmlEscaped(), Store::toText(device.state)));
        text += tr("<br>Devices attached through it (%1): %2")
                    .arg(QString::number(devices->size()),
                         rows.isEmpty() ? tr("none") : rows.join(QStringLiteral(", ")));
    }
    m_gatewayDetail->setText(text);
}

void MainWindow::newTemplate()
{
    TemplateEditor editor(m_store, std::nullopt, this);
    if (editor.exec() == QDialog::Accepted)
        refresh();
}

void MainWindow::editTemplate()
{
    auto vmTemplate = m_store.findTemplate(selectedKey(Section::Templates));
    if (!vmTemplate)
        return statusBar()->showMessage(tr("Select a template to edit."), 5000);
    TemplateEditor editor(m_store, *vmTemplate, this);
    if (editor.exec() == QDialog::Accepted)
        refresh();
}

void MainWindow::newClass()
{
    ClassEditor editor(m_store, std::nullopt, this);
    if (editor.exec() == QDialog::Accepted)
        refresh();
}

void MainWindow::editClass()
{
    auto deviceClass = m_store.findDeviceClass(selectedKey(Section::Classes));
    if (!deviceClass)
        return statusBar()->showMessage(tr("Select a device class to edit."), 5000);
    ClassEditor editor(m_store, *deviceClass, this);
    if (editor.exec() == QDialog::Accepted)
        refresh();
}

void MainWindow::newPolicy()
{
    PolicyEditor editor(m_store, std::nullopt, this);
    if (editor.exec() == QDialog::Accepted)
        refresh();
}

void MainWindow::editPolicy()
{
    const QString name = selectedKey(Section::Policies);
    auto policies = m_store.policies();
    if (!policies)
        return statusBar()->showMessage(tr("Could not read the policies: %1")
                                            .arg(QString::fromStdString(policies.error().message)),
                                        10000);
    for (const Store::AccessPolicy &policy : *policies) {
        if (policy.name != name)
            continue;
        PolicyEditor editor(m_store, policy, this);
        if (editor.exec() == QDialog::Accepted)
            refresh();
        return;
    }
    statusBar()->showMessage(tr("Select a policy to edit."), 5000);
}

void MainWindow::deletePolicy(bool confirm)
{
    const QString name = selectedKey(Section::Policies);
    if (name.isEmpty())
        return statusBar()->showMessage(tr("Select a policy to delete."), 5000);
    if (confirm && QMessageBox::question(this, tr("Delete the access policy"),
                                         tr("Delete %1? Every instance stops granting what it "
                                            "grants within seconds.")
                                             .arg(name)) != QMessageBox::Yes)
        return;
    if (auto deleted = m_store.deletePolicy(name); !deleted)
        return statusBar()->showMessage(tr("Could not delete the policy: %1")
                                            .arg(QString::fromStdString(deleted.error().message)),
                                        10000);
    (void)m_store.audit(m_store.operatorName(QStringLiteral("gui")),
                        QStringLiteral("policy.delete"), QStringLiteral("policy:") + name);
    refresh();
}

void MainWindow::reprovisionInstance(bool dryRun)
{
    const QString key = selectedKey(Section::Instances);
    queueInstanceRequest(
        QStringLiteral("instance.reprovision"), {{QStringLiteral("noop"), dryRun}},
        (dryRun ? tr("Dry run of instance %1") : tr("Re-provisioning of instance %1")).arg(key));
}

void MainWindow::instanceAction(const QString &action)
{
    const QString key = selectedKey(Section::Instances);
    static const QHash<QString, const char *> titles = {
        {QStringLiteral("start"), QT_TR_NOOP("Start of instance %1")},
        {QStringLiteral("stop"), QT_TR_NOOP("Stop of instance %1")},
        {QStringLiteral("reboot"), QT_TR_NOOP("Reboot of instance %1")}};
    if (action == QLatin1String("console"))
        return queueInstanceRequest(QStringLiteral("instance.console"),
                                    {{QStringLiteral("lines"), 200}},
                                    tr("Console log of instance %1").arg(key));
    queueInstanceRequest(QStringLiteral("instance.action"), {{QStringLiteral("action"), action}},
                         tr(titles.value(action, QT_TR_NOOP("Action on instance %1"))).arg(key));
}

void MainWindow::deleteInstance(bool confirm)
{
    const QString key = selectedKey(Section::Instances);
    if (key.isEmpty())
        return statusBar()->showMessage(tr("Select an instance first."), 5000);
    auto counts = m_store.deviceCountsByInstance();
    const int devices = counts ? counts->value(key.toLongLong()) : 0;
    if (confirm &&
        QMessageBox::question(
            this, tr("Delete the instance"),
            tr("Delete instance %1? Its machine and its data are removed. Its %n device(s) "
               "fail now and are placed on another instance when their gateways attach them "
               "again.",
               nullptr, devices)
                .arg(key)) != QMessageBox::Yes)
        return;
    queueInstanceRequest(QStringLiteral("instance.delete"), {},
                         tr("Deletion of instance %1").arg(key));
}

void MainWindow::queueInstanceRequest(const QString &action, const QJsonObject &options,
                                      const QString &what)
{
    const QString key = selectedKey(Section::Instances);
    if (key.isEmpty())
        return statusBar()->showMessage(tr("Select an instance first."), 5000);
    auto id = m_store.requestAdminAction(action, QStringLiteral("instance:") + key, options,
                                         m_store.operatorName(QStringLiteral("gui")));
    if (!id)
        return statusBar()->showMessage(
            tr("Could not queue the request: %1").arg(QString::fromStdString(id.error().message)),
            10000);
    m_followed.insert(*id, {what});
    m_instanceLog->appendPlainText(tr("%1: queued for the leading iot-portald…").arg(what));
}

void MainWindow::reconcile()
{
    auto id = m_store.requestAdminAction(QStringLiteral("reconcile"), QString(), {},
                                         m_store.operatorName(QStringLiteral("gui")));
    if (!id)
        return statusBar()->showMessage(
            tr("Could not queue the request: %1").arg(QString::fromStdString(id.error().message)),
            10000);
    m_followed.insert(*id, {tr("Reconciliation")});
    m_instanceLog->appendPlainText(tr("Reconciliation: queued for the leading iot-portald…"));
}

void MainWindow::followRequests()
{
    for (auto it = m_followed.begin(); it != m_followed.end();) {
        auto request = m_store.findAdminRequest(it.key());
        if (!request) {
            ++it;
            continue;
        }
        FollowedRequest &followed = it.value();
        // The run's lines as the leader records them (every 250 ms while Puppet talks).
        if (request->progress.size() > followed.progressShown) {
            if (followed.progressShown == 0)
                m_instanceLog->appendPlainText(tr("%1 is running:").arg(followed.what));
            m_instanceLog->appendPlainText(
                request->progress.mid(followed.progressShown)
                    .chopped(request->progress.endsWith(QLatin1Char('\n')) ? 1 : 0));
            followed.progressShown = request->progress.size();
        }
        if (request->state == Store::AdminRequestState::Pending) {
            ++it;
            continue;
        }
        const bool done = request->state == Store::AdminRequestState::Done;
        QString detail = request->result;
        const QJsonObject outcome = QJsonDocument::fromJson(detail.toUtf8()).object();
        // The log was shown line by line, unless the progress filled up before the end.
        const bool logShown = followed.progressShown > 0 &&
                              followed.progressShown < Store::Store::kMaxAdminProgressChars - 4096;
        if (outcome.contains(QStringLiteral("outcome")))
            detail =
                tr("outcome %1%2\n%3")
                    .arg(outcome.value(QStringLiteral("outcome")).toString(),
                         outcome.value(QStringLiteral("reason")).toString().isEmpty()
                             ? QString()
                             : QStringLiteral(": ") +
                                   outcome.value(QStringLiteral("reason")).toString(),
                         logShown ? QString() : outcome.value(QStringLiteral("log")).toString());
        m_instanceLog->appendPlainText(
            (done ? tr("%1 done: %2") : tr("%1 failed: %2")).arg(followed.what, detail.trimmed()));
        statusBar()->showMessage(
            done ? tr("%1 done.").arg(followed.what)
                 : tr("%1 failed; see the log below the instances.").arg(followed.what),
            10000);
        it = m_followed.erase(it);
    }
}

void MainWindow::toggleGatewayBlocked()
{
    const QString key = selectedKey(Section::Gateways);
    auto gateway = m_store.findGateway(key);
    if (!gateway)
        return statusBar()->showMessage(tr("Select a gateway first."), 5000);
    const bool block = !gateway->blocked;
    if (auto changed = m_store.setGatewayBlocked(key, block); !changed)
        return statusBar()->showMessage(tr("Could not change the gateway: %1")
                                            .arg(QString::fromStdString(changed.error().message)),
                                        10000);
    (void)m_store.audit(m_store.operatorName(QStringLiteral("gui")),
                        block ? QStringLiteral("gateway.block") : QStringLiteral("gateway.unblock"),
                        QStringLiteral("gateway:") + key);
    refresh();
}

void MainWindow::editGatewayIdAllowance()
{
    auto gateway = m_store.findGateway(selectedKey(Section::Gateways));
    if (!gateway || gateway->impi.isEmpty())
        return statusBar()->showMessage(tr("Select a gateway that has enrolled first."), 5000);
    auto current = m_store.impiAllowance(gateway->impi);
    bool accepted = false;
    const int wanted = QInputDialog::getInt(
        this, tr("Gateway ids allowed"),
        tr("How many gateway ids may subscriber %1 enrol? (Each further id is refused at the "
           "NAF until this allows it.)")
            .arg(gateway->impi),
        current ? *current : 1, 1, Store::Store::kMaxGatewayIdsPerImpi, 1, &accepted);
    if (accepted)
        setGatewayIdAllowance(wanted);
}

bool MainWindow::setGatewayIdAllowance(int maxGatewayIds)
{
    auto gateway = m_store.findGateway(selectedKey(Section::Gateways));
    if (!gateway || gateway->impi.isEmpty()) {
        statusBar()->showMessage(tr("Select a gateway that has enrolled first."), 5000);
        return false;
    }
    if (auto set = m_store.setImpiAllowance(gateway->impi, maxGatewayIds); !set) {
        statusBar()->showMessage(tr("Could not change the allowance: %1")
                                     .arg(QString::fromStdString(set.error().message)),
                                 10000);
        return false;
    }
    (void)m_store.audit(
        m_store.operatorName(QStringLiteral("gui")), QStringLiteral("gateway.allow_ids"),
        QStringLiteral("impi:") + gateway->impi, QStringLiteral("max %1").arg(maxGatewayIds));
    refresh();
    return true;
}

bool MainWindow::exportAuditCsv(const QString &path)
{
    StoreTableModel *audit = model(Section::Audit);
    audit->refresh(); // the newest entries, also when the section is not on screen
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return false;
    QStringList header;
    for (int column = 0; column < audit->columnCount(); ++column)
        header.append(Engine::csvField(audit->headerData(column, Qt::Horizontal).toString()));
    file.write(header.join(QLatin1Char(',')).toUtf8() + '\n');
    for (int row = 0; row < audit->rowCount(); ++row) {
        QStringList fields;
        for (int column = 0; column < audit->columnCount(); ++column) {
            // The whole detail, not the table's shortened one.
            const QModelIndex index = audit->index(row, column);
            fields.append(Engine::csvField(column == audit->columnCount() - 1
                                               ? index.data(StoreTableModel::TagRole).toString()
                                               : index.data().toString()));
        }
        file.write(fields.join(QLatin1Char(',')).toUtf8() + '\n');
    }
    return file.commit();
}

Result<void> MainWindow::exportConfiguration(const QString &path)
{
    auto configuration = Engine::exportConfiguration(m_store);
    if (!configuration)
        return configuration.error();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(*configuration).toJson()) < 0 || !file.commit())
        return makeError("gui.write_failed", tr("Could not write %1.").arg(path).toStdString());
    statusBar()->showMessage(tr("Exported the configuration to %1.").arg(path), 10000);
    return {};
}

Result<Engine::ImportSummary> MainWindow::importConfiguration(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("gui.read_failed", tr("Could not read %1.").arg(path).toStdString());
    if (file.size() > Engine::kMaxConfigurationBytes)
        return makeError("config.too_large",
                         tr("%1 is larger than 4 MiB.").arg(path).toStdString());
    auto imported =
        Engine::importConfiguration(m_store, file.read(Engine::kMaxConfigurationBytes + 1),
                                    m_store.operatorName(QStringLiteral("gui")));
    if (imported) {
        statusBar()->showMessage(tr("Imported %1 templates, %2 classes and %3 policies.")
                                     .arg(imported->templates)
                                     .arg(imported->classes)
                                     .arg(imported->policies),
                                 10000);
        refresh();
    }
    return imported;
}

Result<QList<Engine::CsvRowOutcome>> MainWindow::preregisterDevices(const QString &path,
                                                                    bool showReport)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("gui.read_failed", tr("Could not read %1.").arg(path).toStdString());
    if (file.size() > Engine::kMaxCsvBytes)
        return makeError("config.too_large",
                         tr("%1 is larger than 4 MiB.").arg(path).toStdString());
    auto outcomes = Engine::preregisterDevicesFromCsv(m_store, file.read(Engine::kMaxCsvBytes + 1),
                                                      m_store.operatorName(QStringLiteral("gui")));
    if (!outcomes)
        return outcomes;
    const auto registered =
        std::count_if(outcomes->begin(), outcomes->end(),
                      [](const Engine::CsvRowOutcome &row) { return row.registered; });
    const QString summary =
        tr("%1 of %2 devices registered.").arg(registered).arg(outcomes->size());
    statusBar()->showMessage(summary, 10000);
    refresh();
    if (showReport) {
        QDialog report(this);
        report.setWindowTitle(tr("Pre-registration report"));
        auto *table = new QTableWidget(int(outcomes->size()), 3, &report);
        table->setHorizontalHeaderLabels({tr("Line"), tr("Device"), tr("Outcome")});
        table->horizontalHeader()->setStretchLastSection(true);
        table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        for (int row = 0; row < outcomes->size(); ++row) {
            const Engine::CsvRowOutcome &outcome = outcomes->at(row);
            table->setItem(row, 0, new QTableWidgetItem(QString::number(outcome.line)));
            table->setItem(row, 1, new QTableWidgetItem(outcome.deviceId));
            auto *result = new QTableWidgetItem(outcome.message);
            if (!outcome.registered)
                result->setForeground(QColor(0xb0, 0x00, 0x20));
            table->setItem(row, 2, result);
        }
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &report);
        connect(buttons, &QDialogButtonBox::rejected, &report, &QDialog::reject);
        auto *layout = new QVBoxLayout(&report);
        layout->addWidget(new QLabel(summary, &report));
        layout->addWidget(table, 1);
        layout->addWidget(buttons);
        report.resize(700, 400);
        report.exec();
    }
    return outcomes;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/section"), m_stack->currentIndex());
    for (int i = 0; i < kTableSectionCount; ++i)
        settings.setValue(QStringLiteral("columns/") + sectionKey(Section(i)),
                          m_views.value(i)->horizontalHeader()->saveState());
    event->accept();
}

} // namespace Portal::Gui
