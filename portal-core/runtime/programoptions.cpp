#include "programoptions.h"

#include <QFileInfo>
#include <QSettings>

namespace Portal::Runtime {

namespace {
constexpr qint64 kMaxConfigFileBytes = 64 * 1024;
}

ProgramOptions::ProgramOptions(const QString &description)
{
    m_parser.setApplicationDescription(description);
    m_parser.addHelpOption();
    m_parser.addVersionOption();
    m_parser.addOption({QStringLiteral("config"),
                        QStringLiteral("Read options from an INI file (command line wins)."),
                        QStringLiteral("file")});
}

Result<void> ProgramOptions::parse(const QStringList &arguments)
{
    if (!m_parser.parse(arguments))
        return makeError("options.invalid", m_parser.errorText().toStdString());
    if (m_parser.isSet(QStringLiteral("help")))
        m_parser.showHelp(0);
    if (m_parser.isSet(QStringLiteral("version")))
        m_parser.showVersion();
    if (!m_parser.isSet(QStringLiteral("config")))
        return {};

    const QString path = m_parser.value(QStringLiteral("config"));
    const QFileInfo info(path);
    if (!info.isFile() || !info.isReadable())
        return makeError("options.invalid", "config file " + path.toStdString() +
                                                " does not exist or is not readable");
    if (info.size() > kMaxConfigFileBytes)
        return makeError("options.invalid",
                         "config file " + path.toStdString() + " is larger than 64 KiB");
    QSettings settings(path, QSettings::IniFormat);
    if (settings.status() != QSettings::NoError)
        return makeError("options.invalid",
                         "config file " + path.toStdString() + " is not a valid INI file");
    for (const QString &key : settings.allKeys()) {
        const QString name =
            key.contains(QLatin1Char('/')) ? key.section(QLatin1Char('/'), -1) : key;
        if (name == QLatin1String("config") || name == QLatin1String("help") ||
            name == QLatin1String("version"))
            return makeError("options.invalid", "config key " + key.toStdString() +
                                                    " is only valid on the command line");
        if (!m_valueOptions.contains(name))
            return makeError("options.invalid", "config file " + path.toStdString() +
                                                    " has an unknown key " + key.toStdString());
        m_fileValues.insert(name, settings.value(key).toString());
    }
    return {};
}

void ProgramOptions::addOption(const QCommandLineOption &option)
{
    m_parser.addOption(option);
    if (!option.valueName().isEmpty())
        m_valueOptions += option.names();
}

bool ProgramOptions::isSet(const QString &name) const
{
    return m_parser.isSet(name) || m_fileValues.contains(name);
}

QString ProgramOptions::value(const QString &name) const
{
    if (m_parser.isSet(name) || !m_fileValues.contains(name))
        return m_parser.value(name);
    return m_fileValues.value(name);
}

Result<qint64> ProgramOptions::integer(const QString &name, qint64 min, qint64 max) const
{
    bool ok = false;
    const qint64 number = value(name).toLongLong(&ok);
    if (!ok || number < min || number > max)
        return makeError("options.invalid", "--" + name.toStdString() + " must be an integer in [" +
                                                std::to_string(min) + ", " + std::to_string(max) +
                                                "]");
    return number;
}

} // namespace Portal::Runtime
