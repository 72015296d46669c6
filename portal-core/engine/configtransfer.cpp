#include "configtransfer.h"

#include "csv.h"

#include <portal-core/crypto/es256.h>
#include <portal-core/onem2m/resourcejson.h>
#include <portal-core/provisioning/puppetmanifest.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace Portal::Engine {

namespace {

constexpr char kFormat[] = "iot-portal-configuration";

Error malformed(const QString &where, const QString &what)
{
    return makeError("config.malformed", (where + QStringLiteral(": ") + what).toStdString());
}

QJsonObject classToJson(const Store::DeviceClass &deviceClass)
{
    return {{QStringLiteral("name"), deviceClass.name},
            {QStringLiteral("vendor"), deviceClass.vendor},
            {QStringLiteral("type"), deviceClass.type},
            {QStringLiteral("subscriber"), deviceClass.subscriber},
            {QStringLiteral("priority"), deviceClass.priority},
            {QStringLiteral("template"), deviceClass.templateName},
            {QStringLiteral("sharing"), Store::toText(deviceClass.sharing)},
            {QStringLiteral("capacity"), deviceClass.capacity},
            {QStringLiteral("enrolment"), Store::toText(deviceClass.enrolment)}};
}

Result<Store::DeviceClass> classFromJson(const QJsonObject &object, const QString &where)
{
    static const QStringList known = {"name",     "vendor",  "type",     "subscriber", "priority",
                                      "template", "sharing", "capacity", "enrolment"};
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            return malformed(where, QStringLiteral("unknown member %1").arg(it.key().left(40)));
    }
    Store::DeviceClass deviceClass;
    for (const auto &[key, target] :
         {std::pair{"name", &deviceClass.name}, std::pair{"vendor", &deviceClass.vendor},
          std::pair{"type", &deviceClass.type}, std::pair{"subscriber", &deviceClass.subscriber},
          std::pair{"template", &deviceClass.templateName}}) {
        const QJsonValue value = object.value(QLatin1String(key));
        if (!value.isUndefined() && !value.isString())
            return malformed(where, QStringLiteral("%1 must be a string").arg(QLatin1String(key)));
        *target = value.toString();
        if (target->size() > Store::kMaxAttributeChars)
            return malformed(where, QStringLiteral("%1 is longer than %2 characters")
                                        .arg(QLatin1String(key))
                                        .arg(Store::kMaxAttributeChars));
    }
    if (!Store::isValidName(deviceClass.name) || !Store::isValidName(deviceClass.templateName))
        return malformed(where,
                         QStringLiteral("name and template must be 1..64 of [A-Za-z0-9._-]"));
    const QJsonValue priority = object.value(QStringLiteral("priority"));
    const QJsonValue capacity = object.value(QStringLiteral("capacity"));
    if ((!priority.isUndefined() && !priority.isDouble()) ||
        (!capacity.isUndefined() && !capacity.isDouble()))
        return malformed(where, QStringLiteral("priority and capacity must be numbers"));
    deviceClass.priority = priority.toInt(0);
    deviceClass.capacity = capacity.toInt(1);
    if (deviceClass.priority < -1000000 || deviceClass.priority > 1000000 ||
        deviceClass.capacity < 1 || deviceClass.capacity > 1000000)
        return malformed(where, QStringLiteral("priority must be within ±1000000 and capacity "
                                               "1..1000000"));
    const auto sharing = Store::sharingFromText(
        object.value(QStringLiteral("sharing")).toString(QStringLiteral("shared")));
    const auto enrolment = Store::enrolmentFromText(
        object.value(QStringLiteral("enrolment")).toString(QStringLiteral("preregistered")));
    if (!sharing || !enrolment)
        return malformed(where, QStringLiteral("sharing must be shared or dedicated, enrolment "
                                               "preregistered or open"));
    deviceClass.sharing = *sharing;
    deviceClass.enrolment = *enrolment;
    return deviceClass;
}

Result<QJsonArray> section(const QJsonObject &root, const char *name)
{
    const QJsonValue value = root.value(QLatin1String(name));
    if (value.isUndefined())
        return QJsonArray();
    if (!value.isArray())
        return malformed(QLatin1String(name), QStringLiteral("must be a list"));
    for (const QJsonValue &entry : value.toArray()) {
        if (!entry.isObject())
            return malformed(QLatin1String(name), QStringLiteral("entries must be objects"));
    }
    return value.toArray();
}

} // namespace

Result<void> checkTemplate(const Store::VmTemplate &vmTemplate)
{
    if (!Store::isValidName(vmTemplate.name))
        return makeError("config.malformed", "a template name must be 1..64 of [A-Za-z0-9._-]");
    for (const char *key : {"image", "flavor", "network", "keyName"}) {
        const QJsonValue value = vmTemplate.spec.value(QLatin1String(key));
        if (!value.isUndefined() && (!value.isString() || value.toString().size() > 255))
            return makeError("config.malformed",
                             std::string(key) + " must be a string of at most 255 characters");
    }
    const QJsonValue userData = vmTemplate.spec.value(QStringLiteral("userData"));
    if (!userData.isUndefined() &&
        (!userData.isString() || userData.toString().toUtf8().size() > 48 * 1024))
        return makeError("config.malformed", "userData must be a string of at most 48 KiB");
    if (vmTemplate.spec.contains(QStringLiteral("puppet"))) {
        if (auto rendered = Provisioning::renderManifest(vmTemplate.spec, vmTemplate.name);
            !rendered)
            return makeError("config.malformed", "puppet: " + rendered.error().message);
    }
    return {};
}

Result<QJsonObject> exportConfiguration(const Store::Store &store)
{
    auto templates = store.templates();
    if (!templates)
        return templates.error();
    auto classes = store.deviceClasses();
    if (!classes)
        return classes.error();
    auto policies = store.policies();
    if (!policies)
        return policies.error();
    QJsonArray templateList;
    for (const Store::VmTemplate &vmTemplate : *templates)
        templateList.append(QJsonObject{{QStringLiteral("name"), vmTemplate.name},
                                        {QStringLiteral("spec"), vmTemplate.spec}});
    QJsonArray classList;
    for (const Store::DeviceClass &deviceClass : *classes)
        classList.append(classToJson(deviceClass));
    QJsonArray policyList;
    for (const Store::AccessPolicy &policy : *policies)
        policyList.append(QJsonObject{{QStringLiteral("name"), policy.name},
                                      {QStringLiteral("document"), policy.document}});
    return QJsonObject{{QStringLiteral("format"), QLatin1String(kFormat)},
                       {QStringLiteral("version"), 1},
                       {QStringLiteral("templates"), templateList},
                       {QStringLiteral("classes"), classList},
                       {QStringLiteral("policies"), policyList}};
}

Result<ImportSummary> importConfiguration(Store::Store &store, const QByteArray &json,
                                          const QString &actor)
{
    if (json.size() > kMaxConfigurationBytes)
        return makeError("config.too_large", "a configuration file is at most 4 MiB");
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return malformed(QStringLiteral("file"), QStringLiteral("not a JSON object (%1 at byte %2)")
                                                     .arg(parseError.errorString())
                                                     .arg(parseError.offset));
    const QJsonObject root = document.object();
    if (root.value(QStringLiteral("format")).toString() != QLatin1String(kFormat) ||
        root.value(QStringLiteral("version")).toInt() != 1)
        return malformed(QStringLiteral("file"),
                         QStringLiteral("not an iot-portal configuration (format %1, version 1)")
                             .arg(QLatin1String(kFormat)));
    auto templateEntries = section(root, "templates");
    auto classEntries = section(root, "classes");
    auto policyEntries = section(root, "policies");
    for (const auto *entries : {&templateEntries, &classEntries, &policyEntries}) {
        if (!*entries)
            return entries->error();
    }
    if (templateEntries->size() + classEntries->size() + policyEntries->size() >
        kMaxConfigurationEntries)
        return makeError("config.too_large", "a configuration holds at most 10000 entries");

    // Everything is checked before the first write.
    QList<Store::VmTemplate> templates;
    QSet<QString> templateNames;
    for (int i = 0; i < templateEntries->size(); ++i) {
        const QString where = QStringLiteral("templates[%1]").arg(i);
        const QJsonObject entry = templateEntries->at(i).toObject();
        Store::VmTemplate vmTemplate{entry.value(QStringLiteral("name")).toString(),
                                     entry.value(QStringLiteral("spec")).toObject()};
        if (!entry.value(QStringLiteral("spec")).isObject())
            return malformed(where, QStringLiteral("spec must be an object"));
        if (auto checked = checkTemplate(vmTemplate); !checked)
            return malformed(where, QString::fromStdString(checked.error().message));
        templateNames.insert(vmTemplate.name);
        templates.append(vmTemplate);
    }
    QList<Store::DeviceClass> classes;
    for (int i = 0; i < classEntries->size(); ++i) {
        const QString where = QStringLiteral("classes[%1]").arg(i);
        auto deviceClass = classFromJson(classEntries->at(i).toObject(), where);
        if (!deviceClass)
            return deviceClass.error();
        if (!templateNames.contains(deviceClass->templateName) &&
            !store.findTemplate(deviceClass->templateName))
            return malformed(where, QStringLiteral("template %1 is neither in the file nor in "
                                                   "the portal")
                                        .arg(deviceClass->templateName));
        classes.append(*deviceClass);
    }
    QList<Store::AccessPolicy> policies;
    for (int i = 0; i < policyEntries->size(); ++i) {
        const QString where = QStringLiteral("policies[%1]").arg(i);
        const QJsonObject entry = policyEntries->at(i).toObject();
        const Store::AccessPolicy policy{entry.value(QStringLiteral("name")).toString(),
                                         entry.value(QStringLiteral("document")).toObject(),
                                         false,
                                         {}};
        if (!Store::isValidName(policy.name))
            return malformed(where, QStringLiteral("name must be 1..64 of [A-Za-z0-9._-]"));
        auto parsed = OneM2M::parseAccessControlPolicy(
            QJsonDocument(policy.document).toJson(QJsonDocument::Compact),
            Store::Store::kMaxPolicyBytes);
        if (!parsed)
            return malformed(where, QString::fromStdString(parsed.error().message));
        if (!parsed->resourceName.isEmpty() && parsed->resourceName != policy.name)
            return malformed(where, QStringLiteral("rn differs from the name"));
        policies.append(policy);
    }

    // The store has no transaction across these writes: a failure part-way says what was
    // written, so the operator can import the same file again once the store answers.
    int written = 0;
    const auto failedAfter = [&written](const Error &error) {
        return makeError(error.code, error.message + " (after " + std::to_string(written) +
                                         " entries were written; import the file again)");
    };
    for (const Store::VmTemplate &vmTemplate : templates) {
        if (auto saved = store.upsertTemplate(vmTemplate); !saved)
            return failedAfter(saved.error());
        ++written;
        (void)store.audit(actor, QStringLiteral("template.import"),
                          QStringLiteral("template:") + vmTemplate.name);
    }
    for (const Store::DeviceClass &deviceClass : classes) {
        if (auto saved = store.upsertDeviceClass(deviceClass); !saved)
            return failedAfter(saved.error());
        ++written;
        (void)store.audit(actor, QStringLiteral("class.import"),
                          QStringLiteral("class:") + deviceClass.name);
    }
    for (const Store::AccessPolicy &policy : policies) {
        if (auto saved = store.upsertPolicy(policy); !saved)
            return failedAfter(saved.error());
        ++written;
        (void)store.audit(actor, QStringLiteral("policy.import"),
                          QStringLiteral("policy:") + policy.name);
    }
    return ImportSummary{int(templates.size()), int(classes.size()), int(policies.size())};
}

Result<void> preregisterDevice(Store::Store &store, const QString &deviceId,
                               const QString &className, const QString &publicKeyBase64,
                               const QString &actor)
{
    if (!Store::isValidDeviceId(deviceId))
        return makeError("config.malformed", "the device id must be 16 lowercase hex digits");
    const auto key = QByteArray::fromBase64Encoding(publicKeyBase64.toLatin1().left(200),
                                                    QByteArray::AbortOnBase64DecodingErrors);
    if (!key || key.decoded.size() != qsizetype(Crypto::kP256UncompressedPointBytes) ||
        !Crypto::Es256PublicKey::fromUncompressedPoint(Crypto::ByteView(
            reinterpret_cast<const uint8_t *>(key.decoded.constData()), key.decoded.size())))
        return makeError("config.malformed",
                         "the public key must be base64 of a P-256 uncompressed point");
    auto deviceClass = store.findDeviceClass(className);
    if (!deviceClass)
        return deviceClass.error().code == "store.not_found"
                   ? makeError("config.malformed", "no device class " + className.toStdString())
                   : deviceClass.error();
    Store::Device device;
    device.id = deviceId;
    device.className = className;
    device.publicKey = key.decoded;
    if (auto inserted = store.insertDevice(device); !inserted)
        return inserted.error().code == "store.conflict"
                   ? makeError("store.conflict", "the device is already registered")
                   : inserted.error();
    (void)store.audit(actor, QStringLiteral("device.register"),
                      QStringLiteral("device:") + deviceId, QStringLiteral("class ") + className);
    return {};
}

Result<QList<CsvRowOutcome>> preregisterDevicesFromCsv(Store::Store &store, const QByteArray &csv,
                                                       const QString &actor)
{
    if (csv.size() > kMaxCsvBytes)
        return makeError("config.too_large", "a CSV file is at most 4 MiB");
    const QList<QByteArray> lines = csv.split('\n');
    if (lines.size() > kMaxCsvRows + 1)
        return makeError("config.too_large", "a CSV file holds at most 20000 rows");
    QList<CsvRowOutcome> outcomes;
    for (int index = 0; index < lines.size(); ++index) {
        const QByteArray line = lines[index].trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        if (index == 0 && line.toLower().startsWith("device_id"))
            continue;
        CsvRowOutcome outcome;
        outcome.line = index + 1;
        const QList<QByteArray> fields = line.split(',');
        if (line.size() > kMaxCsvLineBytes || fields.size() != 3) {
            outcome.message = QStringLiteral("expected device_id,class,public_key");
            outcomes.append(outcome);
            continue;
        }
        outcome.deviceId = QString::fromLatin1(readCsvField(fields[0])).left(32);
        auto registered =
            preregisterDevice(store, outcome.deviceId, QString::fromUtf8(readCsvField(fields[1])),
                              QString::fromLatin1(readCsvField(fields[2])), actor);
        outcome.registered = bool(registered);
        outcome.message = registered ? QStringLiteral("registered")
                                     : QString::fromStdString(registered.error().message);
        outcomes.append(outcome);
    }
    return outcomes;
}

} // namespace Portal::Engine
