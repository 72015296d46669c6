#include "resourcejson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <algorithm>

namespace Portal::OneM2M {

namespace {

constexpr qsizetype kMaxNameLength = 256;
constexpr qsizetype kMaxListEntries = 64;

void putCommon(QJsonObject &object, ResourceType type, const QString &resourceId,
               const QString &resourceName, const QString &parentId, const QDateTime &created,
               const QDateTime &lastModified, const QStringList &labels)
{
    object.insert(QStringLiteral("ty"), int(type));
    object.insert(QStringLiteral("ri"), resourceId);
    object.insert(QStringLiteral("rn"), resourceName);
    if (!parentId.isEmpty())
        object.insert(QStringLiteral("pi"), parentId);
    if (created.isValid())
        object.insert(QStringLiteral("ct"), formatTimestamp(created));
    if (lastModified.isValid())
        object.insert(QStringLiteral("lt"), formatTimestamp(lastModified));
    if (!labels.isEmpty())
        object.insert(QStringLiteral("lbl"), QJsonArray::fromStringList(labels));
}

QJsonArray rulesToJson(const QList<AccessControlRule> &rules)
{
    QJsonArray array;
    for (const AccessControlRule &rule : rules) {
        QJsonObject acr{{QStringLiteral("acor"), QJsonArray::fromStringList(rule.originators)},
                        {QStringLiteral("acop"), qint64(rule.operations)}};
        if (!rule.contexts.isEmpty()) {
            QJsonArray contexts;
            for (const AccessControlContext &context : rule.contexts) {
                QJsonObject acco;
                if (!context.timeWindows.isEmpty())
                    acco.insert(QStringLiteral("actw"),
                                QJsonArray::fromStringList(context.timeWindows));
                QJsonObject acip;
                if (!context.ipv4Ranges.isEmpty())
                    acip.insert(QStringLiteral("ipv4"),
                                QJsonArray::fromStringList(context.ipv4Ranges));
                if (!context.ipv6Ranges.isEmpty())
                    acip.insert(QStringLiteral("ipv6"),
                                QJsonArray::fromStringList(context.ipv6Ranges));
                if (!acip.isEmpty())
                    acco.insert(QStringLiteral("acip"), acip);
                // An unsupported context is written so that it stays unsupported when read
                // back: it must never turn into an unconditional grant.
                if (context.unsupported)
                    acco.insert(QStringLiteral("aclr"), QJsonObject());
                contexts.append(acco);
            }
            acr.insert(QStringLiteral("acco"), contexts);
        }
        array.append(acr);
    }
    return array;
}

Error badAttribute(const char *name, const char *why)
{
    return makeError("onem2m.bad_attribute", std::string("attribute ") + name + " " + why);
}

Result<QJsonObject> rootObject(const QByteArray &body, qsizetype maxBytes, const QString &root)
{
    if (body.size() > std::min(maxBytes, kMaxResourceJsonBytes))
        return makeError("onem2m.too_large", "resource body larger than allowed");
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return makeError("onem2m.malformed", "body is not a JSON object");
    const QJsonObject top = document.object();
    if (top.size() != 1)
        return makeError("onem2m.malformed", "body must hold exactly one resource");
    if (!top.contains(root))
        return makeError("onem2m.wrong_resource", "expected a " + root.toStdString() + " resource");
    const QJsonValue value = top.value(root);
    if (!value.isObject())
        return makeError("onem2m.malformed", root.toStdString() + " must be an object");
    return value.toObject();
}

Result<QStringList> stringList(const QJsonValue &value, const char *name, bool allowEmptyList)
{
    if (!value.isArray())
        return badAttribute(name, "must be a list of strings");
    const QJsonArray array = value.toArray();
    if (array.size() > kMaxListEntries || (!allowEmptyList && array.isEmpty()))
        return badAttribute(name, "has a wrong number of entries");
    QStringList list;
    for (const QJsonValue &entry : array) {
        if (!entry.isString() || entry.toString().isEmpty() ||
            entry.toString().size() > kMaxNameLength)
            return badAttribute(name,
                                "entries must be non-empty strings of at most 256 characters");
        list.append(entry.toString());
    }
    return list;
}

Result<QString> shortString(const QJsonValue &value, const char *name)
{
    if (!value.isString() || value.toString().size() > kMaxNameLength)
        return badAttribute(name, "must be a string of at most 256 characters");
    return value.toString();
}

// rn: the characters TS-0001 allows in a resource name, minus the ones our paths reserve.
bool isValidResourceName(const QString &name)
{
    if (name.isEmpty() || name.size() > 64 || name == QLatin1String("la") ||
        name == QLatin1String("ol"))
        return false;
    for (QChar c : name) {
        const bool ok = (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
                        (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) ||
                        (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('-') ||
                        c == QLatin1Char('_') || c == QLatin1Char('.');
        if (!ok)
            return false;
    }
    return true;
}

Result<AccessControlContext> parseContext(const QJsonValue &value)
{
    if (!value.isObject())
        return badAttribute("acco", "entries must be objects");
    const QJsonObject object = value.toObject();
    AccessControlContext context;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() == QLatin1String("actw")) {
            auto windows = stringList(it.value(), "actw", false);
            if (!windows)
                return windows.error();
            for (const QString &window : *windows) {
                if (!isValidTimeWindow(window))
                    return badAttribute("actw", "entries must be six cron fields");
            }
            context.timeWindows = *windows;
        } else if (it.key() == QLatin1String("acip")) {
            if (!it.value().isObject())
                return badAttribute("acip", "must be an object");
            const QJsonObject acip = it.value().toObject();
            for (auto ip = acip.begin(); ip != acip.end(); ++ip) {
                const bool v6 = ip.key() == QLatin1String("ipv6");
                if (!v6 && ip.key() != QLatin1String("ipv4")) {
                    context.unsupported = true;
                    continue;
                }
                auto ranges = stringList(ip.value(), v6 ? "acip.ipv6" : "acip.ipv4", false);
                if (!ranges)
                    return ranges.error();
                for (const QString &range : *ranges) {
                    if (!isValidAddressRange(range, v6))
                        return badAttribute("acip", "entries must be addresses or CIDR ranges");
                }
                (v6 ? context.ipv6Ranges : context.ipv4Ranges) = *ranges;
            }
        } else {
            context.unsupported = true; // aclr (location region) and anything newer
        }
    }
    return context;
}

Result<QList<AccessControlRule>> parseRules(const QJsonValue &value, const char *name)
{
    if (!value.isObject())
        return badAttribute(name, "must be an object with acr");
    const QJsonObject set = value.toObject();
    if (set.size() != 1 || !set.value(QStringLiteral("acr")).isArray())
        return badAttribute(name, "must be an object with acr");
    const QJsonArray acr = set.value(QStringLiteral("acr")).toArray();
    if (acr.size() > kMaxListEntries)
        return badAttribute(name, "has too many rules");
    QList<AccessControlRule> rules;
    for (const QJsonValue &entry : acr) {
        if (!entry.isObject())
            return badAttribute("acr", "entries must be objects");
        const QJsonObject object = entry.toObject();
        AccessControlRule rule;
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() == QLatin1String("acor")) {
                auto originators = stringList(it.value(), "acor", false);
                if (!originators)
                    return originators.error();
                rule.originators = *originators;
            } else if (it.key() == QLatin1String("acop")) {
                const double operations = it.value().toDouble(-1);
                if (!it.value().isDouble() || operations < 1 || operations > kAllOperations ||
                    operations != double(qint64(operations)))
                    return badAttribute("acop", "must be an integer 1..63");
                rule.operations = quint32(operations);
            } else if (it.key() == QLatin1String("acco")) {
                if (!it.value().isArray() || it.value().toArray().size() > kMaxListEntries)
                    return badAttribute("acco", "must be a list");
                for (const QJsonValue &contextValue : it.value().toArray()) {
                    auto context = parseContext(contextValue);
                    if (!context)
                        return context.error();
                    rule.contexts.append(*context);
                }
            } else {
                return badAttribute("acr", "has an unknown attribute");
            }
        }
        if (rule.originators.isEmpty() || rule.operations == 0)
            return badAttribute("acr", "needs acor and acop");
        rules.append(rule);
    }
    return rules;
}

} // namespace

QJsonObject toJson(const CseBase &cse)
{
    QJsonObject object;
    putCommon(object, ResourceType::CseBase, cse.resourceId, cse.resourceName, QString(),
              cse.created, QDateTime(), QStringList());
    object.insert(QStringLiteral("csi"), cse.cseId);
    object.insert(QStringLiteral("cst"), 1); // IN-CSE
    object.insert(QStringLiteral("srt"), QJsonArray{1, 2, 3, 4, 5});
    return QJsonObject{{QStringLiteral("m2m:cb"), object}};
}

QJsonObject toJson(const Ae &ae)
{
    QJsonObject object;
    putCommon(object, ResourceType::Ae, ae.resourceId, ae.resourceName, ae.parentId, ae.created,
              ae.lastModified, ae.labels);
    object.insert(QStringLiteral("aei"), ae.aeId);
    object.insert(QStringLiteral("api"), ae.appId);
    object.insert(QStringLiteral("rr"), false);
    if (!ae.acpIds.isEmpty())
        object.insert(QStringLiteral("acpi"), QJsonArray::fromStringList(ae.acpIds));
    return QJsonObject{{QStringLiteral("m2m:ae"), object}};
}

QJsonObject toJson(const Container &container)
{
    QJsonObject object;
    putCommon(object, ResourceType::Container, container.resourceId, container.resourceName,
              container.parentId, container.created, container.lastModified, container.labels);
    object.insert(QStringLiteral("st"), qint64(container.stateTag));
    object.insert(QStringLiteral("cni"), container.currentInstances);
    object.insert(QStringLiteral("cbs"), container.currentByteSize);
    if (container.maxInstances >= 0)
        object.insert(QStringLiteral("mni"), container.maxInstances);
    return QJsonObject{{QStringLiteral("m2m:cnt"), object}};
}

QJsonObject toJson(const ContentInstance &instance)
{
    QJsonObject object;
    putCommon(object, ResourceType::ContentInstance, instance.resourceId, instance.resourceName,
              instance.parentId, instance.created, instance.lastModified, instance.labels);
    object.insert(QStringLiteral("st"), qint64(instance.stateTag));
    if (!instance.contentInfo.isEmpty())
        object.insert(QStringLiteral("cnf"), instance.contentInfo);
    object.insert(QStringLiteral("cs"), instance.contentSize);
    object.insert(QStringLiteral("con"), instance.content);
    return QJsonObject{{QStringLiteral("m2m:cin"), object}};
}

QJsonObject toJson(const AccessControlPolicy &policy)
{
    QJsonObject object;
    putCommon(object, ResourceType::AccessControlPolicy, policy.resourceId, policy.resourceName,
              policy.parentId, policy.created, policy.lastModified, policy.labels);
    object.insert(QStringLiteral("pv"),
                  QJsonObject{{QStringLiteral("acr"), rulesToJson(policy.privileges)}});
    if (!policy.selfPrivileges.isEmpty())
        object.insert(QStringLiteral("pvs"),
                      QJsonObject{{QStringLiteral("acr"), rulesToJson(policy.selfPrivileges)}});
    return QJsonObject{{QStringLiteral("m2m:acp"), object}};
}

Result<ContentInstanceCreate> parseContentInstanceCreate(const QByteArray &body, qsizetype maxBytes)
{
    auto object = rootObject(body, maxBytes, QStringLiteral("m2m:cin"));
    if (!object)
        return object.error();
    static const QSet<QString> readOnly = {
        QStringLiteral("ri"), QStringLiteral("pi"), QStringLiteral("ct"), QStringLiteral("lt"),
        QStringLiteral("st"), QStringLiteral("cs"), QStringLiteral("ty")};
    ContentInstanceCreate create;
    bool hasContent = false;
    for (auto it = object->begin(); it != object->end(); ++it) {
        const QString &key = it.key();
        if (readOnly.contains(key))
            return makeError("onem2m.read_only",
                             "attribute " + key.toStdString() + " is assigned by the CSE");
        if (key == QLatin1String("rn")) {
            if (!it.value().isString() || !isValidResourceName(it.value().toString()))
                return badAttribute("rn", "must be 1..64 of [A-Za-z0-9._-] and not la/ol");
            create.resourceName = it.value().toString();
        } else if (key == QLatin1String("cnf")) {
            auto info = shortString(it.value(), "cnf");
            if (!info)
                return info.error();
            create.contentInfo = *info;
        } else if (key == QLatin1String("con")) {
            if (!it.value().isString() && !it.value().isObject())
                return badAttribute("con", "must be a string or an object");
            create.content = it.value();
            hasContent = true;
        } else if (key == QLatin1String("lbl")) {
            auto labels = stringList(it.value(), "lbl", true);
            if (!labels)
                return labels.error();
            create.labels = *labels;
        } else {
            return badAttribute("m2m:cin", "has an unknown or unsupported attribute");
        }
    }
    if (!hasContent)
        return badAttribute("con", "is required");
    return create;
}

namespace {

Result<ContentInstance> contentInstanceFrom(const QJsonObject &object)
{
    ContentInstance instance;
    if (object.value(QStringLiteral("ty")).toInt(-1) != int(ResourceType::ContentInstance))
        return badAttribute("ty", "must be 4");
    const struct
    {
        const char *name;
        QString *target;
    } strings[] = {{"ri", &instance.resourceId},
                   {"rn", &instance.resourceName},
                   {"pi", &instance.parentId},
                   {"cnf", &instance.contentInfo}};
    for (const auto &field : strings) {
        const QJsonValue value = object.value(QLatin1String(field.name));
        if (value.isUndefined())
            continue;
        auto text = shortString(value, field.name);
        if (!text)
            return text.error();
        *field.target = *text;
    }
    if (instance.resourceId.isEmpty())
        return badAttribute("ri", "is required");
    for (const char *name : {"ct", "lt"}) {
        const QJsonValue value = object.value(QLatin1String(name));
        if (value.isUndefined())
            continue;
        const QDateTime time = parseTimestamp(value.toString());
        if (!time.isValid())
            return badAttribute(name, "must be a timestamp like 20261122T120000");
        (name[0] == 'c' ? instance.created : instance.lastModified) = time;
    }
    for (const char *name : {"st", "cs"}) {
        const QJsonValue value = object.value(QLatin1String(name));
        if (value.isUndefined())
            continue;
        const double number = value.toDouble(-1);
        if (!value.isDouble() || number < 0 || number > 9007199254740991.0 ||
            number != double(qint64(number)))
            return badAttribute(name, "must be a non-negative integer");
        if (name[0] == 's')
            instance.stateTag = quint64(number);
        else
            instance.contentSize = qint64(number);
    }
    const QJsonValue labels = object.value(QStringLiteral("lbl"));
    if (!labels.isUndefined()) {
        auto list = stringList(labels, "lbl", true);
        if (!list)
            return list.error();
        instance.labels = *list;
    }
    instance.content = object.value(QStringLiteral("con"));
    if (!instance.content.isString() && !instance.content.isObject())
        return badAttribute("con", "must be a string or an object");
    return instance;
}

} // namespace

Result<ContentInstance> parseContentInstance(const QByteArray &body, qsizetype maxBytes)
{
    auto object = rootObject(body, maxBytes, QStringLiteral("m2m:cin"));
    if (!object)
        return object.error();
    return contentInstanceFrom(*object);
}

Result<ContainerListing> parseContainerListing(const QByteArray &body, qsizetype maxBytes)
{
    if (body.size() > std::min(maxBytes, kMaxListingJsonBytes))
        return makeError("onem2m.too_large", "container listing larger than allowed");
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject top = document.object();
    if (parseError.error != QJsonParseError::NoError || !document.isObject() || top.size() != 1)
        return makeError("onem2m.malformed", "body must hold exactly one resource");
    if (!top.contains(QStringLiteral("m2m:cnt")))
        return makeError("onem2m.wrong_resource", "expected a m2m:cnt resource");
    const QJsonObject object = top.value(QStringLiteral("m2m:cnt")).toObject();
    if (object.value(QStringLiteral("ty")).toInt(-1) != int(ResourceType::Container))
        return badAttribute("ty", "must be 3");
    ContainerListing listing;
    listing.resourceId = object.value(QStringLiteral("ri")).toString();
    const double stateTag = object.value(QStringLiteral("st")).toDouble(-1);
    const double instances = object.value(QStringLiteral("cni")).toDouble(-1);
    if (stateTag < 0 || stateTag > 9007199254740991.0 || instances < 0 ||
        instances > 9007199254740991.0)
        return badAttribute("st", "st and cni must be non-negative integers");
    listing.stateTag = quint64(stateTag);
    listing.currentInstances = qint64(instances);
    const QJsonValue children = object.value(QStringLiteral("m2m:cin"));
    if (children.isUndefined())
        return listing;
    if (!children.isArray() || children.toArray().size() > kMaxListingChildren)
        return badAttribute("m2m:cin", "must be a list of at most 500 contentInstances");
    for (const QJsonValue &child : children.toArray()) {
        if (!child.isObject())
            return badAttribute("m2m:cin", "entries must be objects");
        auto instance = contentInstanceFrom(child.toObject());
        if (!instance)
            return instance.error();
        listing.children.append(std::move(*instance));
    }
    return listing;
}

Result<AccessControlPolicy> parseAccessControlPolicy(const QByteArray &body, qsizetype maxBytes)
{
    auto object = rootObject(body, maxBytes, QStringLiteral("m2m:acp"));
    if (!object)
        return object.error();
    AccessControlPolicy policy;
    bool hasPrivileges = false;
    for (auto it = object->begin(); it != object->end(); ++it) {
        const QString &key = it.key();
        if (key == QLatin1String("rn")) {
            if (!it.value().isString() || !isValidResourceName(it.value().toString()))
                return badAttribute("rn", "must be 1..64 of [A-Za-z0-9._-]");
            policy.resourceName = it.value().toString();
        } else if (key == QLatin1String("ri") || key == QLatin1String("pi")) {
            auto text = shortString(it.value(), key == QLatin1String("ri") ? "ri" : "pi");
            if (!text)
                return text.error();
            (key == QLatin1String("ri") ? policy.resourceId : policy.parentId) = *text;
        } else if (key == QLatin1String("ct") || key == QLatin1String("lt")) {
            const QDateTime time = parseTimestamp(it.value().toString());
            if (!time.isValid())
                return badAttribute("ct/lt", "must be a timestamp like 20261122T120000");
            (key == QLatin1String("ct") ? policy.created : policy.lastModified) = time;
        } else if (key == QLatin1String("ty")) {
            if (it.value().toInt(-1) != int(ResourceType::AccessControlPolicy))
                return badAttribute("ty", "must be 1");
        } else if (key == QLatin1String("lbl")) {
            auto labels = stringList(it.value(), "lbl", true);
            if (!labels)
                return labels.error();
            policy.labels = *labels;
        } else if (key == QLatin1String("pv")) {
            auto rules = parseRules(it.value(), "pv");
            if (!rules)
                return rules.error();
            policy.privileges = *rules;
            hasPrivileges = true;
        } else if (key == QLatin1String("pvs")) {
            auto rules = parseRules(it.value(), "pvs");
            if (!rules)
                return rules.error();
            policy.selfPrivileges = *rules;
        } else {
            return badAttribute("m2m:acp", "has an unknown or unsupported attribute");
        }
    }
    if (!hasPrivileges)
        return badAttribute("pv", "is required");
    return policy;
}

} // namespace Portal::OneM2M
