#pragma once
// Options of a program: a QCommandLineParser whose options may also come from a config file
// (`--config FILE`, INI, keys named like the long options, e.g. `port=0`). The command line
// wins over the file; the file wins over defaults. Unknown keys in the file are an error, so a
// typo is not silently ignored.

#include <portal-core/base/result.h>

#include <QCommandLineParser>
#include <QMap>
#include <QStringList>

namespace Portal::Runtime {

class ProgramOptions
{
public:
    // Adds --help, --version and --config.
    explicit ProgramOptions(const QString &description);

    // Options that take a value may also be set in the config file.
    void addOption(const QCommandLineOption &option);
    QCommandLineParser &parser() { return m_parser; }
    // Parses arguments and the config file. Errors: `options.invalid` (message says which).
    Result<void> parse(const QStringList &arguments);

    bool isSet(const QString &name) const;
    QString value(const QString &name) const;
    // Errors: `options.invalid` when the value is not an integer within [min, max].
    Result<qint64> integer(const QString &name, qint64 min, qint64 max) const;
    QStringList positionalArguments() const { return m_parser.positionalArguments(); }

private:
    QCommandLineParser m_parser;
    QMap<QString, QString> m_fileValues;
    QStringList m_valueOptions;
};

} // namespace Portal::Runtime
