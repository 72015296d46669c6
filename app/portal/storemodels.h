#pragma once
// Table models of the admin GUI over the portal store (DESIGN §2.1: the store is where the
// GUI reads the platform's state). Each model reloads its rows with refresh() and applies the
// difference by row key: changed cells emit dataChanged, new rows are inserted and vanished
// ones removed, so views keep their selection and scroll position across refreshes (the
// GUI polls on SQLite). Rows are loaded only when the model's revision() says the table
// changed, and the devices model then reads only the rows updated since (one COUNT/MAX query
// and a handful of rows per poll instead of 100k); a store error keeps the last rows and is
// reported by lastError().
//
// Bounds: the audit model holds the newest kMaxAuditRows entries.

#include <portal-core/base/result.h>
#include <portal-core/store/store.h>

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QStringList>
#include <QVariant>

namespace Portal::Gui {

// A gateway's liveness from its last heartbeat (interval ≈ 10 s).
enum class Liveness { Online, Stale, Offline };
Liveness gatewayLiveness(const QDateTime &lastHeartbeat, const QDateTime &now);
QString livenessText(Liveness liveness);
// A store time in the user's locale and time zone, or "never".
QString timeText(const QDateTime &time);
// The instance's verdict on the device's last reading, for people; empty when none yet.
QString signatureText(Store::SignatureState state);

class StoreTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    struct Row
    {
        QString key;
        QVariantList cells; // values, one per column; QDateTime cells are shown by timeText
        QVariant tag;       // a role-free extra for views (e.g. the row's state)
    };

    StoreTableModel(Store::Store &store, QStringList headers, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // The row's key (a name or an id as text), or empty.
    QString keyAt(int row) const;
    int rowOfKey(const QString &key) const;
    const Error *lastError() const { return m_error ? &*m_error : nullptr; }

    static constexpr int KeyRole = Qt::UserRole + 1;
    static constexpr int TagRole = Qt::UserRole + 2;
    // The cell's own value, for sorting and filtering: times stay QDateTime (UTC), so they
    // sort in time order and are not formatted for every row.
    static constexpr int SortRole = Qt::UserRole + 3;

public slots:
    void refresh();

protected:
    virtual Result<QList<Row>> load() = 0;
    // A cheap summary of the rows (e.g. count and newest update): when it is the same as at
    // the last refresh, load() is skipped. Empty: always load.
    virtual Result<QString> revision() { return QString(); }
    // After a first load(), the rows changed since (upserted by key), for models that can
    // tell; nullopt: load everything. A refresh still loads everything when the row count
    // then differs from expectedRows() (rows were deleted).
    virtual Result<std::optional<QList<Row>>> loadChanged() { return std::optional<QList<Row>>(); }
    virtual int expectedRows() const { return -1; }
    Store::Store &m_store;

private:
    void upsertRows(QList<Row> rows);

    QString m_revision;
    bool m_loaded = false;
    QStringList m_headers;
    QList<Row> m_rows;
    QHash<QString, int> m_rowOfKey;
    std::optional<Error> m_error;
};

class GatewayModel final : public StoreTableModel
{
    Q_OBJECT
public:
    explicit GatewayModel(Store::Store &store, QObject *parent = nullptr);

protected:
    Result<QList<Row>> load() override;
};

class DeviceModel final : public StoreTableModel
{
    Q_OBJECT
public:
    explicit DeviceModel(Store::Store &store, QObject *parent = nullptr);

protected:
    Result<QList<Row>> load() override;
    Result<QString> revision() override;
    Result<std::optional<QList<Row>>> loadChanged() override;
    int expectedRows() const override { return int(m_revision.rows); }

private:
    QList<Row> rowsOf(const QList<Store::Device> &devices);

    static constexpr qint64 kChangeMarginMs = 10000;
    Store::Store::TableRevision m_revision;
    qint64 m_loadedNewestMs = -1; // the newest update among the rows loaded
};

class InstanceModel final : public StoreTableModel
{
    Q_OBJECT
public:
    explicit InstanceModel(Store::Store &store, QObject *parent = nullptr);

protected:
    Result<QList<Row>> load() override;
};

class TemplateModel final : public StoreTableModel
{
    Q_OBJECT
public:
    explicit TemplateModel(Store::Store &store, QObject *parent = nullptr);

protected:
    Result<QList<Row>> load() override;
};

class ClassModel final : public StoreTableModel
{
    Q_OBJECT
public:
    explicit ClassModel(Store::Store &store, QObject *parent = nullptr);

protected:
    Result<QList<Row>> load() override;
};

class PolicyModel final : public StoreTableModel
{
    Q_OBJECT
public:
    explicit PolicyModel(Store::Store &store, QObject *parent = nullptr);

protected:
    Result<QList<Row>> load() override;
};

class AuditModel final : public StoreTableModel
{
    Q_OBJECT
public:
    static constexpr int kMaxAuditRows = 2000;
    explicit AuditModel(Store::Store &store, QObject *parent = nullptr);

protected:
    Result<QList<Row>> load() override;
};

// Failed authentications (portal API, NAF, and those pulled from instances), one row per
// (minute, source, claimed identity, reason) with its count, newest first.
class AuthFailureModel final : public StoreTableModel
{
    Q_OBJECT
public:
    static constexpr int kMaxRows = 2000;
    explicit AuthFailureModel(Store::Store &store, QObject *parent = nullptr);

protected:
    Result<QList<Row>> load() override;
};

} // namespace Portal::Gui
