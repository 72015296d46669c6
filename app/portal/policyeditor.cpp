#include "policyeditor.h"

#include <portal-core/onem2m/acp.h>
#include <portal-core/onem2m/resourcejson.h>

#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Portal::Gui {

namespace {

using OneM2M::Operation;

constexpr Operation kOperationOfColumn[] = {Operation::Create, Operation::Retrieve,
                                            Operation::Update, Operation::Delete,
                                            Operation::Notify, Operation::Discovery};

QString operationName(Operation operation)
{
    switch (operation) {
    case Operation::Create:
        return PolicyEditor::tr("Create");
    case Operation::Retrieve:
        return PolicyEditor::tr("Retrieve");
    case Operation::Update:
        return PolicyEditor::tr("Update");
    case Operation::Delete:
        return PolicyEditor::tr("Delete");
    case Operation::Notify:
        return PolicyEditor::tr("Notify");
    case Operation::Discovery:
        break;
    }
    return PolicyEditor::tr("Discover");
}

QStringList split(const QString &text, const QString &separators)
{
    return text
        .split(QRegularExpression(QStringLiteral("[%1]").arg(separators)), Qt::SkipEmptyParts)
        .replaceInStrings(QRegularExpression(QStringLiteral("^\\s+|\\s+$")), QString());
}

QJsonArray jsonList(const QStringList &list)
{
    QJsonArray array;
    for (const QString &entry : list) {
        if (!entry.isEmpty())
            array.append(entry);
    }
    return array;
}

QTableWidgetItem *checkItem(bool checked)
{
    auto *item = new QTableWidgetItem;
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
    item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    return item;
}

Error invalid(const QString &text)
{
    return makeError("gui.invalid", text.toStdString());
}

} // namespace

PolicyEditor::PolicyEditor(Store::Store &store, const std::optional<Store::AccessPolicy> &existing,
                           QWidget *parent)
    : QDialog(parent), m_store(store), m_name(new QLineEdit(this)),
      m_rules(new QTableWidget(0, ColumnCount, this)), m_error(new QLabel(this))
{
    setWindowTitle(existing ? tr("Edit access policy %1").arg(existing->name)
                            : tr("New access policy"));
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setPlaceholderText(tr("letters, digits, . _ -"));
    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);

    m_rules->setObjectName(QStringLiteral("rules"));
    QStringList headers{tr("Originators")};
    for (Operation operation : kOperationOfColumn)
        headers.append(operationName(operation));
    headers << tr("Time windows (UTC cron; ';' between)") << tr("IPv4 ranges") << tr("IPv6 ranges");
    m_rules->setHorizontalHeaderLabels(headers);
    m_rules->horizontalHeaderItem(Originators)
        ->setToolTip(tr("Comma separated: an id, 'all', or a pattern with * and ?"));
    m_rules->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_rules->horizontalHeader()->setStretchLastSection(true);
    m_rules->setMinimumWidth(900);

    auto *addButton = new QPushButton(tr("&Add rule"), this);
    addButton->setObjectName(QStringLiteral("addRule"));
    auto *removeButton = new QPushButton(tr("&Remove rule"), this);
    removeButton->setObjectName(QStringLiteral("removeRule"));
    connect(addButton, &QPushButton::clicked, this, [this] { addRule(); });
    connect(removeButton, &QPushButton::clicked, this, [this] {
        if (m_rules->currentRow() >= 0)
            m_rules->removeRow(m_rules->currentRow());
    });
    auto *ruleButtons = new QHBoxLayout;
    ruleButtons->addWidget(addButton);
    ruleButtons->addWidget(removeButton);
    ruleButtons->addStretch(1);

    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &PolicyEditor::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &PolicyEditor::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("A request is granted when a rule names its originator, has "
                                    "its operation, and its time windows and address ranges "
                                    "(when given) hold."),
                                 this));
    layout->addWidget(m_rules, 1);
    layout->addLayout(ruleButtons);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    if (!existing) {
        addRule();
        return;
    }
    m_name->setText(existing->name);
    m_name->setReadOnly(true);
    m_selfPrivileges = existing->document.value(QStringLiteral("m2m:acp"))
                           .toObject()
                           .value(QStringLiteral("pvs"))
                           .toObject();
    auto policy = OneM2M::parseAccessControlPolicy(
        QJsonDocument(existing->document).toJson(QJsonDocument::Compact),
        Store::Store::kMaxPolicyBytes);
    if (!policy) {
        m_error->setText(tr("The stored policy does not parse (%1); replace it by importing a "
                            "corrected one.")
                             .arg(QString::fromStdString(policy.error().message)));
        m_error->show();
        m_readOnly = true;
        buttons->button(QDialogButtonBox::Save)->setEnabled(false);
        return;
    }
    for (const OneM2M::AccessControlRule &rule : policy->privileges) {
        const int row = addRule();
        m_rules->item(row, Originators)->setText(rule.originators.join(QStringLiteral(", ")));
        for (int i = 0; i < 6; ++i)
            m_rules->item(row, Create + i)
                ->setCheckState(rule.operations & quint32(kOperationOfColumn[i]) ? Qt::Checked
                                                                                 : Qt::Unchecked);
        if (rule.contexts.size() > 1 ||
            (rule.contexts.size() == 1 && rule.contexts.first().unsupported))
            m_readOnly = true;
        if (rule.contexts.size() == 1) {
            const OneM2M::AccessControlContext &context = rule.contexts.first();
            m_rules->item(row, TimeWindows)
                ->setText(context.timeWindows.join(QStringLiteral("; ")));
            m_rules->item(row, Ipv4Ranges)->setText(context.ipv4Ranges.join(QStringLiteral(", ")));
            m_rules->item(row, Ipv6Ranges)->setText(context.ipv6Ranges.join(QStringLiteral(", ")));
        }
    }
    if (m_readOnly) {
        m_error->setText(tr("This policy has contexts this table cannot show (several per rule, "
                            "or location regions); it is shown read-only. Export, edit and "
                            "import it as JSON to change it."));
        m_error->show();
        m_rules->setEnabled(false);
        buttons->button(QDialogButtonBox::Save)->setEnabled(false);
    }
}

int PolicyEditor::addRule()
{
    const int row = m_rules->rowCount();
    m_rules->insertRow(row);
    m_rules->setItem(row, Originators, new QTableWidgetItem);
    for (int i = 0; i < 6; ++i)
        m_rules->setItem(row, Create + i, checkItem(kOperationOfColumn[i] == Operation::Retrieve));
    for (int column : {int(TimeWindows), int(Ipv4Ranges), int(Ipv6Ranges)})
        m_rules->setItem(row, column, new QTableWidgetItem);
    m_rules->setCurrentCell(row, Originators);
    return row;
}

Result<Store::AccessPolicy> PolicyEditor::policyFromInput() const
{
    const QString name = m_name->text().trimmed();
    if (!Store::isValidName(name))
        return invalid(tr("The name must be 1 to 64 letters, digits, dots, underscores or "
                          "dashes."));
    if (m_rules->rowCount() == 0)
        return invalid(tr("Add at least one rule; a policy without rules grants nothing."));
    QJsonArray rules;
    for (int row = 0; row < m_rules->rowCount(); ++row) {
        const auto text = [&](int column) { return m_rules->item(row, column)->text(); };
        const QStringList originators = split(text(Originators), QStringLiteral(", "));
        if (originators.isEmpty())
            return invalid(tr("Rule %1 names no originator (use 'all' for anyone).").arg(row + 1));
        int operations = 0;
        for (int i = 0; i < 6; ++i) {
            if (m_rules->item(row, Create + i)->checkState() == Qt::Checked)
                operations |= int(kOperationOfColumn[i]);
        }
        if (operations == 0)
            return invalid(tr("Rule %1 allows no operation; tick at least one.").arg(row + 1));
        QJsonObject rule{{QStringLiteral("acor"), jsonList(originators)},
                         {QStringLiteral("acop"), operations}};
        const QStringList windows = split(text(TimeWindows), QStringLiteral(";"));
        const QStringList ipv4 = split(text(Ipv4Ranges), QStringLiteral(", "));
        const QStringList ipv6 = split(text(Ipv6Ranges), QStringLiteral(", "));
        for (const QString &window : windows) {
            if (!OneM2M::isValidTimeWindow(window))
                return invalid(tr("Rule %1: '%2' is not six cron fields (second minute hour "
                                  "day month weekday), e.g. '* * 8-17 * * 1-5'.")
                                   .arg(row + 1)
                                   .arg(window));
        }
        for (const auto &[ranges, ipv6Ranges] : {std::pair{&ipv4, false}, std::pair{&ipv6, true}}) {
            for (const QString &range : *ranges) {
                if (!OneM2M::isValidAddressRange(range, ipv6Ranges))
                    return invalid(tr("Rule %1: '%2' is not an %3 address or CIDR range.")
                                       .arg(row + 1)
                                       .arg(range, ipv6Ranges ? tr("IPv6") : tr("IPv4")));
            }
        }
        if (!windows.isEmpty() || !ipv4.isEmpty() || !ipv6.isEmpty()) {
            QJsonObject context;
            if (!windows.isEmpty())
                context.insert(QStringLiteral("actw"), jsonList(windows));
            if (!ipv4.isEmpty() || !ipv6.isEmpty()) {
                QJsonObject addresses;
                if (!ipv4.isEmpty())
                    addresses.insert(QStringLiteral("ipv4"), jsonList(ipv4));
                if (!ipv6.isEmpty())
                    addresses.insert(QStringLiteral("ipv6"), jsonList(ipv6));
                context.insert(QStringLiteral("acip"), addresses);
            }
            rule.insert(QStringLiteral("acco"), QJsonArray{context});
        }
        rules.append(rule);
    }
    QJsonObject acp{{QStringLiteral("rn"), name},
                    {QStringLiteral("pv"), QJsonObject{{QStringLiteral("acr"), rules}}}};
    if (!m_selfPrivileges.isEmpty())
        acp.insert(QStringLiteral("pvs"), m_selfPrivileges);
    const QJsonObject document{{QStringLiteral("m2m:acp"), acp}};
    // The instances' own parser decides: what it refuses is never saved.
    auto parsed = OneM2M::parseAccessControlPolicy(
        QJsonDocument(document).toJson(QJsonDocument::Compact), Store::Store::kMaxPolicyBytes);
    if (!parsed)
        return invalid(tr("The instances would refuse this policy: %1")
                           .arg(QString::fromStdString(parsed.error().message)));
    return Store::AccessPolicy{name, document, false, {}};
}

QString PolicyEditor::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void PolicyEditor::accept()
{
    if (m_readOnly)
        return;
    auto policy = policyFromInput();
    const auto fail = [this](const QString &text) {
        m_error->setText(text);
        m_error->show();
    };
    if (!policy)
        return fail(QString::fromStdString(policy.error().message));
    if (auto saved = m_store.upsertPolicy(*policy); !saved)
        return fail(tr("The store refused the policy: %1")
                        .arg(QString::fromStdString(saved.error().message)));
    (void)m_store.audit(m_store.operatorName(QStringLiteral("gui")), QStringLiteral("policy.save"),
                        QStringLiteral("policy:") + policy->name);
    QDialog::accept();
}

PolicyTester::PolicyTester(Store::Store &store, QWidget *parent)
    : QWidget(parent), m_store(store), m_originator(new QLineEdit(this)),
      m_operation(new QComboBox(this)), m_address(new QLineEdit(this)),
      m_time(new QDateTimeEdit(QDateTime::currentDateTimeUtc(), this)), m_result(new QLabel(this))
{
    m_originator->setObjectName(QStringLiteral("testOriginator"));
    m_originator->setPlaceholderText(tr("originator, e.g. Cviewer"));
    m_operation->setObjectName(QStringLiteral("testOperation"));
    for (Operation operation : kOperationOfColumn)
        m_operation->addItem(operationName(operation), quint32(operation));
    m_operation->setCurrentIndex(1);
    m_address->setObjectName(QStringLiteral("testAddress"));
    m_address->setPlaceholderText(tr("from address, e.g. 10.0.0.5"));
    m_time->setObjectName(QStringLiteral("testTime"));
    m_time->setTimeSpec(Qt::UTC);
    m_time->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
    m_result->setObjectName(QStringLiteral("policyResult"));
    m_result->setWordWrap(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("May"), this));
    layout->addWidget(m_originator);
    layout->addWidget(m_operation);
    layout->addWidget(new QLabel(tr("from"), this));
    layout->addWidget(m_address);
    layout->addWidget(new QLabel(tr("at"), this));
    layout->addWidget(m_time);
    layout->addWidget(m_result, 1);
    connect(m_originator, &QLineEdit::textChanged, this, &PolicyTester::test);
    connect(m_address, &QLineEdit::textChanged, this, &PolicyTester::test);
    connect(m_operation, &QComboBox::currentIndexChanged, this, &PolicyTester::test);
    connect(m_time, &QDateTimeEdit::dateTimeChanged, this, &PolicyTester::test);
}

QString PolicyTester::result() const
{
    return m_result->text();
}

void PolicyTester::test()
{
    if (m_originator->text().trimmed().isEmpty())
        return m_result->setText(tr("Type an originator to test the policies."));
    auto stored = m_store.policies();
    if (!stored)
        return m_result->setText(
            tr("Cannot read the policies: %1").arg(QString::fromStdString(stored.error().message)));
    QList<OneM2M::AccessControlPolicy> policies;
    QStringList names;
    for (const Store::AccessPolicy &policy : *stored) {
        auto parsed = OneM2M::parseAccessControlPolicy(
            QJsonDocument(policy.document).toJson(QJsonDocument::Compact),
            Store::Store::kMaxPolicyBytes);
        if (!parsed)
            continue; // never pushed either: it cannot grant anything
        policies.append(*parsed);
        names.append(policy.name);
    }
    const QHostAddress address(m_address->text().trimmed());
    if (!m_address->text().trimmed().isEmpty() && address.isNull())
        return m_result->setText(tr("'%1' is not an IP address.").arg(m_address->text()));
    const OneM2M::AccessRequest request{m_originator->text().trimmed(),
                                        Operation(m_operation->currentData().toUInt()),
                                        m_time->dateTime().toUTC(), address};
    const auto decided = OneM2M::grantingRule(policies, request);
    m_result->setText(decided ? tr("→ granted by policy %1, rule %2")
                                    .arg(names[decided->policy])
                                    .arg(decided->rule + 1)
                              : tr("→ refused: no rule of the stored policies grants it"));
}

} // namespace Portal::Gui
