#pragma once
// Access policies in the admin GUI (issue 6): the oneM2M ACP editor and the tester.
//
// PolicyEditor edits one policy's privilege rules (`pv.acr`) as a table, one rule per row:
// originators, the six operations as checkboxes, and one context of time windows (six cron
// fields, UTC) and IPv4/IPv6 ranges. What is typed is built into the `m2m:acp` document and
// parsed by the same parser the instances use, so a policy the instances would refuse is
// refused here with the parser's message and nothing is saved. Self privileges (`pvs`) of
// an existing policy are kept as they were. A policy with contexts this table cannot show
// (several per rule, location regions) opens read-only.
//
// PolicyTester answers "may originator X do Y now, from address A?" over the stored
// policies, naming the policy and rule that grant it.

#include <portal-core/base/result.h>
#include <portal-core/store/store.h>

#include <QDialog>
#include <QJsonObject>
#include <QWidget>

#include <optional>

class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace Portal::Gui {

class PolicyEditor final : public QDialog
{
    Q_OBJECT
public:
    enum Column {
        Originators,
        Create,
        Retrieve,
        Update,
        Delete,
        Notify,
        Discovery,
        TimeWindows,
        Ipv4Ranges,
        Ipv6Ranges,
        ColumnCount
    };

    PolicyEditor(Store::Store &store, const std::optional<Store::AccessPolicy> &existing,
                 QWidget *parent = nullptr);

    QTableWidget *rules() const { return m_rules; }
    int addRule(); // the new row
    // The policy as typed, or why it cannot be saved.
    Result<Store::AccessPolicy> policyFromInput() const;
    QString errorText() const;

    void accept() override;

private:
    Store::Store &m_store;
    QLineEdit *m_name;
    QTableWidget *m_rules;
    QLabel *m_error;
    QJsonObject m_selfPrivileges; // pvs of the existing policy, kept
    bool m_readOnly = false;
};

class PolicyTester final : public QWidget
{
    Q_OBJECT
public:
    explicit PolicyTester(Store::Store &store, QWidget *parent = nullptr);

    QString result() const;

public slots:
    void test();

private:
    Store::Store &m_store;
    QLineEdit *m_originator;
    QComboBox *m_operation;
    QLineEdit *m_address;
    QDateTimeEdit *m_time;
    QLabel *m_result;
};

} // namespace Portal::Gui
