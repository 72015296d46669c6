#include "puppetmanifest.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace Portal::Provisioning {

namespace {

constexpr int kMaxNameLength = 255;
constexpr int kMaxValueDepth = 8;

Error invalid(const QString &message)
{
    return makeError("puppet.invalid_template", message.toStdString());
}

bool matches(const QString &text, const QRegularExpression &pattern)
{
    return text.size() <= kMaxNameLength && pattern.match(text).hasMatch();
}

const QRegularExpression &className()
{
    static const QRegularExpression pattern(
        QStringLiteral("^[a-z][a-z0-9_]*(::[a-z][a-z0-9_]*)*$"));
    return pattern;
}

const QRegularExpression &parameterName()
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z][a-z0-9_]*$"));
    return pattern;
}

const QRegularExpression &packageName()
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9.+_:@-]*$"));
    return pattern;
}

const QRegularExpression &fileMode()
{
    static const QRegularExpression pattern(QStringLiteral("^[0-7]{3,4}$"));
    return pattern;
}

const QRegularExpression &modulePath()
{
    static const QRegularExpression pattern(QStringLiteral(
        "^[a-z][a-z0-9_]*/(manifests|files|templates|lib)/[A-Za-z0-9_][A-Za-z0-9_./-]*$"));
    return pattern;
}

bool isAbsoluteCleanPath(const QString &path)
{
    return path.startsWith(QLatin1Char('/')) && path.size() <= kMaxNameLength &&
           !path.contains(QLatin1String("/../")) && !path.endsWith(QLatin1String("/..")) &&
           !path.contains(QLatin1Char('\n')) && !path.contains(QChar(0));
}

// A JSON value as a Puppet value: strings quoted, numbers and booleans bare, null undef.
Result<QString> puppetValue(const QJsonValue &value, const QString &where, int depth = 0)
{
    if (depth > kMaxValueDepth)
        return invalid(where + QStringLiteral(" nests too deep"));
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("undef");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const double number = value.toDouble();
        if (number == double(qint64(number)))
            return QString::number(qint64(number));
        return QString::number(number, 'g', 17);
    }
    case QJsonValue::String:
        return puppetQuote(value.toString());
    case QJsonValue::Array: {
        QStringList items;
        for (const QJsonValue &item : value.toArray()) {
            auto rendered = puppetValue(item, where, depth + 1);
            if (!rendered)
                return rendered;
            items.append(*rendered);
        }
        return QLatin1Char('[') + items.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    case QJsonValue::Object: {
        QStringList entries;
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            auto rendered = puppetValue(it.value(), where, depth + 1);
            if (!rendered)
                return rendered;
            entries.append(puppetQuote(it.key()) + QStringLiteral(" => ") + *rendered);
        }
        return QLatin1Char('{') + entries.join(QStringLiteral(", ")) + QLatin1Char('}');
    }
    case QJsonValue::Undefined:
        break;
    }
    return invalid(where + QStringLiteral(" has no value"));
}

Result<QJsonArray> listAt(const QJsonObject &puppet, const char *key)
{
    const QJsonValue value = puppet.value(QLatin1String(key));
    if (value.isUndefined())
        return QJsonArray();
    if (!value.isArray())
        return invalid(QStringLiteral("puppet.%1 must be an array").arg(QLatin1String(key)));
    if (value.toArray().size() > kMaxEntries)
        return invalid(QStringLiteral("puppet.%1 has more than %2 entries")
                           .arg(QLatin1String(key))
                           .arg(kMaxEntries));
    return value.toArray();
}

void appendFile(QString &out, const ManagedFile &file)
{
    out += QStringLiteral("file { %1:\n  ensure  => file,\n  mode    => %2,\n  content => %3,\n}\n")
               .arg(puppetQuote(file.path), puppetQuote(file.mode),
                    puppetQuote(QString::fromUtf8(file.content)));
}

} // namespace

QString puppetQuote(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    quoted.replace(QLatin1Char('\''), QStringLiteral("\\'"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

Result<RenderedManifest> renderManifest(const QJsonObject &templateSpec, const QString &title,
                                        const QList<ManagedFile> &extraFiles,
                                        const QStringList &extraDirectories)
{
    const QJsonValue puppetValueOfTemplate = templateSpec.value(QStringLiteral("puppet"));
    if (!puppetValueOfTemplate.isUndefined() && !puppetValueOfTemplate.isObject())
        return invalid(QStringLiteral("puppet must be an object"));
    const QJsonObject puppet = puppetValueOfTemplate.toObject();
    RenderedManifest rendered;
    QString out = QStringLiteral("# Rendered by IoT Portal for %1. Changes here are lost on "
                                 "the next run.\n")
                      .arg(QString(title).replace(QLatin1Char('\n'), QLatin1Char(' ')));

    auto classes = listAt(puppet, "classes");
    auto packages = listAt(puppet, "packages");
    auto files = listAt(puppet, "files");
    auto services = listAt(puppet, "services");
    for (const auto *list : {&classes, &packages, &files, &services}) {
        if (!*list)
            return list->error();
    }
    for (const QJsonValue &entry : *classes) {
        const QJsonObject object = entry.toObject();
        const QString name = object.value(QStringLiteral("name")).toString();
        if (!matches(name, className()))
            return invalid(
                QStringLiteral("puppet.classes: %1 is not a Puppet class name").arg(name.left(80)));
        QStringList parameters;
        const QJsonObject given = object.value(QStringLiteral("parameters")).toObject();
        for (auto it = given.begin(); it != given.end(); ++it) {
            if (!matches(it.key(), parameterName()))
                return invalid(QStringLiteral("puppet.classes %1: %2 is not a parameter name")
                                   .arg(name, it.key().left(80)));
            auto value = puppetValue(it.value(), QStringLiteral("puppet.classes ") + name);
            if (!value)
                return value.error();
            parameters.append(QStringLiteral("  %1 => %2,\n").arg(it.key(), *value));
        }
        out +=
            QStringLiteral("class { %1:\n%2}\n").arg(puppetQuote(name), parameters.join(QString()));
    }
    for (const QJsonValue &entry : *packages) {
        const QString name = entry.toString();
        if (!matches(name, packageName()))
            return invalid(
                QStringLiteral("puppet.packages: %1 is not a package name").arg(name.left(80)));
        out += QStringLiteral("package { %1: ensure => installed }\n").arg(puppetQuote(name));
    }
    QList<ManagedFile> managed;
    for (const QJsonValue &entry : *files) {
        const QJsonObject object = entry.toObject();
        ManagedFile file;
        file.path = object.value(QStringLiteral("path")).toString();
        file.content = object.value(QStringLiteral("content")).toString().toUtf8();
        file.mode = object.value(QStringLiteral("mode")).toString(QStringLiteral("0644"));
        managed.append(file);
    }
    managed += extraFiles;
    for (const QString &directory : extraDirectories) {
        if (!isAbsoluteCleanPath(directory))
            return invalid(QStringLiteral("%1 is not an absolute path").arg(directory.left(80)));
        out += QStringLiteral("file { %1: ensure => directory }\n").arg(puppetQuote(directory));
    }
    for (const ManagedFile &file : managed) {
        if (!isAbsoluteCleanPath(file.path))
            return invalid(
                QStringLiteral("puppet.files: %1 is not an absolute path").arg(file.path.left(80)));
        if (!matches(file.mode, fileMode()))
            return invalid(QStringLiteral("puppet.files %1: mode %2 is not octal")
                               .arg(file.path, file.mode.left(8)));
        if (file.content.size() > kMaxManifestBytes)
            return invalid(QStringLiteral("puppet.files %1: content over %2 bytes")
                               .arg(file.path)
                               .arg(kMaxManifestBytes));
        appendFile(out, file);
    }
    for (const QJsonValue &entry : *services) {
        const QJsonObject object = entry.toObject();
        const QString name = object.value(QStringLiteral("name")).toString();
        const QString ensure =
            object.value(QStringLiteral("ensure")).toString(QStringLiteral("running"));
        if (!matches(name, packageName()))
            return invalid(
                QStringLiteral("puppet.services: %1 is not a service name").arg(name.left(80)));
        if (ensure != QLatin1String("running") && ensure != QLatin1String("stopped"))
            return invalid(
                QStringLiteral("puppet.services %1: ensure must be running or stopped").arg(name));
        out +=
            QStringLiteral("service { %1: ensure => %2, enable => %3 }\n")
                .arg(puppetQuote(name), ensure,
                     object.value(QStringLiteral("enable")).toBool(true) ? QStringLiteral("true")
                                                                         : QStringLiteral("false"));
    }
    const QJsonValue modules = puppet.value(QStringLiteral("modules"));
    if (!modules.isUndefined() && !modules.isObject())
        return invalid(QStringLiteral("puppet.modules must be an object of path: content"));
    const QJsonObject moduleObject = modules.toObject();
    if (moduleObject.size() > kMaxEntries)
        return invalid(QStringLiteral("puppet.modules has more than %1 files").arg(kMaxEntries));
    for (auto it = moduleObject.begin(); it != moduleObject.end(); ++it) {
        if (!matches(it.key(), modulePath()) || it.key().contains(QLatin1String("..")))
            return invalid(QStringLiteral("puppet.modules: %1 is not <module>/manifests|files|"
                                          "templates|lib/<file>")
                               .arg(it.key().left(80)));
        const QByteArray content = it.value().toString().toUtf8();
        if (content.size() > kMaxManifestBytes)
            return invalid(QStringLiteral("puppet.modules %1: over %2 bytes")
                               .arg(it.key())
                               .arg(kMaxManifestBytes));
        rendered.moduleFiles.insert(it.key(), content);
    }
    rendered.sitePp = out.toUtf8();
    if (rendered.sitePp.size() > kMaxManifestBytes)
        return invalid(
            QStringLiteral("the rendered manifest is over %1 bytes").arg(kMaxManifestBytes));
    rendered.hasContent = !classes->isEmpty() || !packages->isEmpty() || !files->isEmpty() ||
                          !services->isEmpty() || !moduleObject.isEmpty();
    return rendered;
}

} // namespace Portal::Provisioning
