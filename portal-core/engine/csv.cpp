#include "csv.h"

namespace Portal::Engine {

namespace {

bool startsAFormula(QChar first)
{
    return first == QLatin1Char('=') || first == QLatin1Char('+') || first == QLatin1Char('-') ||
           first == QLatin1Char('@') || first == QLatin1Char('\t') || first == QLatin1Char('\r');
}

} // namespace

QString csvField(const QString &text)
{
    QString field = text;
    const bool defused = !field.isEmpty() && startsAFormula(field.front());
    if (defused)
        field.prepend(QLatin1Char('\''));
    if (defused || field.contains(QLatin1Char('"')) || field.contains(QLatin1Char(',')) ||
        field.contains(QLatin1Char('\n')) || field.contains(QLatin1Char('\r')))
        field = QLatin1Char('"') + field.replace(QLatin1Char('"'), QLatin1String("\"\"")) +
                QLatin1Char('"');
    return field;
}

QString csvNumber(qint64 number)
{
    return QString::number(number);
}

QByteArray readCsvField(const QByteArray &field)
{
    QByteArray value = field.trimmed();
    if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
        value = value.mid(1, value.size() - 2).replace("\"\"", "\"");
    if (value.size() >= 2 && value.front() == '\'' && startsAFormula(QLatin1Char(value.at(1))))
        value.remove(0, 1);
    return value;
}

} // namespace Portal::Engine
