#pragma once
// The one CSV writer of the project (audit export, the wizard's batch report, exports) and the
// field reader of its imports. RFC 4180 quoting, and spreadsheet formula injection defused
// (OWASP "CSV injection"): a text field starting with = + - @ tab or carriage return is
// written as ' + field, quoted; readField() strips that ' again, so a file the project wrote
// round-trips. Numbers are written with csvNumber() and are never prefixed.

#include <QByteArray>
#include <QString>

namespace Portal::Engine {

QString csvField(const QString &text);
QString csvNumber(qint64 number);
// One field as written by csvField (quotes and the defusing ' removed), surrounding
// whitespace trimmed.
QByteArray readCsvField(const QByteArray &field);

} // namespace Portal::Engine
