#include "resource.h"

#include <QTimeZone>

namespace Portal::OneM2M {

namespace {
const QString kTimestampFormat = QStringLiteral("yyyyMMdd'T'HHmmss");
}

QString formatTimestamp(const QDateTime &time)
{
    return time.toUTC().toString(kTimestampFormat);
}

QDateTime parseTimestamp(const QString &text)
{
    if (text.size() != 15 || text[8] != QLatin1Char('T'))
        return {};
    // Date and time parsed apart so the local zone (and its DST gaps) never takes part.
    const QDate date = QDate::fromString(text.left(8), QStringLiteral("yyyyMMdd"));
    const QTime time = QTime::fromString(text.mid(9), QStringLiteral("HHmmss"));
    if (!date.isValid() || !time.isValid())
        return {};
    return QDateTime(date, time, QTimeZone::utc());
}

} // namespace Portal::OneM2M
