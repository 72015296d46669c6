#include "storemodels.h"

#include <QJsonArray>
#include <QLocale>

namespace Portal::Gui {

QString timeText(const QDateTime &time)
{
    return time.isValid() ? QLocale().toString(time.toLocalTime(), QLocale::ShortFormat)
                          : StoreTableModel::tr("never");
}

Liveness gatewayLiveness(const QDateTime &lastHeartbeat, const QDateTime &now)
{
    if (!lastHeartbeat.isValid())
        return Liveness::Offline;
    const qint64 ageS = lastHeartbeat.secsTo(now);
    if (ageS <= 30)
        return Liveness::Online; // three heartbeat intervals
    if (ageS <= 300)
        return Liveness::Stale;
    return Liveness::Offline;
}

QString livenessText(Liveness liveness)
{
    switch (liveness) {
    case Liveness::Online:
        return StoreTableModel::tr("online");
    case Liveness::Stale:
        return StoreTableModel::tr("stale");
    case Liveness::Offline:
        break;
    }
    return StoreTableModel::tr("offline");
}

StoreTableModel::StoreTableModel(Store::Store &store, QStringList headers, QObject *parent)
    : QAbstractTableModel(parent), m_store(store), m_headers(std::move(headers))
{
}

int StoreTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int StoreTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_headers.size());
}

QVariant StoreTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const QVariant cell = row.cells.value(index.column());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
    case Qt::ToolTipRole:
        // Times are formatted only for the cells on screen (QLocale is slow at 100k rows).
        if (cell.typeId() == QMetaType::QDateTime)
            return timeText(cell.toDateTime());
        return role == Qt::ToolTipRole ? QVariant(cell.toString()) : cell;
    case SortRole:
        return cell;
    case KeyRole:
        return row.key;
    case TagRole:
        return row.tag;
    default:
        return {};
    }
}

QVariant StoreTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
        section >= m_headers.size())
        return QAbstractTableModel::headerData(section, orientation, role);
    return m_headers.at(section);
}

QString StoreTableModel::keyAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).key : QString();
}

int StoreTableModel::rowOfKey(const QString &key) const
{
    return m_rowOfKey.value(key, -1);
}

void StoreTableModel::refresh()
{
    if (auto current = revision(); current && !current->isEmpty()) {
        if (*current == m_revision && !m_error)
            return;
        m_revision = *current;
    } else if (!current) {
        m_error = current.error();
        return;
    }
    if (m_loaded) {
        auto changed = loadChanged();
        if (!changed) {
            m_error = changed.error();
            return;
        }
        if (*changed) {
            upsertRows(std::move(**changed));
            if (expectedRows() < 0 || expectedRows() == rowCount()) {
                m_error.reset();
                return;
            }
        }
    }
    auto loaded = load();
    if (!loaded) {
        m_error = loaded.error();
        return;
    }
    m_loaded = true;
    m_error.reset();
    QHash<QString, int> wanted;
    for (int i = 0; i < loaded->size(); ++i)
        wanted.insert(loaded->at(i).key, i);
    // Rows that are gone, from the bottom up so earlier indexes stay valid.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!wanted.contains(m_rows.at(row).key)) {
            beginRemoveRows(QModelIndex(), row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    m_rowOfKey.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowOfKey.insert(m_rows.at(row).key, row);
    upsertRows(std::move(*loaded));
}

// Changed rows in place; new rows appended in the order given (views sort themselves).
void StoreTableModel::upsertRows(QList<Row> rows)
{
    QList<Row> added;
    for (Row &fresh : rows) {
        const int row = m_rowOfKey.value(fresh.key, -1);
        if (row < 0) {
            added.append(std::move(fresh));
            continue;
        }
        Row &current = m_rows[row];
        if (current.cells != fresh.cells || current.tag != fresh.tag) {
            current = std::move(fresh);
            emit dataChanged(index(row, 0), index(row, columnCount() - 1));
        }
    }
    if (!added.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows(QModelIndex(), first, first + int(added.size()) - 1);
        for (Row &row : added) {
            m_rowOfKey.insert(row.key, int(m_rows.size()));
            m_rows.append(std::move(row));
        }
        endInsertRows();
    }
}

QString signatureText(Store::SignatureState state)
{
    switch (state) {
    case Store::SignatureState::None:
        return QString();
    case Store::SignatureState::Verified:
        return StoreTableModel::tr("verified");
    case Store::SignatureState::BadSignature:
        return StoreTableModel::tr("bad signature");
    case Store::SignatureState::Replay:
        return StoreTableModel::tr("replayed");
    case Store::SignatureState::Refused:
        return StoreTableModel::tr("refused");
    }
    return QString();
}

GatewayModel::GatewayModel(Store::Store &store, QObject *parent)
    : StoreTableModel(store,
                      {tr("Gateway"), tr("IMPI"), tr("Status"), tr("Last seen"), tr("Version"),
                       tr("Devices"), tr("Queue"), tr("B-TID expiry"), tr("Blocked")},
                      parent)
{
}

Result<QList<StoreTableModel::Row>> GatewayModel::load()
{
    auto gateways = m_store.gateways();
    if (!gateways)
        return gateways.error();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<Row> rows;
    for (const Store::Gateway &gateway : *gateways) {
        const Liveness liveness = gatewayLiveness(gateway.lastHeartbeat, now);
        rows.append({gateway.id,
                     {gateway.id, gateway.impi, livenessText(liveness), gateway.lastHeartbeat,
                      gateway.version, gateway.deviceCount, gateway.queueDepth, gateway.btidExpiry,
                      gateway.blocked ? tr("blocked") : QString()},
                     int(liveness)});
    }
    return rows;
}

DeviceModel::DeviceModel(Store::Store &store, QObject *parent)
    : StoreTableModel(store,
                      {tr("Device"), tr("Class"), tr("Gateway"), tr("Instance"), tr("State"),
                       tr("Key"), tr("Last seen"), tr("Last reading"), tr("Signature"),
                       tr("Reason")},
                      parent)
{
}

Result<QString> DeviceModel::revision()
{
    auto revision = m_store.devicesRevision();
    if (!revision)
        return revision.error();
    m_revision = *revision;
    return QStringLiteral("%1:%2").arg(revision->rows).arg(revision->newestUpdateMs);
}

Result<std::optional<QList<StoreTableModel::Row>>> DeviceModel::loadChanged()
{
    if (m_loadedNewestMs < 0)
        return std::optional<QList<Row>>();
    // updated_ms is the writer's clock before its commit: another writer's row may land
    // with a slightly older time than the newest seen, so the last kChangeMarginMs are read
    // again (upserts are idempotent).
    auto devices = m_store.devicesUpdatedSince(m_loadedNewestMs - kChangeMarginMs);
    if (!devices)
        return devices.error();
    return std::optional<QList<Row>>(rowsOf(*devices));
}

Result<QList<StoreTableModel::Row>> DeviceModel::load()
{
    m_loadedNewestMs = -1;
    auto devices = m_store.devices();
    if (!devices)
        return devices.error();
    return rowsOf(*devices);
}

QList<StoreTableModel::Row> DeviceModel::rowsOf(const QList<Store::Device> &devices)
{
    QList<Row> rows;
    rows.reserve(devices.size());
    for (const Store::Device &device : devices) {
        m_loadedNewestMs = std::max(m_loadedNewestMs, device.updatedAt.toMSecsSinceEpoch());
        rows.append(
            {device.id,
             {device.id, device.className, device.gatewayId,
              device.instanceId ? QVariant(device.instanceId) : QVariant(QString()),
              Store::toText(device.state), device.revoked ? tr("revoked") : tr("registered"),
              device.lastSeen, device.lastReading, signatureText(device.signature), device.reason},
             Store::toText(device.state)});
    }
    return rows;
}

InstanceModel::InstanceModel(Store::Store &store, QObject *parent)
    : StoreTableModel(store,
                      {tr("Instance"), tr("Backend"), tr("Class"), tr("Template"), tr("Sharing"),
                       tr("State"), tr("Address"), tr("Devices"), tr("Reason")},
                      parent)
{
}

Result<QList<StoreTableModel::Row>> InstanceModel::load()
{
    auto instances = m_store.instances();
    if (!instances)
        return instances.error();
    auto counts = m_store.deviceCountsByInstance();
    if (!counts)
        return counts.error();
    QList<Row> rows;
    for (const Store::Instance &instance : *instances) {
        rows.append({QString::number(instance.id),
                     {instance.id, instance.backend, instance.className, instance.templateName,
                      instance.dedicatedDeviceId.isEmpty()
                          ? tr("shared (slot %1)").arg(instance.slot)
                          : tr("dedicated to %1").arg(instance.dedicatedDeviceId),
                      Store::toText(instance.state), instance.url, counts->value(instance.id),
                      instance.reason},
                     Store::toText(instance.state)});
    }
    return rows;
}

PolicyModel::PolicyModel(Store::Store &store, QObject *parent)
    : StoreTableModel(
          store, {tr("Policy"), tr("Rules"), tr("Originators"), tr("Operations"), tr("Updated")},
          parent)
{
}

Result<QList<StoreTableModel::Row>> PolicyModel::load()
{
    auto policies = m_store.policies();
    if (!policies)
        return policies.error();
    QList<Row> rows;
    for (const Store::AccessPolicy &policy : *policies) {
        const QJsonArray rules = policy.document.value(QStringLiteral("m2m:acp"))
                                     .toObject()
                                     .value(QStringLiteral("pv"))
                                     .toObject()
                                     .value(QStringLiteral("acr"))
                                     .toArray();
        QStringList originators;
        int operations = 0;
        for (const QJsonValue &rule : rules) {
            for (const QJsonValue &originator :
                 rule.toObject().value(QStringLiteral("acor")).toArray())
                originators.append(originator.toString());
            operations |= rule.toObject().value(QStringLiteral("acop")).toInt();
        }
        originators.removeDuplicates();
        const QString names[] = {tr("create"), tr("retrieve"), tr("update"),
                                 tr("delete"), tr("notify"),   tr("discover")}; // acop bits 0..5
        QStringList allowed;
        for (int bit = 0; bit < 6; ++bit) {
            if (operations & (1 << bit))
                allowed.append(names[bit]);
        }
        const QString operationsText = allowed.join(QLatin1String(", "));
        rows.append({policy.name,
                     {policy.name, int(rules.size()), originators.join(QLatin1String(", ")),
                      operationsText, policy.updatedAt},
                     {}});
    }
    return rows;
}

TemplateModel::TemplateModel(Store::Store &store, QObject *parent)
    : StoreTableModel(store,
                      {tr("Template"), tr("Image"), tr("Flavor"), tr("Network"), tr("Key pair"),
                       tr("Security groups"), tr("Puppet")},
                      parent)
{
}

Result<QList<StoreTableModel::Row>> TemplateModel::load()
{
    auto templates = m_store.templates();
    if (!templates)
        return templates.error();
    QList<Row> rows;
    for (const Store::VmTemplate &vmTemplate : *templates) {
        const QJsonObject &spec = vmTemplate.spec;
        QStringList groups;
        for (const QJsonValue &group : spec.value(QStringLiteral("securityGroups")).toArray())
            groups.append(group.toString());
        rows.append(
            {vmTemplate.name,
             {vmTemplate.name, spec.value(QStringLiteral("image")).toString(),
              spec.value(QStringLiteral("flavor")).toString(),
              spec.value(QStringLiteral("network")).toString(),
              spec.value(QStringLiteral("keyName")).toString(), groups.join(QLatin1String(", ")),
              spec.contains(QStringLiteral("puppet")) ? tr("yes") : tr("no")},
             {}});
    }
    return rows;
}

ClassModel::ClassModel(Store::Store &store, QObject *parent)
    : StoreTableModel(store,
                      {tr("Class"), tr("Vendor"), tr("Type"), tr("Subscriber"), tr("Priority"),
                       tr("Template"), tr("Sharing"), tr("Capacity"), tr("Enrolment")},
                      parent)
{
}

Result<QList<StoreTableModel::Row>> ClassModel::load()
{
    auto classes = m_store.deviceClasses();
    if (!classes)
        return classes.error();
    QList<Row> rows;
    for (const Store::DeviceClass &c : *classes) {
        rows.append({c.name,
                     {c.name, c.vendor, c.type, c.subscriber, c.priority, c.templateName,
                      Store::toText(c.sharing), c.capacity, Store::toText(c.enrolment)},
                     {}});
    }
    return rows;
}

AuditModel::AuditModel(Store::Store &store, QObject *parent)
    : StoreTableModel(store, {tr("Time"), tr("Actor"), tr("Action"), tr("Subject"), tr("Detail")},
                      parent)
{
}

Result<QList<StoreTableModel::Row>> AuditModel::load()
{
    auto log = m_store.auditLog(kMaxAuditRows);
    if (!log)
        return log.error();
    QList<Row> rows;
    // Entries have no id in the record: time, actor, action and subject with a sequence
    // number among equal ones make the key, newest first as the store answers.
    QHash<QString, int> seen;
    for (auto it = log->crbegin(); it != log->crend(); ++it) {
        const QString base = QString::number(it->time.toMSecsSinceEpoch()) + QLatin1Char('|') +
                             it->actor + QLatin1Char('|') + it->action + QLatin1Char('|') +
                             it->subject;
        const int n = seen[base]++;
        rows.prepend({base + QLatin1Char('#') + QString::number(n),
                      {it->time, it->actor, it->action, it->subject, it->detail.left(500)},
                      it->detail});
    }
    return rows;
}

AuthFailureModel::AuthFailureModel(Store::Store &store, QObject *parent)
    : StoreTableModel(store,
                      {tr("Minute"), tr("Source"), tr("Claimed identity"), tr("Reason"),
                       tr("Count"), tr("Last")},
                      parent)
{
}

Result<QList<StoreTableModel::Row>> AuthFailureModel::load()
{
    auto failures = m_store.authFailures(kMaxRows);
    if (!failures)
        return failures.error();
    QList<Row> rows;
    for (const AuthFailure &failure : *failures) {
        const QString key = QString::number(failure.minute.toMSecsSinceEpoch()) + QLatin1Char('|') +
                            failure.source + QLatin1Char('|') + failure.identity +
                            QLatin1Char('|') + failure.reason;
        rows.append({key,
                     {failure.minute, failure.source, failure.identity, failure.reason,
                      failure.count, failure.last},
                     {}});
    }
    return rows;
}

} // namespace Portal::Gui
